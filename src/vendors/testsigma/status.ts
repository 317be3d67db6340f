// Testsigma's enums mapped onto the neutral model (vendor-apis/testsigma.md §4).

import type { CaseStatus, Verdict } from '../../core/result.js';
import type { PollSnapshot } from '../../core/wait.js';
import type { TestsigmaRun } from './wire.js';

const KNOWN_STATUSES = new Set([
  'STATUS_CREATED',
  'STATUS_QUEUED',
  'STATUS_PRE_FLIGHT',
  'STATUS_IN_PROGRESS',
  'STATUS_COMPLETED',
]);
const COMPLETED = 'STATUS_COMPLETED';

export interface TestsigmaSnapshot extends PollSnapshot {
  run: TestsigmaRun;
}

/** Only STATUS_COMPLETED ends a run; with auto re-runs, the consolidated status must be done too. */
export function snapshotOf(run: TestsigmaRun): TestsigmaSnapshot {
  const status = run.reRun?.status ?? run.status;
  const done =
    run.status === COMPLETED &&
    (!run.reRun || run.reRun.status === undefined || run.reRun.status === COMPLETED);
  return {
    run,
    done,
    status: run.reRun ? `${run.status} (re-run: ${run.reRun.status ?? 'unknown'})` : run.status,
    unknownStatus: KNOWN_STATUSES.has(status) || status === '' ? undefined : status,
    ...progressOf(run),
  };
}

function progressOf(run: TestsigmaRun): { progress?: number; detail?: string } {
  const c = run.counts;
  const total = c.total ?? 0;
  if (total <= 0) return {};
  const finished =
    (c.passed ?? 0) + (c.failed ?? 0) + (c.aborted ?? 0) + (c.stopped ?? 0) + (c.notExecuted ?? 0);
  const failed = (c.failed ?? 0) + (c.aborted ?? 0) + (c.notExecuted ?? 0);
  return {
    progress: Math.min(1, finished / total),
    detail: `${finished} of ${total} tests done${failed ? `, ${failed} not passed` : ''}`,
  };
}

/** The final result of a completed run; re-runs report the consolidated result. */
export function finalResultOf(run: TestsigmaRun): string {
  return (run.reRun?.result ?? run.result).toUpperCase();
}

/** A result word read once for runs and tests alike; the docs spell SUCCESS also PASSED. */
const RESULT_WORDS: Readonly<Record<string, 'passed' | 'failed' | 'stopped'>> = {
  SUCCESS: 'passed',
  PASSED: 'passed',
  FAILURE: 'failed',
  FAILED: 'failed',
  STOPPED: 'stopped',
};

function resultWord(result: string): 'passed' | 'failed' | 'stopped' | undefined {
  return RESULT_WORDS[result.toUpperCase()];
}

/** Pass only on SUCCESS (or the docs' spelling PASSED); unknown values are errors. */
export function verdictOf(result: string): Verdict {
  return resultWord(result) ?? 'error';
}

/** A stopped test did not run: skipped; an unknown result is an error rather than a guess. */
export function caseStatusOf(result: string): CaseStatus {
  const word = resultWord(result);
  if (word === 'stopped') return 'skipped';
  return word ?? 'error';
}
