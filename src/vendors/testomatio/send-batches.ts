// Sending a run's tests in batches (vendor-apis/testomatio.md §3.2), bounded by count and by
// size, and reading each batch's answer: accepted, partly unmatched (the server keeps the
// others), or refused. A refusal that says all there is (a refused token, the plan's limit)
// stops reporting at once.

import { batchesOf } from '../../core/batches.js';
import type { Logger } from '../../core/logger.js';
import type { TestomatioApi, BatchAnswer } from './api.js';
import {
  authMessage,
  isAuthStatus,
  isUnmatchedAnswer,
  limitMessage,
  TestomatioFailure,
  unmatchedInAnswer,
} from './errors.js';
import { batchRefused, noLongerAccepted, unnamedRefusalNote } from './messages.js';
import type { Progress } from './progress.js';
import type { TestomatioSettings } from './settings.js';
import { BATCH_MAX_BYTES, BATCH_SIZE, type CaseEntry, type TestData, toTestData } from './wire.js';

interface Item {
  entry: CaseEntry;
  data: TestData;
}

/** Sends every entry into run `uid`; throws a TestomatioFailure when a batch is refused. */
export async function sendTests(
  api: TestomatioApi,
  logger: Logger,
  settings: TestomatioSettings,
  uid: string,
  entries: CaseEntry[],
  progress: Progress,
  signal: AbortSignal,
): Promise<void> {
  const items: Item[] = entries.map((entry) => ({ entry, data: toTestData(entry, settings) }));
  const batches = batchesOf(items, (item) => item.data, BATCH_MAX_BYTES, BATCH_SIZE);
  for (const [index, batch] of batches.entries()) {
    const tests = batch.map((item) => item.data);
    logger.debug(
      `Testomat.io: sending batch ${index + 1} of ${batches.length} (${tests.length} tests) to run ${uid}.`,
    );
    const answer = await api.addTests(uid, tests, index, signal);
    readAnswer(answer, batch, { index, count: batches.length, uid }, progress);
  }
}

/** Adds what one batch's answer says to `progress`, or throws why the batch was refused. */
function readAnswer(
  answer: BatchAnswer,
  batch: Item[],
  where: { index: number; count: number; uid: string },
  progress: Progress,
): void {
  const tests = batch.map((item) => item.data);
  if (answer.status < 300) {
    // 200 "Test run added" is also the answer when a test was not added (§3.2): an id
    // was the only sure way to match, and the unmatched list already says which had none.
    // The tests without an id count as sent: the server may have matched them by title.
    progress.sent += tests.length;
    return;
  }
  if (isAuthStatus(answer.status)) {
    throw new TestomatioFailure(authMessage(answer.status, answer.text), true);
  }
  if (answer.status === 402) {
    throw new TestomatioFailure(limitMessage(answer.status, answer.text, progress.sent), true);
  }
  if (isUnmatchedAnswer(answer.status, answer.text)) {
    // The server kept the batch's other tests; only the ones it names were not added.
    const named = new Set(unmatchedInAnswer(answer.text, tests));
    const missed = batch.filter((item) => named.has(item.data));
    if (missed.length === 0) {
      // Which ones it refused is unknown: none of the batch counts as accepted.
      progress.unconfirmed += tests.length;
      progress.notes.push(unnamedRefusalNote(tests.length, where.index, answer));
      return;
    }
    for (const item of missed) progress.unmatched.add(item.entry);
    progress.refused += missed.length;
    progress.sent += tests.length - missed.length;
    return;
  }
  if (answer.status === 404) {
    throw new TestomatioFailure(noLongerAccepted(where.uid, answer));
  }
  throw new TestomatioFailure(batchRefused(where.index, where.count, answer));
}
