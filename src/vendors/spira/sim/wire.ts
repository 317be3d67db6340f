// How the Spira simulator reads requests and writes its refusals (vendor-apis/spira.md §2, §6):
// path ids, JSON fields converted the way Json.NET converts them (integers, strings, dates),
// the body, and the error bodies.

import {
  isResponse,
  jsonResponse,
  textResponse,
  type SimRequest,
  type SimResponse,
} from '../../../simulator/kit.js';
import { STATUS } from './model.js';

export const SPIRA_MESSAGES = {
  accessDenied: 'Access Denied',
  endpointNotFound: 'Endpoint not found.',
  foreignKey: 'Database foreign key violation occurred',
  arrayToRecord:
    "Cannot deserialize the current JSON array (e.g. [1,2,3]) into type 'RemoteAutomatedTestRun' " +
    'because the type requires a JSON object (e.g. {"name":"value"}) to deserialize correctly.',
  objectToArray:
    'Cannot deserialize the current JSON object (e.g. {"name":"value"}) into type \'RemoteAutomatedTestRun[]\' ' +
    'because the type requires a JSON array (e.g. [1,2,3]) to deserialize correctly.',
  allNotRun:
    'Unable to save the test run: its test steps are all Not Run, or only Not Run mixed with Passed and N/A',
  stale:
    'The artifact has been modified by another user since you retrieved it (ConcurrencyDate mismatch); reload it and try again',
  deadlock:
    'Transaction (Process ID 67) was deadlocked on lock resources with another process and has been chosen as the deadlock victim. Rerun the transaction.',
  paging: 'The starting_row and number_of_rows parameters are required',
} as const;

/** An error in the shape the simulator uses for Spira faults (the docs show none). */
export function fault(status: number, message: string): SimResponse {
  return jsonResponse(status, { Message: message });
}

export function notFound(what: string, id: number | string): SimResponse {
  return fault(404, `Unable to find ${what} with id ${String(id)}`);
}

/** WCF's answer to a path without an operation: an HTML page. */
export function endpointNotFound(): SimResponse {
  return textResponse(
    404,
    `<html><body><p>${SPIRA_MESSAGES.endpointNotFound}</p></body></html>`,
    'text/html; charset=UTF-8',
  );
}
/** A bare integer id from a path segment. */
export function pathId(text: string, what: string): number | SimResponse {
  if (/^\d{1,9}$/.test(text)) return Number(text);
  return fault(400, `The ${what} id "${text}" is not an integer (ids are bare: TC:123 → 123)`);
}

/** An integer JSON field as Json.NET converts it; null/undefined pass as null. */
export function intField(
  body: Record<string, unknown>,
  name: string,
  path = name,
): number | null | SimResponse {
  const value = body[name];
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\s*-?\d{1,9}\s*$/.test(value)) return Number(value);
  return fault(
    400,
    `Could not convert ${typeof value === 'string' ? `string to integer: ${value}` : `value ${JSON.stringify(value)} to integer`}. Path '${path}'.`,
  );
}

export function stringField(body: Record<string, unknown>, name: string): string | null {
  const value = body[name];
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** ISO 8601 or legacy WCF `/Date(ms±hhmm)/`, normalized to ISO; null when absent. */
export function dateField(value: unknown, path: string): string | null | SimResponse {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') {
    const wcf = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/.exec(value);
    if (wcf) return new Date(Number(wcf[1])).toISOString();
    if (/^\d{4}-\d{2}-\d{2}T/.test(value) && Number.isFinite(Date.parse(value))) {
      return new Date(Date.parse(value)).toISOString();
    }
  }
  return fault(400, `The value ${JSON.stringify(value)} is not a valid DateTime. Path '${path}'.`);
}

export function validStatus(status: number | null): boolean {
  return status !== null && status >= STATUS.failed && status <= STATUS.caution;
}

/** Integer fields of a body (see intField), by name; the path of each is `prefix` + its name. */
export function intFields(
  body: Record<string, unknown>,
  names: readonly string[],
  prefix = '',
): Record<string, number | null> | SimResponse {
  const ints: Record<string, number | null> = {};
  for (const name of names) {
    const parsed = intField(body, name, `${prefix}${name}`);
    if (isResponse(parsed)) return parsed;
    ints[name] = parsed;
  }
  return ints;
}

/** The JSON body: an object (record) or an array (others), or Json.NET's 400. */
export function jsonBody(request: SimRequest): unknown {
  const body = request.body;
  if (body.kind === 'none') return fault(400, 'The request body is empty');
  if (body.kind === 'invalid') {
    return fault(400, `The server encountered an error processing the request: ${body.error}`);
  }
  return body.value;
}

/** Runs `use` with the bare integer id of a path segment, or answers the 400 for another id. */
export function withId(text: string, what: string, use: (id: number) => SimResponse): SimResponse {
  const id = pathId(text, what);
  return isResponse(id) ? id : use(id);
}
