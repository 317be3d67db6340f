// Recording manual test runs, the KB684 way (manual.ts fills the shells): ask Spira for one
// shell per test case, fill them in, and PUT them. A shell is not a stored run, so a failed
// shell request recorded nothing whatever happened to it; only the PUT stores runs.

import { batchesOf } from '../../core/batches.js';
import { classifyWriteError, SpiraWriteError, WriteStopped } from './errors.js';
import { latestEnd, populateShells } from './manual.js';
import type { MappedCase } from './mapping.js';
import type { RunTargets } from './payload.js';
import {
  MAX_WRITE_BYTES,
  CHUNK_SIZE,
  noteFailure,
  type Recording,
  RUNS_IN_DOUBT,
  testCaseIdsOf,
} from './recording.js';
import type { SpiraSettings } from './settings.js';
import type { RunTimes } from './timing.js';
import type { ManualRunShell } from './wire.js';

export interface ManualRuns {
  statuses: SpiraSettings['statuses'];
  times: Map<MappedCase, RunTimes>;
  targets: RunTargets;
}

/** Records one chunk of manual tests: their shells, then the filled shells in size-bound PUTs. */
export async function recordManual(
  recording: Recording,
  chunk: MappedCase[],
  manual: ManualRuns,
): Promise<void> {
  const testCaseIds = chunk.map((mapped) => mapped.testCaseId);
  let runs;
  try {
    const { api, options } = recording;
    const shells = await api.createShells(testCaseIds, manual.targets.releaseId, options);
    runs = populateShells(shells, chunk, manual.statuses, manual.times, manual.targets);
  } catch (error) {
    // Whatever happened to this request, nothing was recorded.
    const failure = error instanceof WriteStopped ? error : classifyWriteError(error, true);
    const settled =
      failure instanceof SpiraWriteError
        ? new SpiraWriteError(failure.kind, failure.said, false, failure.status)
        : failure;
    const context = {
      action: 'creating manual-run shells',
      testCaseIds,
      inDoubt: 'not sent again',
    };
    noteFailure(recording.progress, settled, context, chunk.length);
    return;
  }
  // Each step carries the message as its ActualResult, so a chunk of shells can be far
  // larger than its automated runs would be: the PUT is cut by size too (each part is
  // saved on its own; a shell is only stored by the PUT that carries it).
  const parts = batchesOf(runs, (run) => run, MAX_WRITE_BYTES, CHUNK_SIZE);
  await Promise.all(parts.map((part) => saveManual(recording, part)));
}

async function saveManual(recording: Recording, runs: ManualRunShell[]): Promise<void> {
  const { progress } = recording;
  try {
    await recording.api.saveManualRuns(runs, latestEnd(runs), recording.options);
    progress.recorded += runs.length;
    progress.manualRecorded += runs.length;
  } catch (error) {
    const context = {
      action: 'saving manual test runs',
      testCaseIds: testCaseIdsOf(runs),
      inDoubt: RUNS_IN_DOUBT,
    };
    noteFailure(progress, error, context, runs.length);
  }
}
