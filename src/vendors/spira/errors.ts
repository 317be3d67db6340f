// Spira's answers to a write, sorted by what they mean for the runs sent with it
// (vendor-apis/spira.md §2, §5). Text from the server is quoted as the HTTP layer left it:
// already redacted.

import { isAbortError } from '../../core/clock.js';
import { VendorHttpError } from '../../core/http.js';
import { oneLine } from '../../core/untrusted-text.js';
import { parseJsonOrUndefined, stringField } from '../../core/wire.js';

/**
 * - `auth`: Access Denied (bad user, key, braces, or RSS/API access off);
 * - `notFound`: an unknown product, test case, release, test set or build (404);
 * - `noOperation`: the server has no such operation (WCF's "Endpoint not found." page, 405):
 *   an older server without record-multiple, or a wrong spiraUrl;
 * - `deadlock`: SQL Server chose the write as deadlock victim and rolled it back, and
 *   retrying did not help;
 * - `refused`: any other refusal (4xx, 429 after the client's own retries): nothing written;
 * - `unreachable`: no connection could be made: nothing sent;
 * - `uncertain`: a 5xx or a broken connection after the request went out: it may or may not
 *   have been written;
 * - `badAnswer`: a 2xx TestRelay cannot use (e.g. a build without BuildId);
 * - `cancelled`: the job was cancelled.
 */
export type WriteFailureKind =
  | 'auth'
  | 'notFound'
  | 'noOperation'
  | 'deadlock'
  | 'refused'
  | 'unreachable'
  | 'uncertain'
  | 'badAnswer'
  | 'cancelled';

export class SpiraWriteError extends Error {
  constructor(
    readonly kind: WriteFailureKind,
    /** What Spira (or the network) said, e.g. `HTTP 404: Unable to find test case TC with id 9`. */
    readonly said: string,
    /** True when the write may have been stored although it failed (never retried then). */
    readonly mayHaveBeenWritten: boolean,
    readonly status?: number,
  ) {
    super(said);
    this.name = 'SpiraWriteError';
  }
}

/** Thrown instead of sending once another write of the same report has failed. */
export class WriteStopped extends Error {
  constructor() {
    super('not sent: an earlier write failed');
    this.name = 'WriteStopped';
  }
}

// SQL Server error 1205, as Spira passes it on: "… was deadlocked on lock resources with
// another process and has been chosen as the deadlock victim. Rerun the transaction."
const DEADLOCK = /deadlock victim|deadlocked on lock resources|rerun the transaction/i;
const ENDPOINT_NOT_FOUND = /endpoint not found/i;
const ACCESS_DENIED = /access denied/i;
// Connection errors where the request never left this machine (see core/http.ts).
const NOT_SENT = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ECONNECTTIMEOUT)\b/;

export function isDeadlock(error: unknown): boolean {
  return error instanceof VendorHttpError && error.status === 500 && DEADLOCK.test(error.body);
}

/**
 * Sorts a failed write. `sent`: whether the request had left the queue (an abort while
 * waiting for a slot sent nothing).
 */
export function classifyWriteError(error: unknown, sent: boolean): SpiraWriteError {
  if (error instanceof SpiraWriteError) return error;
  // An abort, or the relay's time budget for the sink (AbortSignal.timeout's TimeoutError).
  const name = (error as { name?: unknown } | null)?.name;
  if (isAbortError(error) || name === 'AbortError' || name === 'TimeoutError') {
    return new SpiraWriteError('cancelled', 'the request was cancelled', sent);
  }
  if (!(error instanceof VendorHttpError)) {
    const text = error instanceof Error ? error.message : String(error);
    return new SpiraWriteError('uncertain', text, sent);
  }
  const status = error.status;
  if (status === undefined) {
    const text = clientText(error.message);
    return NOT_SENT.test(text)
      ? new SpiraWriteError('unreachable', text, false)
      : new SpiraWriteError('uncertain', text, sent);
  }
  const said = httpSaid(status, error.body);
  if (status >= 300 && status < 400) {
    // Not followed (the key would go with it); the client's message says what to do.
    return new SpiraWriteError('refused', clientText(error.message), false, status);
  }
  if (status === 401 || status === 403 || ACCESS_DENIED.test(error.body)) {
    return new SpiraWriteError('auth', said, false, status);
  }
  if (
    status === 405 ||
    (status === 404 && (ENDPOINT_NOT_FOUND.test(error.body) || isHtml(error.body)))
  ) {
    return new SpiraWriteError('noOperation', said, false, status);
  }
  if (status === 404) return new SpiraWriteError('notFound', said, false, status);
  if (status === 500 && DEADLOCK.test(error.body)) {
    return new SpiraWriteError('deadlock', said, false, status);
  }
  if (status >= 500) return new SpiraWriteError('uncertain', said, true, status);
  return new SpiraWriteError('refused', said, false, status);
}

/** "HTTP 404: Unable to find …": the status and Spira's message, or the body in one line. */
export function httpSaid(status: number, body: string): string {
  const text = oneLine(messageOf(body), 300);
  return text === '' ? `HTTP ${status} with an empty body` : `HTTP ${status}: ${text}`;
}

/** Spira's JSON errors carry `Message`; WCF's pages are HTML: their text is what counts. */
function messageOf(body: string): string {
  const parsed = parseJsonOrUndefined(body);
  const said = stringField(parsed, ['Message', 'message', 'error']);
  if (said !== undefined) return said;
  // A bare JSON string is a message too.
  if (typeof parsed === 'string') return parsed;
  return isHtml(body) ? body.replace(/<[^>]*>/g, ' ') : body;
}

function isHtml(body: string): boolean {
  return /^\s*</.test(body);
}

/**
 * The HTTP client's own message, without its note on triggers (that note is about test
 * plans started twice; the report explains what a lost answer means for test runs).
 */
function clientText(message: string): string {
  return message.replace(/\s*\(not retried:[^)]*\)\s*$/, '');
}
