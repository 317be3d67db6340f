// The four reporter calls TestRelay makes (vendor-apis/testomatio.md §3), with the token in
// the JSON body (never in a URL, where it would end up in proxy and server logs) and each
// call's retry rule stated where it is made.

import type { HttpClient } from '../../core/http.js';
import type { Redactor } from '../../core/redact.js';
import { parseJsonOrUndefined } from '../../core/wire.js';
import {
  readRunAnswer,
  type CreateRunBody,
  type FinishBody,
  type RunAnswer,
  type TestData,
} from './wire.js';

/** What `/testrun` answered, when it is not a plain success (the caller decides). */
export interface BatchAnswer {
  status: number;
  /** The body, redacted. */
  text: string;
}

// /testrun answers these itself instead of throwing, so the sink can read the whole body
// (the names of unmatched tests) and tell auth, limit and unknown-run apart. 429 is left to
// the HTTP client, which waits and retries it.
const BATCH_CLIENT_ERRORS = Array.from({ length: 100 }, (_, i) => 400 + i).filter(
  (status) => status !== 429,
);

export class TestomatioApi {
  constructor(
    private readonly http: HttpClient,
    private readonly apiKey: string,
    private readonly redactor: Redactor,
  ) {}

  /**
   * Never retried once it may have reached the server: a second create is a second run (or,
   * for a shared run, a second join that nobody closes).
   */
  async createRun(body: CreateRunBody, signal: AbortSignal): Promise<RunAnswer & { raw: string }> {
    const response = await this.http.request({
      method: 'POST',
      path: '/api/reporter',
      body: { api_key: this.apiKey, ...body },
      idempotent: false,
      signal,
    });
    return {
      ...readRunAnswer(parseJsonOrUndefined(response.text)),
      raw: this.redactor.redact(response.text),
    };
  }

  /**
   * Attach (no body but the token), update or finish. Setting a run's state again is
   * harmless, so this may be retried: a finish that never arrives leaves the run "running".
   */
  async updateRun(
    uid: string,
    sharedRun: boolean,
    body: Partial<FinishBody>,
    signal: AbortSignal,
  ): Promise<RunAnswer> {
    const response = await this.http.request({
      method: 'PUT',
      path: runPath(uid),
      // Required by the spec (§3.3); false unless several jobs share the run.
      query: { shared_run: String(sharedRun) },
      body: { api_key: this.apiKey, ...body },
      idempotent: true,
      signal,
    });
    // Attach and finish answers are not documented beyond 200: whatever JSON there is, is read.
    return readRunAnswer(parseJsonOrUndefined(response.text));
  }

  /**
   * One batch. Every test carries a stable rid and overwrite: true, so a retry replaces the
   * results the first attempt may have delivered instead of adding them again: retried
   * like a read.
   */
  async addTests(
    uid: string,
    tests: TestData[],
    batchIndex: number,
    signal: AbortSignal,
  ): Promise<BatchAnswer> {
    const response = await this.http.request({
      method: 'POST',
      path: `${runPath(uid)}/testrun`,
      body: { api_key: this.apiKey, tests, batch_index: batchIndex },
      idempotent: true,
      acceptStatuses: BATCH_CLIENT_ERRORS,
      signal,
    });
    return { status: response.status, text: this.redactor.redact(response.text) };
  }
}

function runPath(uid: string): string {
  return `/api/reporter/${encodeURIComponent(uid)}`;
}
