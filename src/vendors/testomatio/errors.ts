// Testomat.io's answers in plain words (vendor-apis/testomatio.md §2, §3, §5): a refused token,
// the plan's reporting limit, an unknown run, and the tests a batch could not match. Server
// text is quoted verbatim (already redacted): its 402 and 422 bodies are often all there is.

import { isAbortError } from '../../core/clock.js';
import { VendorHttpError } from '../../core/http.js';
import { oneLine } from '../../core/untrusted-text.js';
import { messageInJsonBody } from '../../core/wire.js';
import { plural } from '../../core/text.js';

/**
 * An explained failure: `message` is what the report says. `standalone` when it needs no
 * context (a refused token, the plan's limit): how far reporting got does not matter then.
 */
export class TestomatioFailure extends Error {
  constructor(
    message: string,
    readonly standalone = false,
  ) {
    super(message);
    this.name = 'TestomatioFailure';
  }
}

const COULD_NOT_MATCH = /could not be matched/i;

/** "HTTP 422 with an empty body", "HTTP 402: {…}": the status and the body as the server sent them. */
export function httpSaid(status: number, body: string): string {
  const text = oneLine(body, 300);
  return text === '' ? `HTTP ${status} with an empty body` : `HTTP ${status}: ${text}`;
}

export function isAuthStatus(status: number | undefined): boolean {
  // The spec says 401; the server has been seen answering 403 "Project API Token is invalid".
  return status === 401 || status === 403;
}

export function authMessage(status: number, body: string): string {
  return (
    `Testomat.io refused the token in testomatioApiKey (${httpSaid(status, body)}). ` +
    "Use the project's reporting token (tstmt_…) from Settings › Project of the project to report into."
  );
}

export function limitMessage(status: number, body: string, sent: number): string {
  return (
    `Testomat.io's reporting limit of your plan was reached after ${plural(sent, 'result')} ` +
    `(${httpSaid(status, body)}).`
  );
}

/** True for a /testrun answer that says some tests matched nothing (the others were kept). */
export function isUnmatchedAnswer(status: number, body: string): boolean {
  return status >= 400 && status < 500 && COULD_NOT_MATCH.test(body);
}

/**
 * Which of the batch's tests the answer names as unmatched. Testomat.io lists them by test id
 * or title ("Test @Ta0b0c0d0, Login works could not be matched"; a list after the words is
 * read too); titles may hold commas, so each test is looked for whole between the
 * separators instead of splitting the list.
 */
export function unmatchedInAnswer<T extends { test_id?: string; title: string }>(
  body: string,
  tests: T[],
): T[] {
  const message = messageOf(body);
  const lists = [
    /\btests?:?\s+([\s\S]*?)\s+could not be matched/i.exec(message)?.[1],
    /could not be matched:\s*([\s\S]*?)\.?\s*$/i.exec(message)?.[1],
  ].filter((list): list is string => list !== undefined && list.trim() !== '');
  const padded = lists.map((list) => `, ${list.trim()}, `);
  const named = (name: string | undefined): boolean =>
    name !== undefined && name !== '' && padded.some((list) => list.includes(`, ${name}, `));
  return tests.filter(
    (test) => named(test.test_id) || named(test.test_id?.replace(/^@/, '')) || named(test.title),
  );
}

/** The `message` of a JSON error body, else the body itself. */
function messageOf(body: string): string {
  return messageInJsonBody(body) ?? body;
}

/** Whether describeError() says all there is (see TestomatioFailure.standalone). */
export function standsAlone(error: unknown): boolean {
  if (error instanceof TestomatioFailure) return error.standalone;
  return error instanceof VendorHttpError && (isAuthStatus(error.status) || error.status === 402);
}

/** What went wrong, in one clause: a refused token, a limit, a status and body, or a network error. */
export function describeError(error: unknown, sent: number): string {
  if (error instanceof TestomatioFailure) return error.message;
  if (error instanceof VendorHttpError && error.status !== undefined) {
    if (isAuthStatus(error.status)) return authMessage(error.status, error.body);
    if (error.status === 402) return limitMessage(error.status, error.body, sent);
    // The client's message names the call and quotes the body; an empty one is worth saying.
    return error.body.trim() === ''
      ? error.message.replace(/HTTP (\d{3})/, 'HTTP $1 with an empty body')
      : error.message;
  }
  if (isAbortError(error)) return 'the request was cancelled';
  return error instanceof Error ? error.message : String(error);
}

/** Attaching to testomatioRunId: an unknown run says which input to check; anything else as it was. */
export function attachFailure(error: unknown, runId: string): unknown {
  if (error instanceof VendorHttpError && error.status === 404) {
    return new TestomatioFailure(
      `Testomat.io has no run "${runId}" (${httpSaid(404, error.body)}): check testomatioRunId ` +
        '(the run id Testomat.io passes as `run`), or leave it empty to create a run.',
    );
  }
  return error;
}
