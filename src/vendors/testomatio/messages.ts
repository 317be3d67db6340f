// The sentences the Testomat.io sink writes into its report (log, job summary, step failure):
// how reporting went, and what to check when it did not. Tests assert them word for word.

import { inputRef, inputSetting, inputWithValue } from '../../core/input-names.js';
import { plural, sentence } from '../../core/text.js';
import type { BatchAnswer } from './api.js';
import { describeError, httpSaid, standsAlone } from './errors.js';
import type { Progress } from './progress.js';
import type { TestomatioSettings } from './settings.js';

export const CANCELLED_BEFORE_RUN =
  'Reporting to Testomat.io was cancelled before a run was ready; no test was sent.';
export const NO_RESULTS_NO_RUN = 'No test results to report; no run created.';

/** The run, or this job's part of it when several jobs share the run. */
export function runOrPart(uid: string, sharedRun: boolean): string {
  return sharedRun ? `this job's part of Testomat.io run ${uid}` : `Testomat.io run ${uid}`;
}

export function noMatchMessage(count: number): string {
  return (
    `None of the ${plural(count, 'test')} carries a Testomat.io test id (@T + 8 characters), so nothing was sent. ` +
    'Put the ids in the test names or tags (e.g. "Login works @Ta0b0c0d0") or as tid://@T… lines in system-out; ' +
    `or set ${inputSetting('testomatioCreateTests', 'true')} to create the tests, or ${inputSetting('failOnNoMatch', 'false')} to send them for matching by title.`
  );
}

export function matchedNoneMessage(uid: string, total: number, createTests: boolean): string {
  const how = createTests
    ? ''
    : ` Check that the @T ids belong to this project, or set ${inputSetting('testomatioCreateTests', 'true')} to create the tests.`;
  return `Testomat.io matched none of the ${plural(total, 'test')} sent to run ${uid}, so it holds no result.${how}`;
}

export function finishedAnyway(none: string): string {
  return `${none} The run was finished anyway (${inputRef('failOnNoMatch')} is off).`;
}

export function noResultsMarkedFailed(what: string): string {
  return `No test results to report: marked ${what} failed, so it does not stay "running".`;
}

export function cancelledMarkedFailed(what: string): string {
  return `Not reported: the job was cancelled. Marked ${what} failed, so it does not stay "running".`;
}

export function cancelledMarkingFailed(what: string, error: unknown): string {
  const said = sentence(describeError(error, 0));
  return `Not reported: the job was cancelled. Marking ${what} failed did not work either (${said.replace(/\.$/, '')}), so it may stay "running".`;
}

/** `shown`: the answer in one line, or '' when it was empty. */
export function unreadableRunId(shown: string): string {
  return `Testomat.io's answer to creating the run holds no readable run id (${shown || 'an empty body'}); nothing was reported.`;
}

/** The cleanup after a failure worked: the run (or this job's part) is marked failed. */
export function markedFailed(sharedRun: boolean): string {
  return sharedRun ? `This job's part of the run was marked failed.` : `The run was marked failed.`;
}

/** `said`: describeError() of why marking the run failed did not work. */
export function markingFailedFailed(said: string): string {
  return `Marking the run failed did not work either (${said.replace(/\.$/, '')}), so it may stay "running".`;
}

export interface Failure {
  error: unknown;
  /** Sending the tests, or finishing the run once they were sent. */
  phase: 'tests' | 'finish';
  uid: string;
  total: number;
  progress: Progress;
  cancelled: boolean;
}

/** Why reporting into an open run failed, with how far it got where that matters. */
export function failureReason(failure: Failure): string {
  const { uid, progress } = failure;
  const done = `${progress.sent} of ${plural(failure.total, 'result')}`;
  if (failure.cancelled) return `Reporting to Testomat.io run ${uid} was cancelled after ${done}.`;
  const said = sentence(describeError(failure.error, progress.sent));
  if (failure.phase === 'finish') {
    return `${plural(progress.sent, 'result')} reached Testomat.io run ${uid}, but finishing it failed: ${said}`;
  }
  // A refused token or the plan's limit says all there is; anything else gets the context.
  if (standsAlone(failure.error)) return said;
  return `Reporting to Testomat.io run ${uid} stopped after ${done}: ${said}`;
}

export function unnamedRefusalNote(tests: number, index: number, answer: BatchAnswer): string {
  return `Testomat.io said some of the ${tests} tests of batch ${index + 1} could not be matched without naming them (${httpSaid(answer.status, answer.text)}).`;
}

export function noLongerAccepted(uid: string, answer: BatchAnswer): string {
  return `Testomat.io no longer accepts results for run ${uid} (${httpSaid(answer.status, answer.text)}); it may have been finished or deleted meanwhile.`;
}

export function batchRefused(index: number, count: number, answer: BatchAnswer): string {
  return `Testomat.io refused batch ${index + 1} of ${count} (${httpSaid(answer.status, answer.text)}).`;
}

/** How the tests were matched, when every one was sent and accepted or refused by name. */
function matchedHow(total: number, withId: number, createTests: boolean): string {
  const without = total - withId;
  if (createTests) {
    return without === 0
      ? ' (all with a test id; Testomat.io creates those it does not have)'
      : ` (${withId} with a test id, ${without} without: Testomat.io creates the tests it does not have)`;
  }
  if (without === 0) return ' (all matched by id)';
  if (withId === 0)
    return ', none with a test id: Testomat.io matches them by title where it has one';
  return ` (${withId} matched by id, ${without} without an id: matched by title where Testomat.io has one)`;
}

export function successMessage(
  uid: string,
  total: number,
  withId: number,
  progress: Progress,
  settings: TestomatioSettings,
): string {
  const without = total - withId;
  const sentences: string[] = [];
  const { sent, refused, unconfirmed } = progress;
  if (refused === 0 && unconfirmed === 0) {
    const how = matchedHow(total, withId, settings.createTests);
    sentences.push(`Reported ${plural(total, 'test')} to Testomat.io run ${uid}${how}.`);
  } else {
    // Not everything was accepted: "matched" would claim more than the answers say.
    const carried =
      without === 0 ? 'all with a test id' : `${withId} with a test id, ${without} without`;
    sentences.push(`Sent ${plural(total, 'test')} to Testomat.io run ${uid} (${carried}).`);
    const unknown = unconfirmed > 0 ? `; ${unconfirmed} are not known` : '';
    sentences.push(
      `Testomat.io accepted ${sent}${refused > 0 ? ` and could not match ${refused}` : ''}${unknown}.`,
    );
  }
  sentences.push(...progress.notes);
  if (settings.sharedRun) {
    sentences.push(
      `This job's part is done; the shared run stays open until a last job closes it with ${inputWithValue('testomatioRunId', uid)}.`,
    );
  }
  return sentences.join(' ');
}
