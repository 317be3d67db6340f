// Testomat.io as a TestRelay report sink (vendor-apis/testomatio.md): find the test ids first,
// then create a run (or attach to the one Testomat.io created), send the tests in batches and
// finish the run with an explicit status. Once a run exists, every way out of here finishes
// it: Testomat.io has no cancel call, and an unfinished run stays "running" for good.

import { batchesOf } from '../../core/batches.js';
import { abortError, delayedAbort } from '../../core/clock.js';
import { VendorHttpError } from '../../core/http.js';
import type { Logger } from '../../core/logger.js';
import type { Redactor } from '../../core/redact.js';
import type { Settings } from '../../core/settings.js';
import type { TestomatioSettings } from './settings.js';
import { caseLabel, type RunResult } from '../../core/result.js';
import { type Sink, type SinkReport, sinkReport } from '../../core/sink.js';
import { plural, sentence } from '../../core/text.js';
import { oneLine } from '../../core/untrusted-text.js';
import type { TestomatioApi } from './api.js';
import {
  authMessage,
  describeError,
  httpSaid,
  isAuthStatus,
  isUnmatchedAnswer,
  limitMessage,
  standsAlone,
  TestomatioFailure,
  unmatchedInAnswer,
} from './errors.js';
import { findTestId } from './match.js';
import {
  BATCH_MAX_BYTES,
  BATCH_SIZE,
  type CaseEntry,
  caseEntries,
  createRunBody,
  finishBody,
  statusEventOf,
  toTestData,
} from './wire.js';

const DISPLAY_NAME = 'Testomat.io';
/** How long marking a run failed may take after a failure. */
const CLEANUP_TIMEOUT_MS = 15_000;
/** …and once the job was cancelled: the entrypoints exit 4.5 s after the CI's signal. */
const CANCELLED_CLEANUP_MS = 2_000;
/** How long a run being created may still answer once the job was cancelled. */
const CREATE_GRACE_MS = 1_000;

interface OpenRun {
  uid: string;
  url?: string;
}

/** What was delivered so far: the report says it, also when reporting stops half-way. */
interface Progress {
  /** Results Testomat.io accepted. */
  sent: number;
  /** Cases Testomat.io will not (or said it did not) match, in result order. */
  unmatched: Set<CaseEntry>;
  /** How many of `unmatched` Testomat.io named as refused (the rest had no id to go by). */
  refused: number;
  /** Results of batches Testomat.io said it partly refused without naming which: not known. */
  unconfirmed: number;
  /** Extra sentences for the report. */
  notes: string[];
}

export class TestomatioSink implements Sink {
  readonly name = 'testomatio';
  readonly displayName = DISPLAY_NAME;

  constructor(
    private readonly settings: Settings,
    private readonly own: TestomatioSettings,
    private readonly api: TestomatioApi,
    private readonly logger: Logger,
    private readonly redactor: Redactor,
  ) {}

  async report(result: RunResult, signal: AbortSignal): Promise<SinkReport> {
    // Ids are looked for before any request: with none to go by, nothing may be sent at all.
    const entries = caseEntries(result, findTestId);
    let report: SinkReport;
    try {
      report = await this.deliver(result, entries, signal);
    } catch (error) {
      // Only failures before a run exists get here (deliver() finishes any run it opened).
      const why = signal.aborted
        ? 'Reporting to Testomat.io was cancelled before a run was ready; no test was sent.'
        : sentence(describeError(error, 0));
      report = this.reportOf('failed', entries.length, why);
    }
    return { ...report, message: this.redactor.redact(report.message) };
  }

  private async deliver(
    result: RunResult,
    entries: CaseEntry[],
    signal: AbortSignal,
  ): Promise<SinkReport> {
    const options = this.own;
    if (entries.length === 0) return this.reportNoResults(result, signal);
    const withId = entries.filter((entry) => entry.testId !== undefined).length;
    if (withId === 0 && !options.createTests && this.settings.failOnNoMatch) {
      return this.reportOf('failed', entries.length, noMatchMessage(entries.length));
    }

    const run = await this.openRun(result, signal);
    const progress: Progress = {
      sent: 0,
      // Without createTests a test without an id is matched by title at best, which the
      // answer does not tell: it is listed, with a message saying so.
      unmatched: new Set(
        options.createTests ? [] : entries.filter((entry) => entry.testId === undefined),
      ),
      refused: 0,
      unconfirmed: 0,
      notes: [],
    };
    let phase: 'tests' | 'finish' = 'tests';
    try {
      await this.sendTests(run, entries, progress, signal);
      if (matchedNone(progress)) {
        const none = this.matchedNoneMessage(run, entries.length);
        if (this.settings.failOnNoMatch) {
          const cleanup = await this.markFailed(run, result, signal);
          return this.reportOf('failed', entries.length, `${none} ${cleanup}`, run, progress);
        }
        await this.finish(run, result, signal);
        return this.reportOf(
          'skipped',
          entries.length,
          `${none} The run was finished anyway (failOnNoMatch is off).`,
          run,
          progress,
        );
      }
      phase = 'finish';
      await this.finish(run, result, signal);
    } catch (error) {
      const why = this.failureReason(error, phase, run, entries.length, progress, signal);
      const cleanup = await this.markFailed(run, result, signal);
      return this.reportOf('failed', entries.length, `${why} ${cleanup}`, run, progress);
    }
    return this.reportOf(
      'reported',
      entries.length,
      successMessage(run, entries.length, withId, progress, this.own),
      run,
      progress,
    );
  }

  /** Closes the run (or this job's part) with the status the result calls for. */
  private async finish(run: OpenRun, result: RunResult, signal: AbortSignal): Promise<void> {
    const { sharedRun } = this.own;
    const answer = await this.api.updateRun(
      run.uid,
      sharedRun,
      finishBody(result, statusEventOf(result, sharedRun)),
      signal,
    );
    // The finish answer may carry the link where create or attach did not.
    run.url ??= answer.url;
  }

  private matchedNoneMessage(run: OpenRun, total: number): string {
    const how = this.own.createTests
      ? ''
      : ' Check that the @T ids belong to this project, or set testomatioCreateTests: true to create the tests.';
    return `Testomat.io matched none of the ${plural(total, 'test')} sent to run ${run.uid}, so it holds no result.${how}`;
  }

  /**
   * The job was cancelled, so nothing is reported; but a run Testomat.io created when it
   * started this pipeline (testomatioRunId) would stay "running" for good: mark it (or this
   * job's part) failed, within the short signal the relay gives.
   */
  async reportCancelled(result: RunResult, signal: AbortSignal): Promise<SinkReport | undefined> {
    const { runId, sharedRun } = this.own;
    if (!runId) return undefined;
    const total = caseEntries(result, findTestId).length;
    const event = sharedRun ? 'fail_parallel' : 'fail';
    const what = sharedRun
      ? `this job's part of Testomat.io run ${runId}`
      : `Testomat.io run ${runId}`;
    try {
      const answer = await this.api.updateRun(runId, sharedRun, finishBody(result, event), signal);
      const run: OpenRun = { uid: runId, url: answer.url };
      return this.reportOf(
        'skipped',
        total,
        `Not reported: the job was cancelled. Marked ${what} failed, so it does not stay "running".`,
        run,
      );
    } catch (error) {
      const said = sentence(describeError(error, 0));
      return this.reportOf(
        'skipped',
        total,
        this.redactor.redact(
          `Not reported: the job was cancelled. Marking ${what} failed did not work either (${said.replace(/\.$/, '')}), so it may stay "running".`,
        ),
        { uid: runId },
      );
    }
  }

  /**
   * No test at all: nothing to create a run for, but a run Testomat.io created when it started
   * the pipeline (testomatioRunId) would stay "running" forever: close it as failed.
   */
  private async reportNoResults(result: RunResult, signal: AbortSignal): Promise<SinkReport> {
    const { runId, sharedRun } = this.own;
    if (!runId) {
      return this.reportOf('skipped', 0, 'No test results to report; no run created.');
    }
    const run = await this.openRun(result, signal);
    const event = sharedRun ? 'fail_parallel' : 'fail';
    const answer = await this.api.updateRun(run.uid, sharedRun, finishBody(result, event), signal);
    run.url ??= answer.url;
    const what = sharedRun
      ? `this job's part of Testomat.io run ${run.uid}`
      : `Testomat.io run ${run.uid}`;
    return this.reportOf(
      'reported',
      0,
      `No test results to report: marked ${what} failed, so it does not stay "running".`,
      run,
    );
  }

  /** Attach to testomatioRunId, or create a run; the link is always the server's own. */
  private async openRun(result: RunResult, signal: AbortSignal): Promise<OpenRun> {
    const options = this.own;
    if (options.runId) {
      const runId = options.runId;
      let answer;
      try {
        // The attach call: the same PUT without a status_event (§3.3).
        answer = await this.api.updateRun(runId, options.sharedRun, {}, signal);
      } catch (error) {
        throw attachFailure(error, runId);
      }
      this.logger.info(`Testomat.io: reporting into run ${runId} (testomatioRunId).`);
      return { uid: runId, url: answer.url };
    }
    const body = createRunBody(this.settings, this.own, result);
    if (signal.aborted) throw abortError(signal);
    // Cancelled while creating: a moment more to learn the run's id, so it can be closed as
    // failed instead of staying "running" unknown to anyone.
    const answer = await this.api.createRun(body, delayedAbort(signal, CREATE_GRACE_MS));
    if (!answer.uid) {
      throw new TestomatioFailure(
        `Testomat.io's answer to creating the run holds no readable run id (${oneLine(answer.raw, 300) || 'an empty body'}); nothing was reported.`,
      );
    }
    this.logger.info(
      `Testomat.io: ${options.sharedRun ? 'reporting into shared' : 'created'} run ${answer.uid} "${body.title}".`,
    );
    return { uid: answer.uid, url: answer.url };
  }

  private async sendTests(
    run: OpenRun,
    entries: CaseEntry[],
    progress: Progress,
    signal: AbortSignal,
  ): Promise<void> {
    const items = entries.map((entry) => ({
      entry,
      data: toTestData(entry, this.own),
    }));
    const batches = batchesOf(items, (item) => item.data, BATCH_MAX_BYTES, BATCH_SIZE);
    for (const [index, batch] of batches.entries()) {
      const tests = batch.map((item) => item.data);
      this.logger.debug(
        `Testomat.io: sending batch ${index + 1} of ${batches.length} (${tests.length} tests) to run ${run.uid}.`,
      );
      const answer = await this.api.addTests(run.uid, tests, index, signal);
      if (answer.status < 300) {
        // 200 "Test run added" is also the answer when a test was not added (§3.2): an id
        // was the only sure way to match, and the unmatched list already says which had none.
        // The tests without an id count as sent: the server may have matched them by title.
        progress.sent += tests.length;
        continue;
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
          progress.notes.push(
            `Testomat.io said some of the ${tests.length} tests of batch ${index + 1} could not be matched without naming them (${httpSaid(answer.status, answer.text)}).`,
          );
          continue;
        }
        for (const item of missed) progress.unmatched.add(item.entry);
        progress.refused += missed.length;
        progress.sent += tests.length - missed.length;
        continue;
      }
      if (answer.status === 404) {
        throw new TestomatioFailure(
          `Testomat.io no longer accepts results for run ${run.uid} (${httpSaid(answer.status, answer.text)}); it may have been finished or deleted meanwhile.`,
        );
      }
      throw new TestomatioFailure(
        `Testomat.io refused batch ${index + 1} of ${batches.length} (${httpSaid(answer.status, answer.text)}).`,
      );
    }
  }

  private failureReason(
    error: unknown,
    phase: 'tests' | 'finish',
    run: OpenRun,
    total: number,
    progress: Progress,
    signal: AbortSignal,
  ): string {
    const done = `${progress.sent} of ${plural(total, 'result')}`;
    if (signal.aborted)
      return `Reporting to Testomat.io run ${run.uid} was cancelled after ${done}.`;
    const said = sentence(describeError(error, progress.sent));
    if (phase === 'finish') {
      return `${plural(progress.sent, 'result')} reached Testomat.io run ${run.uid}, but finishing it failed: ${said}`;
    }
    // A refused token or the plan's limit says all there is; anything else gets the context.
    if (standsAlone(error)) return said;
    return `Reporting to Testomat.io run ${run.uid} stopped after ${done}: ${said}`;
  }

  /**
   * The finally path: once a run exists and reporting failed, it still gets a `fail` (or this
   * job's `fail_parallel`), best effort, with its own short deadline when the job was
   * cancelled. Says in one sentence whether that worked.
   */
  private async markFailed(run: OpenRun, result: RunResult, signal: AbortSignal): Promise<string> {
    const { sharedRun } = this.own;
    const event = sharedRun ? 'fail_parallel' : 'fail';
    const deadline = AbortSignal.timeout(
      signal.aborted ? CANCELLED_CLEANUP_MS : CLEANUP_TIMEOUT_MS,
    );
    const cleanupSignal = signal.aborted ? deadline : AbortSignal.any([signal, deadline]);
    try {
      const answer = await this.api.updateRun(
        run.uid,
        sharedRun,
        finishBody(result, event),
        cleanupSignal,
      );
      run.url ??= answer.url;
      return sharedRun
        ? `This job's part of the run was marked failed.`
        : `The run was marked failed.`;
    } catch (error) {
      const said = describeError(error, 0);
      // Info, not a warning: the report's message says it where it counts.
      this.logger.info(
        `Testomat.io: could not mark run ${run.uid} failed: ${this.redactor.redact(said)}`,
      );
      return `Marking the run failed did not work either (${said.replace(/\.$/, '')}), so it may stay "running".`;
    }
  }

  private reportOf(
    status: SinkReport['status'],
    total: number,
    message: string,
    run?: OpenRun,
    progress?: Progress,
  ): SinkReport {
    const report = sinkReport(this, status, message, total, {
      sent: progress?.sent,
      unmatched: [...(progress?.unmatched ?? [])]
        .sort((a, b) => a.index - b.index)
        .map((entry) => caseLabel(entry.testCase)),
    });
    if (run) {
      report.id = run.uid;
      if (run.url) report.url = run.url;
    }
    return report;
  }
}

function attachFailure(error: unknown, runId: string): unknown {
  if (error instanceof VendorHttpError && error.status === 404) {
    return new TestomatioFailure(
      `Testomat.io has no run "${runId}" (${httpSaid(404, error.body)}): check testomatioRunId ` +
        '(the run id Testomat.io passes as `run`), or leave it empty to create a run.',
    );
  }
  return error;
}

function noMatchMessage(count: number): string {
  return (
    `None of the ${plural(count, 'test')} carries a Testomat.io test id (@T + 8 characters), so nothing was sent. ` +
    'Put the ids in the test names or tags (e.g. "Login works @Ta0b0c0d0") or as tid://@T… lines in system-out; ' +
    'or set testomatioCreateTests: true to create the tests, or failOnNoMatch: false to send them for matching by title.'
  );
}

function successMessage(
  run: OpenRun,
  total: number,
  withId: number,
  progress: Progress,
  settings: TestomatioSettings,
): string {
  const without = total - withId;
  const sentences: string[] = [];
  let how: string;
  if (settings.createTests) {
    how =
      without === 0
        ? ' (all with a test id; Testomat.io creates those it does not have)'
        : ` (${withId} with a test id, ${without} without: Testomat.io creates the tests it does not have)`;
  } else if (without === 0) {
    how = ' (all matched by id)';
  } else if (withId === 0) {
    how = ', none with a test id: Testomat.io matches them by title where it has one';
  } else {
    how = ` (${withId} matched by id, ${without} without an id: matched by title where Testomat.io has one)`;
  }
  const { sent, refused, unconfirmed } = progress;
  if (refused === 0 && unconfirmed === 0) {
    sentences.push(`Reported ${plural(total, 'test')} to Testomat.io run ${run.uid}${how}.`);
  } else {
    // Not everything was accepted: "matched" would claim more than the answers say.
    const carried =
      without === 0 ? 'all with a test id' : `${withId} with a test id, ${without} without`;
    sentences.push(`Sent ${plural(total, 'test')} to Testomat.io run ${run.uid} (${carried}).`);
    const unknown = unconfirmed > 0 ? `; ${unconfirmed} are not known` : '';
    sentences.push(
      `Testomat.io accepted ${sent}${refused > 0 ? ` and could not match ${refused}` : ''}${unknown}.`,
    );
  }
  sentences.push(...progress.notes);
  if (settings.sharedRun) {
    sentences.push(
      `This job's part is done; the shared run stays open until a last job closes it with testomatioRunId ${run.uid}.`,
    );
  }
  return sentences.join(' ');
}

/** Testomat.io refused every test it was sent, by name (none unknown). */
function matchedNone(progress: Progress): boolean {
  return progress.sent === 0 && progress.unconfirmed === 0 && progress.refused > 0;
}
