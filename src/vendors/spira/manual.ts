// The KB684 manual-run flow (seed 004): Spira hands out a "shell" per test case, TestRelay
// fills it in, and a PUT saves it. The rules that make Spira accept the shell:
//   - every step gets an ExecutionStatusId (shells come with all steps at 3 = Not Run, and a
//     run whose steps are all Not Run, or Not Run mixed only with Passed/N/A, is refused);
//   - the run-level ExecutionStatusId is deleted: Spira computes it from the steps (it is kept
//     only for a shell without steps, where there is nothing to compute it from);
//   - EndDate is set, or the run cannot be opened in Spira;
//   - TestRunId and every TestRunStepId stay 0, and ConcurrencyDate is sent back as received.
// TestRelay has no step data, so every step gets the test's mapped status (a TestRelay choice,
// vendor-apis/spira.md §3); the ActualResult is the test's message, or its status in words.

import type { SpiraSettings } from './settings.js';
import { SpiraWriteError } from './errors.js';
import type { MappedCase } from './mapping.js';
import type { RunTargets } from './payload.js';
import { runMessage } from './payload.js';
import type { RunTimes } from './timing.js';
import { EXECUTION_STATUS, type ManualRunShell } from './wire.js';

/**
 * Whether a mapped test goes through the manual flow: its mapping line says `manual`, and it
 * is not skipped (nor mapped to Not Run), because Spira refuses a manual run whose steps are
 * all Not Run; those go the automated way instead.
 */
export function isManual(mapped: MappedCase, statuses: SpiraSettings['statuses']): boolean {
  return (
    mapped.manual &&
    mapped.testCase.status !== 'skipped' &&
    statuses[mapped.testCase.status] !== EXECUTION_STATUS.notRun
  );
}

/**
 * Fills the shells Spira returned for `cases` (one per case, matched by TestCaseId in order:
 * two tests may map to the same test case). Throws when Spira returned none for a case.
 */
export function populateShells(
  shells: ManualRunShell[],
  cases: MappedCase[],
  statuses: SpiraSettings['statuses'],
  times: Map<MappedCase, RunTimes>,
  targets: RunTargets,
): ManualRunShell[] {
  const unused = [...shells];
  return cases.map((mapped) => {
    const position = unused.findIndex((shell) => shell?.TestCaseId === mapped.testCaseId);
    if (position < 0) {
      throw new SpiraWriteError(
        'badAnswer',
        `Spira returned no manual-run shell for test case ${mapped.testCaseId}`,
        false,
      );
    }
    const [shell] = unused.splice(position, 1);
    return populateShell(
      shell,
      mapped,
      statuses[mapped.testCase.status],
      times.get(mapped)!,
      targets,
    );
  });
}

function populateShell(
  shell: ManualRunShell,
  mapped: MappedCase,
  status: number,
  times: RunTimes,
  targets: RunTargets,
): ManualRunShell {
  const actual = runMessage(mapped);
  const steps = Array.isArray(shell.TestRunSteps) ? shell.TestRunSteps : [];
  const run: ManualRunShell = {
    ...shell,
    TestRunId: 0,
    StartDate: times.start,
    EndDate: times.end,
    TestRunSteps: steps.map((step) => ({
      ...step,
      TestRunStepId: 0,
      ...('TestRunId' in step ? { TestRunId: 0 } : {}),
      ExecutionStatusId: status,
      ActualResult: actual,
    })),
  };
  if (steps.length > 0) delete run.ExecutionStatusId;
  else run.ExecutionStatusId = status;
  if (targets.testSetId !== undefined) run.TestSetId = targets.testSetId;
  if (targets.buildId !== undefined) run.BuildId = targets.buildId;
  return run;
}

/** The `end_date` of the PUT: the latest EndDate of the runs it saves. */
export function latestEnd(runs: ManualRunShell[]): string {
  const ends = runs
    .map((run) => (typeof run.EndDate === 'string' ? Date.parse(run.EndDate) : NaN))
    .filter(Number.isFinite);
  return new Date(ends.length > 0 ? Math.max(...ends) : Date.now()).toISOString();
}
