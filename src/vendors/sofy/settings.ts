// Sofy's settings: its own inputs read and normalized, and the common ones checked for what
// Sofy needs — every problem named by input, before any request.

import * as fs from 'node:fs';
import type { InputReader, Inputs } from '../../core/input-reader.js';
import type { Settings } from '../../core/settings.js';
import { GUID } from '../../core/text.js';

export interface SofySettings {
  /** 'current' (public.sofy.ai, schedule GUID) or 'legacy' (api.sofy.ai, numeric ScheduledID). */
  apiGeneration: 'current' | 'legacy';
  appHash?: string;
  /** A local .apk/.ipa, or an http(s) URL downloaded first; uploaded before the trigger. */
  appPath?: string;
}

export function readSofySettings(inputs: Inputs, common: Settings): SofySettings {
  const explicit = inputs.oneOf('apiFlavor', ['current', 'legacy'] as const);
  // By the form of the schedule id unless told: a GUID is the current API, a number the legacy one.
  const planId = common.planId ?? '';
  const apiGeneration = explicit ?? (/^\d+$/.test(planId) ? 'legacy' : 'current');
  const appHash = inputs.optional('appHash');
  const appPath = inputs.optional('appPath');
  if (appHash && appPath) {
    inputs.problem(
      'appPath',
      'set either appPath (upload this build first) or appHash (an uploaded build), not both',
    );
  }
  if (appPath) checkAppPath(inputs, appPath);
  const settings: SofySettings = { apiGeneration, appHash, appPath };
  checkCommon(inputs, common, settings);
  return settings;
}

function checkAppPath(inputs: Inputs, appPath: string): void {
  if (/^https?:\/\//i.test(appPath)) return;
  if (!/\.(apk|ipa)$/i.test(appPath)) {
    inputs.problem(
      'appPath',
      `expected an .apk or .ipa file (Sofy accepts no other kind), got "${appPath}"`,
    );
  } else if (!fs.existsSync(appPath) || !fs.statSync(appPath).isFile()) {
    inputs.problem('appPath', `no such file: "${appPath}"`);
  }
}

function checkCommon(inputs: Inputs, common: Settings, own: SofySettings): void {
  const { apiKey, planId, runId } = common;
  if (!apiKey) inputs.problem('apiKey', 'required for vendor sofy; pass it from a secret');
  // Sofy answers a malformed key with a bare 500; say it plainly instead (and never echo the key).
  else if (!GUID.test(apiKey)) {
    inputs.problem(
      'apiKey',
      'expected a Sofy API key, which is a GUID (Account › Account Settings › API Key)',
    );
  }
  if (!planId) {
    inputs.problem(
      'planId',
      'required for vendor sofy: the scheduled run id (a GUID, or a number for the legacy API), also to attach with runId',
    );
  } else if (!GUID.test(planId) && !/^\d+$/.test(planId)) {
    inputs.problem(
      'planId',
      `expected a Sofy schedule id: a GUID, or a number for the legacy API; got "${planId}"`,
    );
  } else if (own.apiGeneration === 'current' && !GUID.test(planId)) {
    inputs.problem('planId', `apiFlavor current needs a schedule GUID, got "${planId}"`);
  } else if (own.apiGeneration === 'legacy' && !/^\d+$/.test(planId)) {
    inputs.problem('planId', `apiFlavor legacy needs a numeric ScheduledID, got "${planId}"`);
  }
  if (runId && !/^\d+$/.test(runId)) {
    inputs.problem('runId', `expected a numeric Sofy test run group id, got "${runId}"`);
  }
}

/** A build URL may be signed (?X-Amz-Signature=…, ?sig=…): its query values are secrets. */
export function signedUrlSecrets(read: InputReader): string[] {
  const appPath = (read('appPath') ?? '').trim();
  if (!/^https?:\/\//i.test(appPath)) return [];
  try {
    return [...new URL(appPath).searchParams.values()].filter((value) => value.length >= 8);
  } catch {
    return []; // not a URL after all: nothing to mask
  }
}
