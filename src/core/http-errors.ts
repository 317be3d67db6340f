// The errors that leave the HTTP layer: one class, VendorHttpError, with the status and the
// (redacted, truncated) body callers classify by, and a message that names the vendor, the
// call and what came back. Text from outside (bodies, locations) is redacted before it goes in.

import { inputRef } from './input-names.js';
import type { HttpResponse } from './http.js';

const MAX_BODY_IN_MESSAGE = 500;

type Redact = (text: string) => string;

/** Every failure that leaves the HTTP layer: message already redacted. */
export class VendorHttpError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    /** Redacted response body (possibly truncated), for callers that classify errors. */
    readonly body: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'VendorHttpError';
  }
}

export function redirectError(
  label: string,
  response: HttpResponse,
  redact: Redact,
): VendorHttpError {
  let target = 'another address';
  try {
    const location = new URL(response.headers.location ?? '', 'http://unknown');
    target = `${location.origin}${location.pathname}`;
  } catch {
    // keep the generic wording
  }
  return new VendorHttpError(
    `${label}: HTTP ${response.status} redirect to ${redact(target)}. TestRelay does not follow redirects ` +
      `(the API key would go with it): set ${inputRef('baseUrl')} to the address the server redirects to.`,
    response.status,
    '',
    false,
  );
}

export function statusError(
  label: string,
  response: HttpResponse,
  redact: Redact,
): VendorHttpError {
  const body = redact(response.text).slice(0, MAX_BODY_IN_MESSAGE);
  const retryable = response.status === 429 || response.status >= 500;
  const detail = body.trim() ? `: ${describeBody(body)}` : '';
  return new VendorHttpError(
    `${label}: HTTP ${response.status}${detail}`,
    response.status,
    body,
    retryable,
  );
}

function describeBody(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  if (flat === '') return 'an empty body';
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}

export function describeNetworkError(error: unknown): string {
  const err = error as { code?: string; message?: string };
  const code = err.code && err.code !== 'ERR_NETWORK' ? `${err.code}: ` : '';
  return `${code}${err.message ?? String(error)}`;
}

/** A 2xx whose body is not the JSON the caller asked for. */
export function notJsonError(
  label: string,
  response: HttpResponse,
  redact: Redact,
  retryable: boolean,
): VendorHttpError {
  return new VendorHttpError(
    `${label}: expected JSON, got ${describeBody(redact(response.text))}`,
    response.status,
    redact(response.text).slice(0, MAX_BODY_IN_MESSAGE),
    retryable,
  );
}
