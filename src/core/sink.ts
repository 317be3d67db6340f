// What the relay needs from a test-management system that receives results (a "sink").
// One implementation per system, in src/vendors/<name>/; only there are its URLs, payloads
// and enums known. A sink reads the neutral RunResult and never changes it.

import type { RunResult } from './result.js';

/** A sink module's name (`reportTo` entry). */
export type SinkName = string;

/**
 * How reporting ended:
 * - `reported`: the results were delivered (some tests may be unmatched: see `unmatched`);
 * - `failed`: nothing or only part was delivered, or no test matched while failOnNoMatch is on;
 * - `skipped`: nothing was delivered and that is fine: no test results, or (where the system
 *   would drop unmatched tests anyway) no match with failOnNoMatch off.
 */
export type SinkStatus = 'reported' | 'failed' | 'skipped';

export interface SinkReport {
  sink: SinkName;
  /** e.g. "Testomat.io", "Spira". */
  displayName: string;
  status: SinkStatus;
  /** One or two sentences for the log, the summary and the step failure (already redacted). */
  message: string;
  /** Link to what was created or filled there (Testomat.io run, Spira build), when known. */
  url?: string;
  /** Id of that run or build, when known (e.g. a Testomat.io run uid for a later job). */
  id?: string;
  /** Tests considered (every case of the result). */
  total: number;
  /** Results the sink's server accepted. */
  sent: number;
  /** Display names of the tests that matched nothing there (all of them; renderers cap). */
  unmatched: string[];
}

export interface Sink {
  readonly name: SinkName;
  readonly displayName: string;
  /**
   * Delivers the result's tests. Resolves with a `failed` report for every failure it can
   * explain (bad key, limits, vendor errors); the relay also turns a throw into one. Must
   * never send the same result twice (retries included) and never throw a secret.
   */
  report(result: RunResult, signal: AbortSignal): Promise<SinkReport>;
  /**
   * Called instead of report() when the job was cancelled: nothing is reported then, but a
   * sink may have to tidy up what exists outside TestRelay (a Testomat.io run the pipeline
   * was started for would stay "running"). The signal allows only a second or two. Resolves
   * with undefined when there was nothing to do; never throws.
   */
  reportCancelled?(result: RunResult, signal: AbortSignal): Promise<SinkReport | undefined>;
}

/** What a report counts of the delivery; a report that sent nothing leaves both out. */
export interface Delivered {
  sent?: number;
  unmatched?: string[];
}

/**
 * A report with the fields every sink fills the same way: nothing sent and nothing unmatched
 * unless `delivered` says otherwise. The url and id are the sink's to add.
 */
export function sinkReport(
  sink: Pick<Sink, 'name' | 'displayName'>,
  status: SinkStatus,
  message: string,
  total: number,
  delivered: Delivered = {},
): SinkReport {
  return {
    sink: sink.name,
    displayName: sink.displayName,
    status,
    message,
    total,
    sent: delivered.sent ?? 0,
    unmatched: delivered.unmatched ?? [],
  };
}
