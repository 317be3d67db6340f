// Sofy's errors turned into messages that say what to do (vendor-apis/sofy.md §3.1, §5).
// Only permanent answers are rewritten: a retryable one (5xx, network) stays a
// VendorHttpError, so the wait loop keeps polling through it.

import { inputRef } from '../../core/input-names.js';
import { VendorHttpError } from '../../core/http.js';
import { errorMessageOf, type ApiGeneration } from './wire.js';

export const SOFY_CURRENT_URL = 'https://public.sofy.ai';
export const SOFY_LEGACY_URL = 'https://api.sofy.ai';

export interface ErrorContext {
  generation: ApiGeneration;
  planId: string;
  baseUrl: string;
  appHash?: string;
  groupId?: string;
}

const AUTH_WORDS =
  /invalid auth key|missing required headers|authorization has been denied|no user found|invalid guid/i;

function httpPart(error: VendorHttpError): string {
  const said = errorMessageOf(error.body);
  return `HTTP ${error.status}${said ? `: ${said}` : ''}`;
}

function scheduleName(context: ErrorContext): string {
  return context.generation === 'legacy'
    ? `ScheduledID ${context.planId}`
    : `scheduled run ${context.planId}`;
}

function authError(error: VendorHttpError): Error | undefined {
  const said = errorMessageOf(error.body);
  if (error.status !== 401 && error.status !== 403 && !AUTH_WORDS.test(said)) return undefined;
  return new Error(
    `Sofy rejected the API key (${httpPart(error)}). Check ${inputRef('apiKey')}: it is the GUID under ` +
      'Account › Account Settings › API Key in Sofy.',
  );
}

/** A permanent error of a trigger, status read or abort, explained; anything else as it was. */
export function explainError(error: unknown, context: ErrorContext): unknown {
  if (!(error instanceof VendorHttpError) || error.status === undefined) return error;
  const auth = authError(error);
  if (auth) return auth;
  const said = errorMessageOf(error.body);
  const http = httpPart(error);
  if (error.status === 404 || error.status === 405) {
    return new Error(
      `Sofy has no such endpoint at ${context.baseUrl} (${http}). Check ${inputRef('baseUrl')} and ${inputRef('apiFlavor')}: ` +
        `the current API is ${SOFY_CURRENT_URL} with a schedule GUID as ${inputRef('planId')}, the legacy API ` +
        `${SOFY_LEGACY_URL} with a numeric ScheduledID.`,
    );
  }
  if (error.status !== 400) return error;
  if (/test run id|group/i.test(said) && context.groupId) {
    return new Error(
      `Sofy has no test run group ${context.groupId} in ${scheduleName(context)} (${http}). ` +
        `Check ${inputRef('runId')} (the group id a trigger reported) and ${inputRef('planId')} (the schedule it belongs to).`,
    );
  }
  if (/scheduledRunGuid|ScheduledID|scheduled run id/i.test(said)) {
    return new Error(
      `Sofy has no ${scheduleName(context)} (${http}). Check ${inputRef('planId')}: in Sofy, Automation › ` +
        'Runs & Results, the CI/CD Settings icon next to the schedule shows its id.',
    );
  }
  if (/appHash/i.test(said)) {
    return new Error(
      `Sofy has no build with app hash ${context.appHash ?? ''} (${http}). Check ${inputRef('appHash')}, or ` +
        `upload the build first with ${inputRef('appPath')}.`,
    );
  }
  return error;
}

/** An upload error, explained with what to do about it. */
export function explainUploadError(error: unknown, fileName: string): unknown {
  if (!(error instanceof VendorHttpError)) return error;
  const auth = authError(error);
  if (auth) return auth;
  const said = errorMessageOf(error.body);
  const hint = UPLOAD_HINTS.find(([pattern]) => pattern.test(said))?.[1];
  // Sofy files several permanent refusals (wrong type, corrupt, no manifest) under 500:
  // its words decide, not the status.
  if (hint)
    return new Error(`Sofy refused the upload of ${fileName} (${httpPart(error)}). ${hint}`);
  if (error.status === undefined || error.retryable) {
    const message = error.message.replace(/ \(not retried: .*\)$/, '');
    const sent = /\(not retried: /.test(error.message)
      ? ' (not retried: Sofy may have received it, and would refuse the same build twice)'
      : '';
    return new Error(`Uploading ${fileName} to Sofy failed: ${message}${sent}`);
  }
  return new Error(
    `Sofy refused the upload of ${fileName} (${httpPart(error)}). ` +
      `Check ${inputRef('appPath')}, or run a build already in Sofy with ${inputRef('appHash')}.`,
  );
}

const UPLOAD_HINTS: ReadonlyArray<[RegExp, string]> = [
  [
    /expired/i,
    'The Sofy subscription has expired: renew it (builds already in Sofy can still be run with appHash).',
  ],
  [
    /already exists/i,
    'Sofy has this build already: give the build a new version, or run the uploaded build with appHash instead of appPath.',
  ],
  [
    /no active release/i,
    'The application has no active release in Sofy: create one, then upload again.',
  ],
  [/no application/i, 'Sofy does not know the application: check it exists in Sofy under Apps.'],
  [
    /other than apk|apk or ipa|not supported/i,
    'Sofy accepts only .apk and .ipa builds; an Android App Bundle (.aab) must be turned into a universal .apk first (bundletool build-apks --mode=universal).',
  ],
  [
    /manifest/i,
    'Sofy found no application manifest in it: upload a complete, signed .apk or .ipa.',
  ],
  [
    /corrupt|incomplete/i,
    'Sofy could not read it as an app package: check that the file is a complete build (for a URL, that it serves the build itself, not a login or HTML page).',
  ],
];
