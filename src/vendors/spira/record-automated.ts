// Recording automated test runs: a chunk at a time with test-runs/record-multiple, or run by
// run with test-runs/record on servers that lack record-multiple. Nothing is sent twice, with
// one exception: a chunk refused whole as too large (413) was not read as runs at all, so it
// is sent again once, as two halves.

import { plural } from '../../core/text.js';
import { classifyWriteError, SpiraWriteError, WriteStopped } from './errors.js';
import { noteFailure, type Recording, RUNS_IN_DOUBT, testCaseIdsOf } from './recording.js';
import type { RemoteAutomatedTestRun } from './wire.js';

/**
 * Records one chunk with record-multiple (or run by run once the server has none).
 * `mayHalve`: a chunk refused as too large (413) is sent again once as two halves, each
 * sent once; the halves never split again.
 */
export async function recordAutomated(
  recording: Recording,
  runs: RemoteAutomatedTestRun[],
  mayHalve: boolean,
): Promise<void> {
  if (!recording.progress.single) {
    const failure = await recordMultiple(recording, runs);
    if (failure === undefined) return;
    if (mayHalve && isTooLarge(failure) && runs.length > 1) {
      await sendHalves(recording, runs, failure);
      return;
    }
    if (!(failure instanceof SpiraWriteError) || failure.kind !== 'noOperation') {
      const context = {
        action: 'recording test runs',
        testCaseIds: testCaseIdsOf(runs),
        inDoubt: RUNS_IN_DOUBT,
      };
      noteFailure(recording.progress, failure, context, runs.length);
      return;
    }
    // An older server without record-multiple: nothing of this chunk was recorded.
    switchToSingle(recording, failure);
  }
  await Promise.all(runs.map((run) => recordOne(recording, run)));
}

/** Undefined when the chunk was recorded; else why not. */
async function recordMultiple(
  recording: Recording,
  runs: RemoteAutomatedTestRun[],
): Promise<SpiraWriteError | WriteStopped | undefined> {
  try {
    await recording.api.recordMultiple(runs, recording.options);
    recording.progress.recorded += runs.length;
    recording.logger.debug(`Spira: recorded ${plural(runs.length, 'test run')} (record-multiple).`);
    return undefined;
  } catch (error) {
    return error instanceof WriteStopped ? error : classifyWriteError(error, true);
  }
}

/**
 * 413 is a refusal of the whole body before any of it was read as runs: nothing of the chunk
 * was stored, so sending its halves cannot record a run twice.
 */
function isTooLarge(failure: SpiraWriteError | WriteStopped): failure is SpiraWriteError {
  return (
    failure instanceof SpiraWriteError && failure.status === 413 && !failure.mayHaveBeenWritten
  );
}

async function sendHalves(
  recording: Recording,
  runs: RemoteAutomatedTestRun[],
  failure: SpiraWriteError,
): Promise<void> {
  const half = Math.ceil(runs.length / 2);
  recording.logger.info(
    `Spira: a chunk of ${plural(runs.length, 'test run')} was too large for the server (${failure.said}); ` +
      `sending it again as two chunks of ${half} and ${runs.length - half}.`,
  );
  await Promise.all(
    [runs.slice(0, half), runs.slice(half)].map((part) => recordAutomated(recording, part, false)),
  );
}

function switchToSingle(recording: Recording, failure: SpiraWriteError): void {
  if (recording.progress.single) return;
  recording.progress.single = true;
  recording.logger.info(
    `Spira: this server has no test-runs/record-multiple (${failure.said}); recording one run per request instead.`,
  );
}

async function recordOne(recording: Recording, run: RemoteAutomatedTestRun): Promise<void> {
  try {
    await recording.api.record(run, recording.options);
    recording.progress.recorded += 1;
  } catch (error) {
    const context = {
      action: 'recording a test run',
      testCaseIds: [run.TestCaseId],
      inDoubt: RUNS_IN_DOUBT,
    };
    noteFailure(recording.progress, error, context, 1);
  }
}
