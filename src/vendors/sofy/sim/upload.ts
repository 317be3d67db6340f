// Sofy build uploads (vendor-apis/sofy.md §3.1), for both generations: the multipart body,
// the checks in the order a server would make them, and the documented route errors.
//
// The framework hands the body over as text (UTF-8 decoded). That is enough: the part
// headers and boundaries are ASCII and survive decoding, and the file content is only hashed
// (to spot a build uploaded twice), never interpreted.

import { createHash } from 'node:crypto';
import { header, jsonResponse, type SimRequest, type SimResponse } from '../../../simulator/kit.js';
import type { Application, Build, Catalog, Platform } from './catalog.js';
import type { Generation, SofyScenario } from './run.js';
import type { Schedules } from './schedules.js';
import { error, legacyError, MESSAGES } from './wire.js';

/** Real builds are tens of megabytes; the framework's 1 MiB default would refuse them. */
export const MAX_UPLOAD_BYTES = 256 * 1024 * 1024;

export interface FormFile {
  field: string;
  filename: string;
  content: string;
}

export interface MultipartForm {
  fields: Map<string, string>;
  files: FormFile[];
}

function dispositionParameter(disposition: string, name: string): string | undefined {
  const match = new RegExp(`(?:^|;)\\s*${name}="([^"]*)"`, 'i').exec(disposition);
  if (match) return match[1];
  return new RegExp(`(?:^|;)\\s*${name}=([^;\\s]+)`, 'i').exec(disposition)?.[1];
}

/** Parses a multipart/form-data body; undefined when the content type is not multipart. */
export function parseMultipart(contentType: string, body: string): MultipartForm | undefined {
  if (!/^multipart\/form-data/i.test(contentType.trim())) return undefined;
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!boundary) return undefined;
  const delimiter = `--${boundary[1] ?? boundary[2]}`;
  const form: MultipartForm = { fields: new Map(), files: [] };
  // parts[0] is the preamble; the part after the closing delimiter starts with "--".
  for (const part of body.split(delimiter).slice(1)) {
    if (part.startsWith('--')) break;
    const text = part.replace(/^\r?\n/, '');
    const split = text.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const headers = text.slice(0, split);
    const content = text.slice(split + 4).replace(/\r\n$/, '');
    const disposition = /^content-disposition:\s*(.*)$/im.exec(headers)?.[1] ?? '';
    const field = dispositionParameter(disposition, 'name');
    if (field === undefined) continue;
    const filename = dispositionParameter(disposition, 'filename');
    if (filename !== undefined) form.files.push({ field, filename, content });
    else form.fields.set(field, content);
  }
  return form;
}

/** Values of the `uploadError` knob, each a documented route error. */
export const UPLOAD_ERRORS = {
  expired: { status: 400, message: 'Subscription plan has expired and requires renewal.' },
  'no-user': { status: 401, message: 'No user found.' },
  'wrong-type': {
    status: 500,
    message: 'Files with extensions other than APK or IPA not supported.',
  },
  corrupt: { status: 500, message: 'Corrupt or incomplete data.' },
  'no-manifest': { status: 500, message: 'Manifest file could not be found.' },
  'no-application': {
    status: 400,
    message: 'No application exists against this applicationGUID.',
  },
  'no-release': { status: 400, message: 'No active release found for this application.' },
  duplicate: { status: 400, message: 'Build already exists.' },
} as const;

export type UploadErrorKind = keyof typeof UPLOAD_ERRORS;

export type UploadOutcome =
  | { ok: true; app: Application; build: Build }
  | { ok: false; status: number; message: string; details: string };

function failure(kind: UploadErrorKind, details: string): UploadOutcome {
  return { ok: false, ...UPLOAD_ERRORS[kind], details };
}

const PLATFORM_BY_EXTENSION: Readonly<Record<string, Platform>> = { apk: 'ANDROID', ipa: 'IOS' };

function formField(form: MultipartForm, ...names: string[]): string {
  for (const [name, value] of form.fields) {
    if (names.some((wanted) => wanted.toLowerCase() === name.toLowerCase())) return value.trim();
  }
  return '';
}

export interface UploadRequest {
  contentType: string;
  body: string;
  /** `userFriendlyBuildName` (current generation), or null. */
  buildName: string | null;
  /** The `uploadError` knob: fail with this documented error where the server would. */
  forcedError: string | null;
}

export function uploadBuild(catalog: Catalog, request: UploadRequest): UploadOutcome {
  const forced = request.forcedError as UploadErrorKind | null;
  // Account checks come before the server looks at the file.
  if (forced === 'expired' || forced === 'no-user') {
    return failure(forced, 'The API key belongs to an account without an active subscription.');
  }
  const form = parseMultipart(request.contentType, request.body);
  const file = form?.files.find((candidate) => candidate.field === 'applicationFile');
  if (!form || !file) {
    return failure('corrupt', 'Expected multipart/form-data with an "applicationFile" part.');
  }
  const extension = /\.([^./\\]+)$/.exec(file.filename)?.[1]?.toLowerCase() ?? '';
  const platform = PLATFORM_BY_EXTENSION[extension];
  if (!platform || forced === 'wrong-type') {
    return failure('wrong-type', `Received "${file.filename}"; upload an .apk or an .ipa file.`);
  }
  if (file.content.length === 0 || forced === 'corrupt') {
    return failure('corrupt', `"${file.filename}" could not be read as an application package.`);
  }
  if (forced === 'no-manifest') {
    return failure('no-manifest', `"${file.filename}" holds no application manifest.`);
  }
  // One page spells the field ApplicationGUID, another ApplicationGuid (§3.1).
  const appGuid = formField(form, 'ApplicationGUID', 'ApplicationGuid');
  let app: Application | undefined;
  if (appGuid !== '') {
    app = catalog.findApp(appGuid);
    if (!app || forced === 'no-application') {
      return failure('no-application', `ApplicationGUID "${appGuid}" is unknown.`);
    }
  } else if (forced === 'no-application') {
    return failure('no-application', 'ApplicationGUID is empty.');
  }
  if (forced === 'no-release') {
    return failure('no-release', 'Create a release for the application in Sofy first.');
  }
  const contentHash = createHash('sha256').update(file.content).digest('hex');
  const existing = catalog
    .applications()
    .flatMap((candidate) => candidate.builds)
    .find((build) => build.contentHash === contentHash);
  if (existing || forced === 'duplicate') {
    return failure(
      'duplicate',
      existing
        ? `This file was uploaded before as build ${existing.buildId}.`
        : 'A build with this version already exists.',
    );
  }
  const stem = file.filename.replace(/^.*[/\\]/, '').replace(/\.[^.]+$/, '') || 'app';
  // Empty ApplicationGUID means "create a new application" (§3.1).
  app ??= catalog.addApp(platform, stem);
  const build = catalog.addBuild(app, request.buildName?.trim() || stem, contentHash);
  return { ok: true, app, build };
}

/** The upload routes of both generations: `upload` (current) and `legacyUpload`. */
export function upload(s: Schedules, request: SimRequest, generation: Generation): SimResponse {
  const outcome = uploadBuild(s.catalog, {
    contentType: header(request.headers, 'content-type'),
    body: request.body.kind === 'none' ? '' : request.body.text,
    buildName:
      generation === 'current' ? (request.query.get('userFriendlyBuildName') ?? null) : null,
    forcedError: (s.context.scenario() as SofyScenario).uploadError,
  });
  if (generation === 'legacy') {
    // The legacy answer's shape is unconfirmed (§3.1): only its AppHash is known.
    return outcome.ok
      ? jsonResponse(200, { AppHash: outcome.build.appHash, Message: MESSAGES.uploaded })
      : legacyError(outcome.status, outcome.message);
  }
  return outcome.ok
    ? jsonResponse(200, { data: { appHash: outcome.build.appHash }, message: MESSAGES.uploaded })
    : error(outcome.status, outcome.message, outcome.details);
}
