// The sentences the Squish source writes into the log and the result's message: what the
// counts leave open once a plan is done, and that a plan execution cannot be stopped.

import type { StatusCounts } from './wire.js';

/** " (executions requiring OS=Linux, browser=chrome)", or "" without a capabilities filter. */
export function filterNote(capabilities: ReadonlyArray<readonly [string, string]>): string {
  return capabilities.length > 0
    ? ` (executions requiring ${capabilities.map(([key, value]) => `${key}=${value}`).join(', ')})`
    : '';
}

export interface SettledCounts {
  runId: string;
  /** Results Test Center counted. */
  results: number;
  doneExecutions: number;
  /** Finished executions without a result (status.ts summarizeCounts). */
  missing: number;
  settled: boolean;
  waitedMs: number;
  /** filterNote() of the source's capabilities. */
  filter: string;
}

/** What the settled counts leave open: no executions, results missing, or still changing. */
export function countNotes(counts: SettledCounts): string[] {
  const { runId, doneExecutions, missing } = counts;
  const waited = `${Math.round(counts.waitedMs / 1000)}s`;
  if (counts.results === 0 && doneExecutions === 0) {
    return [`Test plan ${runId} has no test executions${counts.filter}, and no results.`];
  }
  if (missing > 0) {
    return [
      `${missing} of ${doneExecutions} finished test executions have no result in Test Center ` +
        `after waiting ${waited} (an execution that finished with an error uploads none).`,
    ];
  }
  if (!counts.settled) {
    return [
      `The result counts were still changing after waiting ${waited}; they may be incomplete.`,
    ];
  }
  return [];
}

/** The counts are the whole plan's: the executions outside the filter may still change them. */
export function othersRunningNote(others: number, runId: string): string {
  return (
    `Only the executions matching the capabilities filter are done; ${others} other execution(s) of ` +
    `test plan ${runId} are still open or running, so these counts are not final.`
  );
}

export function noPerTestResultsNote(reason: string): string {
  return `Per-test results were not available: ${reason}. The totals come from the test plan's counts.`;
}

/** Said on a timeout and on a cancel: the Execution API has no stop, cancel or delete (§4). */
export function noStopApi(runId: string, url: string | undefined): string {
  return (
    `Squish Test Center has no API to stop a plan execution: test plan ${runId} goes on there` +
    `${url ? ` (${url})` : ''}.`
  );
}

/** " At the last check: 1 open, 2 running, 3 done.", after a timeout. */
export function lastCheckNote(counts: StatusCounts | undefined, filter: string): string {
  return counts
    ? ` At the last check: ${counts.open} open, ${counts.reserved} running, ${counts.done} done${filter}.`
    : '';
}
