// What recording a report's test runs shares across its writes (build, automated chunks,
// manual shells): how far it got, what each write was about, how large a write may be, and
// the rule that the first failure stops every write not yet sent.

import type { Logger } from '../../core/logger.js';
import type { SpiraApi, WriteOptions } from './api.js';
import { classifyWriteError, type SpiraWriteError, WriteStopped } from './errors.js';

/** Runs per record-multiple request, and test cases per manual-run shell request. */
export const CHUNK_SIZE = 25;
/**
 * Bytes of runs per write (record-multiple, and the PUT of manual runs): with messages and
 * stack traces cut (payload.ts) a chunk of 25 usually fits, but non-ASCII text takes up to 3
 * bytes a character. 500 KiB of runs plus the array's brackets and commas keeps every body
 * under 512 KiB, half the 1 MiB that servers and proxies commonly take.
 */
export const MAX_WRITE_BYTES = 500 * 1024;

/** What a lost answer means for a write of runs (it is never sent again). */
export const RUNS_IN_DOUBT = 'not sent again, so that no run is recorded twice';

/** What one write was about, for the message when it fails. */
export interface WriteContext {
  action: string;
  testCaseIds: number[];
  /** What a lost answer means for this write (it is never sent again). */
  inDoubt: string;
}

/** How far reporting got: the report says it, also when it stops half-way. */
export interface Progress {
  planned: number;
  recorded: number;
  manualRecorded: number;
  /** Runs whose write failed after it may have reached Spira (never retried). */
  inDoubt: number;
  /** The first failure: it stops every write not yet sent. */
  failure?: { error: SpiraWriteError; context: WriteContext };
  buildId?: number;
  /** Set once record-multiple answered "no such operation": record one by one from then on. */
  single: boolean;
}

/** Everything a write of one report needs. */
export interface Recording {
  api: SpiraApi;
  logger: Logger;
  options: WriteOptions;
  progress: Progress;
}

export function startProgress(planned: number): Progress {
  return { planned, recorded: 0, manualRecorded: 0, inDoubt: 0, single: false };
}

/** Keeps the first failure (it stops the writes not yet sent) and counts runs in doubt. */
export function noteFailure(
  progress: Progress,
  error: unknown,
  context: WriteContext,
  runs: number,
): void {
  if (error instanceof WriteStopped) return;
  const failure = classifyWriteError(error, true);
  if (failure.mayHaveBeenWritten) progress.inDoubt += runs;
  // A cancelled write is only a consequence when something else failed first.
  if (
    !progress.failure ||
    (progress.failure.error.kind === 'cancelled' && failure.kind !== 'cancelled')
  ) {
    progress.failure = { error: failure, context };
  }
}

export function testCaseIdsOf(runs: Array<{ TestCaseId: number }>): number[] {
  return runs.map((run) => run.TestCaseId);
}
