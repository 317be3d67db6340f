// How the Testsigma simulator reads requests and writes its refusals, the way the Spring server
// does (vendor-apis/testsigma.md §5): ids as Longs, JSON bodies, the build number, and the
// error bodies of both flavours.

import type { IncomingHttpHeaders } from 'node:http';
import {
  header,
  isResponse,
  jsonResponse,
  type RequestBody,
  type SimRequest,
  type SimResponse,
} from '../../../simulator/kit.js';
import { apiErrorBody } from './format.js';
import type { Run } from './model.js';
import type { RunStore } from './store.js';

export function error(status: number, message: string): SimResponse {
  return jsonResponse(status, apiErrorBody(message));
}

/** The self-hosted auth filter writes a bare string with a JSON content type. */
export function bareString(status: number, text: string): SimResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: text };
}

export function bearerToken(headers: IncomingHttpHeaders): string {
  const value = header(headers, 'authorization');
  return value.startsWith('Bearer ') ? value.slice('Bearer '.length).trim() : '';
}

/** A path id as Spring would convert it to a Long. */
export function pathId(text: string): number | SimResponse {
  if (/^\d{1,15}$/.test(text)) return Number(text);
  return error(
    400,
    `Failed to convert value of type 'java.lang.String' to required type 'java.lang.Long'; ` +
      `nested exception is java.lang.NumberFormatException: For input string: "${text}"`,
  );
}

/** A plan id from a JSON body (number or numeric string), as its string key. */
export function bodyId(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === 'string' && /^\s*\d{1,15}\s*$/.test(value)) return String(Number(value));
  return undefined;
}

export function parseError(detail: string): SimResponse {
  return error(400, `JSON parse error: ${detail}`);
}

/** The JSON object body of a trigger or stop, or the 400/415 the server would answer. */
export function objectBody(request: SimRequest): Record<string, unknown> | SimResponse {
  const contentType = header(request.headers, 'content-type');
  if (contentType !== '' && !/json/i.test(contentType)) {
    return error(415, `Content type '${contentType}' not supported`);
  }
  const body: RequestBody = request.body;
  if (body.kind === 'none') return error(400, 'Required request body is missing');
  if (body.kind === 'invalid') return parseError(body.error);
  if (body.value === null || typeof body.value !== 'object' || Array.isArray(body.value)) {
    return parseError('Cannot deserialize the request from a non-object JSON value');
  }
  return body.value as Record<string, unknown>;
}

/** `buildNo` as a string; an unquoted number keeps its exact digits from the raw body. */
export function buildNumber(value: unknown, rawBody: string): string | null | SimResponse {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    const raw = /"buildNo"\s*:\s*(-?\d[\d.eE+-]*)/.exec(rawBody);
    return raw ? raw[1] : String(value);
  }
  return parseError('Cannot deserialize value of type `java.lang.String` for "buildNo"');
}
/** Runs `use` with the run a path id names, or answers the 400/404 the server would. */
export function withRun(
  runs: RunStore,
  idText: string,
  now: number,
  use: (run: Run) => SimResponse,
): SimResponse {
  const id = pathId(idText);
  if (isResponse(id)) return id;
  const run = runs.lookup(id, now);
  if (!run) return error(404, `Resource not found for id: ${id}`);
  return use(run);
}
