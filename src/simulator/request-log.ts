// The record of every vendor-route request, served by `GET /__sim/requests` so tests can count
// triggers, polls and stops and assert on payloads. Secrets never reach it: auth headers and
// any key/token/password-looking body field are masked.

import type { IncomingHttpHeaders } from 'node:http';

export interface RequestRecord {
  method: string;
  path: string;
  /** ISO time the request arrived. */
  at: string;
  query: Record<string, string | string[]>;
  /** Vendor route name (`trigger`, `poll`, `junit`, …, or `unknown`). */
  route: string;
  /** Whether the credentials were accepted (checked even when a fault answered instead). */
  authorized: boolean;
  /** Response status; 0 when the connection was reset; null while still being answered. */
  status: number | null;
  /** Injected fault (`503`, `reset`, `slow`, …) or null. */
  fault: string | null;
  /** Request headers, secrets masked. */
  headers: Record<string, string>;
  /** Parsed JSON body (secrets masked), or null when there was none or it did not parse. */
  body: unknown;
}

const MASK = '***';
const SECRET_HEADERS = new Set([
  'authorization',
  'x-ts-api-key',
  'x-api-key',
  'api-key',
  'x-sofy-auth-key',
  'subscriptionkey',
  'automationtoken',
  'cookie',
  'proxy-authorization',
]);
const SECRET_KEY = /api[-_]?key|token|secret|password|passwd|authorization|credential/i;
// Keeps logs bounded in a long demo while staying far above any test's needs.
const MAX_RECORDS = 50_000;

export function maskHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const masked: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    if (!SECRET_HEADERS.has(name)) {
      masked[name] = text;
    } else {
      // Keep the scheme so a test can still see *how* the client authenticated.
      const scheme = /^(Bearer|Basic|Token)\s/i.exec(text);
      masked[name] = scheme ? `${scheme[1]} ${MASK}` : MASK;
    }
  }
  return masked;
}

export function maskBody(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskBody);
  if (value !== null && typeof value === 'object') {
    const masked: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      masked[key] = SECRET_KEY.test(key) && item !== null ? MASK : maskBody(item);
    }
    return masked;
  }
  return value;
}

export function queryObject(query: URLSearchParams): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const key of new Set(query.keys())) {
    const values = query.getAll(key);
    result[key] = SECRET_KEY.test(key) ? MASK : values.length === 1 ? values[0] : values;
  }
  return result;
}

export class RequestLog {
  private records: RequestRecord[] = [];

  add(record: RequestRecord): RequestRecord {
    this.records.push(record);
    if (this.records.length > MAX_RECORDS) this.records.shift();
    return record;
  }

  clear(): void {
    this.records = [];
  }

  list(): readonly RequestRecord[] {
    return this.records;
  }
}
