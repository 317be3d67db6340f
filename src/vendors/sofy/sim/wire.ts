// How the Sofy simulator reads requests and writes its answers' texts (vendor-apis/sofy.md
// §2-§5): the vendor's messages, query parameters and JSON properties matched case-blind (as
// ASP.NET and JSON.NET do), ScheduledIDs, legacy JSON bodies and both generations' errors.

import { header, jsonResponse, type SimRequest, type SimResponse } from '../../../simulator/kit.js';
import { guidFrom } from './catalog.js';
import { errorBody, legacyErrorBody } from './format.js';

/** The account the simulated keys belong to (named in the abort answer, never the key). */
const SIMULATED_USER = guidFrom('sofy-simulator:user');

/** The vendor's own texts (§2-§5); the legacy ones marked "unconfirmed" are ASP.NET defaults. */
export const MESSAGES = {
  triggered:
    'Test runs are scheduled and in queue, Login to https://devtest.sofy.ai/ for more info.',
  triggeredShort: 'Test runs are scheduled and in queue.',
  legacyTriggered:
    'Test runs are scheduled and in queue, Login to https://portal.sofy.ai for more info.',
  badSchedule: 'The scheduledRunGuid is either invalid or not found.',
  abortBadSchedule: 'Scheduled run ID not found or invalid.',
  badGroup: 'Test run ID not found or invalid.',
  missingHeaders: 'Missing required headers.',
  invalidKey: 'Invalid Auth Key.',
  internal: 'Internal Server Error.',
  invalidGuid: "Validation failed for parameter 'subscriptionAuth'. Invalid GUID.",
  uploaded: 'Application Upload Successful.',
  aborted: (guid: string) =>
    `Scheduled run ${guid} aborted by user ${SIMULATED_USER} successfully.`,
  nothingToAbort: (guid: string) =>
    `No test runs could be aborted for scheduled run ${guid}. ` +
    'They may have already completed or are in a non-abortable state.',
  // Legacy errors are undocumented (unconfirmed): ASP.NET Web API's own texts.
  legacyDenied: 'Authorization has been denied for this request.',
  legacyInvalid: 'The request is invalid.',
  legacyBadSchedule: 'The ScheduledID is either invalid or not found.',
  legacyBadAppHash: 'The AppHash is either invalid or not found.',
  badAppHash: 'The appHash is either invalid or not found.',
} as const;

/** A query parameter, its name matched case-blind (ASP.NET binding); '' counts as absent. */
export function queryParam(query: URLSearchParams, name: string): string | undefined {
  for (const [key, value] of query) {
    if (key.toLowerCase() === name.toLowerCase() && value.trim() !== '') return value.trim();
  }
  return undefined;
}

/** A JSON property, its name matched case-blind (JSON.NET's default). */
export function property(body: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(body).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : body[key];
}

export function error(status: number, message: string, details: string): SimResponse {
  return jsonResponse(status, errorBody(message, details));
}

export function legacyError(status: number, message: string): SimResponse {
  return jsonResponse(status, legacyErrorBody(message));
}

/** A ScheduledID as JSON.NET binds an int: a whole number, or a string holding one. */
export function scheduledId(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= 2 ** 31 - 1) {
    return String(value);
  }
  if (typeof value === 'string' && /^\s*\d{1,9}\s*$/.test(value) && Number(value) > 0) {
    return String(Number(value));
  }
  return undefined;
}

/** The JSON object body of a legacy call, or ASP.NET's 415/400. */
export function legacyBody(request: SimRequest): Record<string, unknown> | SimResponse {
  const contentType = header(request.headers, 'content-type');
  if (contentType !== '' && !/json/i.test(contentType)) {
    return legacyError(
      415,
      `The request entity's media type '${contentType.split(';')[0]}' is not supported for this resource.`,
    );
  }
  const body = request.body;
  if (body.kind !== 'json' || typeof body.value !== 'object' || body.value === null) {
    return legacyError(400, MESSAGES.legacyInvalid);
  }
  if (Array.isArray(body.value)) return legacyError(400, MESSAGES.legacyInvalid);
  return body.value as Record<string, unknown>;
}
