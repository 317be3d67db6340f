// Testomat.io as a TestRelay report sink (vendor-apis/testomatio.md): find the test ids first,
// then create a run (or attach to the one Testomat.io created), send the tests in batches
// (send-batches.ts) and finish the run with an explicit status. Once a run exists, every way
// out of here finishes it: Testomat.io has no cancel call, and an unfinished run stays
// "running" for good. The sentences of the report are in messages.ts.

import { abortError, delayedAbort } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { Redactor } from '../../core/redact.js';
import { caseLabel, type RunResult } from '../../core/result.js';
import type { Settings } from '../../core/settings.js';
import { type Sink, type SinkReport, sinkReport } from '../../core/sink.js';
import { sentence } from '../../core/text.js';
import { oneLine } from '../../core/untrusted-text.js';
import type { TestomatioApi } from './api.js';
import { attachFailure, describeError, TestomatioFailure } from './errors.js';
import { findTestId } from './match.js';
import {
  CANCELLED_BEFORE_RUN,
  cancelledMarkedFailed,
  cancelledMarkingFailed,
  failureReason,
  finishedAnyway,
  markedFailed,
  markingFailedFailed,
  matchedNoneMessage,
  NO_RESULTS_NO_RUN,
  noMatchMessage,
  noResultsMarkedFailed,
  runOrPart,
  successMessage,
  unreadableRunId,
} from './messages.js';
import { matchedNone, type Progress, startProgress } from './progress.js';
import { sendTests } from './send-batches.js';
import type { TestomatioSettings } from './settings.js';
import {
  type CaseEntry,
  caseEntries,
  createRunBody,
  finishBody,
  type FinishBody,
  type StatusEvent,
  statusEventOf,
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
      const why = signal.aborted ? CANCELLED_BEFORE_RUN : sentence(describeError(error, 0));
      report = this.reportOf('failed', entries.length, why);
    }
    return { ...report, message: this.redactor.redact(report.message) };
  }

  private async deliver(
    result: RunResult,
    entries: CaseEntry[],
    signal: AbortSignal,
  ): Promise<SinkReport> {
    const { createTests } = this.own;
    if (entries.length === 0) return this.reportNoResults(result, signal);
    const withId = entries.filter((entry) => entry.testId !== undefined).length;
    if (withId === 0 && !createTests && this.settings.failOnNoMatch) {
      return this.reportOf('failed', entries.length, noMatchMessage(entries.length));
    }

    const run = await this.openRun(result, signal);
    // Without createTests a test without an id is matched by title at best, which the
    // answer does not tell: it is listed, with a message saying so.
    const progress = startProgress(
      createTests ? [] : entries.filter((entry) => entry.testId === undefined),
    );
    let phase: 'tests' | 'finish' = 'tests';
    try {
      await sendTests(this.api, this.logger, this.own, run.uid, entries, progress, signal);
      if (matchedNone(progress)) {
        return await this.reportMatchedNone(run, result, entries.length, progress, signal);
      }
      phase = 'finish';
      await this.finish(run, result, signal);
    } catch (error) {
      const cancelled = signal.aborted;
      const why = failureReason({
        error,
        phase,
        uid: run.uid,
        total: entries.length,
        progress,
        cancelled,
      });
      const cleanup = await this.markFailed(run, result, signal);
      return this.reportOf('failed', entries.length, `${why} ${cleanup}`, run, progress);
    }
    const message = successMessage(run.uid, entries.length, withId, progress, this.own);
    return this.reportOf('reported', entries.length, message, run, progress);
  }

  /** Testomat.io refused every test by name: the run holds nothing. */
  private async reportMatchedNone(
    run: OpenRun,
    result: RunResult,
    total: number,
    progress: Progress,
    signal: AbortSignal,
  ): Promise<SinkReport> {
    const none = matchedNoneMessage(run.uid, total, this.own.createTests);
    if (this.settings.failOnNoMatch) {
      const cleanup = await this.markFailed(run, result, signal);
      return this.reportOf('failed', total, `${none} ${cleanup}`, run, progress);
    }
    await this.finish(run, result, signal);
    return this.reportOf('skipped', total, finishedAnyway(none), run, progress);
  }

  /** Closes the run (or this job's part) with the status the result calls for. */
  private async finish(run: OpenRun, result: RunResult, signal: AbortSignal): Promise<void> {
    const { sharedRun } = this.own;
    const event = statusEventOf(result, sharedRun);
    const answer = await this.api.updateRun(run.uid, sharedRun, finishBody(result, event), signal);
    // The finish answer may carry the link where create or attach did not.
    run.url ??= answer.url;
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
    const what = runOrPart(runId, sharedRun);
    try {
      const answer = await this.api.updateRun(runId, sharedRun, this.failBody(result), signal);
      const run: OpenRun = { uid: runId, url: answer.url };
      return this.reportOf('skipped', total, cancelledMarkedFailed(what), run);
    } catch (error) {
      const message = this.redactor.redact(cancelledMarkingFailed(what, error));
      return this.reportOf('skipped', total, message, { uid: runId });
    }
  }

  /**
   * No test at all: nothing to create a run for, but a run Testomat.io created when it started
   * the pipeline (testomatioRunId) would stay "running" forever: close it as failed.
   */
  private async reportNoResults(result: RunResult, signal: AbortSignal): Promise<SinkReport> {
    const { runId, sharedRun } = this.own;
    if (!runId) return this.reportOf('skipped', 0, NO_RESULTS_NO_RUN);
    const run = await this.openRun(result, signal);
    const answer = await this.api.updateRun(run.uid, sharedRun, this.failBody(result), signal);
    run.url ??= answer.url;
    return this.reportOf('reported', 0, noResultsMarkedFailed(runOrPart(run.uid, sharedRun)), run);
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
    if (!answer.uid) throw new TestomatioFailure(unreadableRunId(oneLine(answer.raw, 300)));
    this.logger.info(
      `Testomat.io: ${options.sharedRun ? 'reporting into shared' : 'created'} run ${answer.uid} "${body.title}".`,
    );
    return { uid: answer.uid, url: answer.url };
  }

  /**
   * The finally path: once a run exists and reporting failed, it still gets a `fail` (or this
   * job's `fail_parallel`), best effort, with its own short deadline when the job was
   * cancelled. Says in one sentence whether that worked.
   */
  private async markFailed(run: OpenRun, result: RunResult, signal: AbortSignal): Promise<string> {
    const { sharedRun } = this.own;
    const deadline = AbortSignal.timeout(
      signal.aborted ? CANCELLED_CLEANUP_MS : CLEANUP_TIMEOUT_MS,
    );
    const cleanupSignal = signal.aborted ? deadline : AbortSignal.any([signal, deadline]);
    try {
      const answer = await this.api.updateRun(
        run.uid,
        sharedRun,
        this.failBody(result),
        cleanupSignal,
      );
      run.url ??= answer.url;
      return markedFailed(sharedRun);
    } catch (error) {
      const said = describeError(error, 0);
      // Info, not a warning: the report's message says it where it counts.
      this.logger.info(
        `Testomat.io: could not mark run ${run.uid} failed: ${this.redactor.redact(said)}`,
      );
      return markingFailedFailed(said);
    }
  }

  /** The body that marks the run (or this job's part of a shared run) failed. */
  private failBody(result: RunResult): FinishBody {
    const event: StatusEvent = this.own.sharedRun ? 'fail_parallel' : 'fail';
    return finishBody(result, event);
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
