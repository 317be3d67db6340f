// Testsigma as a TestRelay source: trigger a test plan, poll it, collect JUnit (downloaded
// by junit-report.ts, refined by refine.ts), stop it.

import { type Clock, isAbortError, systemClock } from '../../core/clock.js';
import { type HttpClient, VendorHttpError } from '../../core/http.js';
import type { Logger } from '../../core/logger.js';
import type { RunResult } from '../../core/result.js';
import type { Settings } from '../../core/settings.js';
import type { TestsigmaSettings } from './settings.js';
import type { CancelReport, RunHandle, Source, TriggerPreview } from '../../core/source.js';
import { explainRunError, explainTriggerError } from './errors.js';
import { fetchJunit } from './junit-report.js';
import { applyRerun, refineStatuses, suitesFromDetails } from './refine.js';
import { finalResultOf, snapshotOf, type TestsigmaSnapshot, verdictOf } from './status.js';
import {
  type ApiFlavor,
  normalizeRun,
  normalizeTestCaseResults,
  type TestCaseResultEntry,
  type TestsigmaRun,
} from './wire.js';

export class TestsigmaSource implements Source<TestsigmaSnapshot> {
  readonly displayName = 'Testsigma';
  // The reference asks for polls no faster than every 10 s.
  readonly minPollIntervalMs = 10_000;
  private readonly flavor: ApiFlavor;
  private readonly runsPath: string;

  constructor(
    private readonly settings: Settings,
    private readonly own: TestsigmaSettings,
    private readonly http: HttpClient,
    private readonly logger: Logger,
    private readonly clock: Clock = systemClock,
  ) {
    this.flavor = own.apiFlavor;
    this.runsPath = this.flavor === 'self-hosted' ? '/test_plan_results' : '/execution_results';
  }

  previewTrigger(): TriggerPreview {
    return { method: 'POST', url: this.http.url(this.runsPath), body: this.triggerBody() };
  }

  private triggerBody(): Record<string, unknown> {
    const { planId } = this.settings;
    const testsigma = this.own;
    const body: Record<string, unknown> = {
      [this.flavor === 'self-hosted' ? 'testPlanId' : 'executionId']: Number(planId),
    };
    // Always a JSON string: build numbers like 20240529.1 must not turn into floats.
    if (testsigma.buildNo) body.buildNo = String(testsigma.buildNo);
    if (testsigma.environmentId !== undefined) body.environmentId = testsigma.environmentId;
    if (Object.keys(testsigma.runtimeData).length > 0) body.runtimeData = testsigma.runtimeData;
    return body;
  }

  async trigger(signal: AbortSignal): Promise<RunHandle> {
    const planId = this.settings.planId!;
    let raw: unknown;
    try {
      raw = await this.http.json({
        method: 'POST',
        path: this.runsPath,
        body: this.triggerBody(),
        idempotent: false,
        signal,
      });
    } catch (error) {
      throw explainTriggerError(error, planId, this.flavor);
    }
    return this.handleOf(normalizeRun(raw, this.flavor));
  }

  async attach(runId: string, signal: AbortSignal): Promise<RunHandle> {
    const run = await this.fetchRun(runId, signal);
    return this.handleOf(run);
  }

  async poll(handle: RunHandle, signal: AbortSignal): Promise<TestsigmaSnapshot> {
    const run = await this.fetchRun(handle.runId, signal);
    if (run.planName && !handle.title) handle.title = run.planName;
    return snapshotOf(run);
  }

  async collect(
    handle: RunHandle,
    last: TestsigmaSnapshot,
    signal: AbortSignal,
  ): Promise<RunResult> {
    const run = last.run;
    const result = this.baseResult(handle, run);
    result.state = 'completed';
    result.verdict = verdictOf(finalResultOf(run));

    const report = { http: this.http, logger: this.logger, clock: this.clock };
    const junitSuites = await fetchJunit(report, handle.runId, signal);
    const details =
      this.flavor === 'cloud' ? await this.fetchTestCaseResults(handle.runId, signal) : [];
    if (junitSuites) {
      result.suites = details.length > 0 ? refineStatuses(junitSuites, details) : junitSuites;
    } else if (details.length > 0) {
      this.logger.warn('Testsigma gave no JUnit report; using its per-test results instead.');
      result.suites = suitesFromDetails(details, run.planName);
    } else {
      this.logger.warn(
        'Testsigma gave no JUnit report; the totals come from the run counts, without per-test detail.',
      );
      result.reportedCountsReason = 'Testsigma gave no JUnit report';
    }
    const childRunId = run.reRun?.childRunId;
    if (childRunId && result.suites.length > 0) {
      const rerun = await fetchJunit(report, childRunId, signal);
      if (rerun) result.suites = applyRerun(result.suites, rerun, childRunId);
    }
    return result;
  }

  partial(handle: RunHandle, last: TestsigmaSnapshot | undefined): RunResult {
    const result = this.baseResult(handle, last?.run);
    result.state = 'timed_out';
    return result;
  }

  async cancel(handle: RunHandle, signal: AbortSignal): Promise<CancelReport> {
    // canStopAll: false, or the cloud stops every running execution of the account.
    const body =
      this.flavor === 'cloud' ? { canStopAll: false, result: 'STOPPED' } : { result: 'STOPPED' };
    try {
      await this.http.request({
        method: 'PUT',
        path: `${this.runsPath}/${encodeURIComponent(handle.runId)}`,
        body,
        idempotent: true,
        signal,
      });
      return { stopped: true, message: `Asked Testsigma to stop run ${handle.runId}.` };
    } catch (error) {
      if (error instanceof VendorHttpError && /No Queued executions/i.test(error.body)) {
        return {
          stopped: false,
          message: `Testsigma run ${handle.runId} had nothing left to stop.`,
        };
      }
      throw error;
    }
  }

  private handleOf(run: TestsigmaRun): RunHandle {
    return { runId: run.id, runUrl: this.runUrl(run.id), title: run.planName };
  }

  /** <server>/ui/td/runs/<id>: the open-source server's link; the cloud is assumed to match. */
  private runUrl(runId: string): string {
    const base = new URL(this.http.url(''));
    const prefix = base.pathname.replace(/\/api\/v\d+\/?$/, '').replace(/\/+$/, '');
    return `${base.origin}${prefix}/ui/td/runs/${encodeURIComponent(runId)}`;
  }

  private async fetchRun(runId: string, signal: AbortSignal): Promise<TestsigmaRun> {
    try {
      const raw = await this.http.json({
        method: 'GET',
        path: `${this.runsPath}/${encodeURIComponent(runId)}`,
        idempotent: true,
        signal,
      });
      return normalizeRun(raw, this.flavor);
    } catch (error) {
      throw explainRunError(error, runId, this.flavor);
    }
  }

  private async fetchTestCaseResults(
    runId: string,
    signal: AbortSignal,
  ): Promise<TestCaseResultEntry[]> {
    try {
      const raw = await this.http.json({
        method: 'GET',
        path: `${this.runsPath}/${encodeURIComponent(runId)}/test_case_results`,
        idempotent: true,
        signal,
      });
      return normalizeTestCaseResults(raw);
    } catch (error) {
      if (isAbortError(error)) throw error;
      // Optional refinement: JUnit alone still gives a correct pass/fail picture.
      this.logger.debug(`No per-test results from Testsigma: ${(error as Error).message}`);
      return [];
    }
  }

  private baseResult(handle: RunHandle, run: TestsigmaRun | undefined): RunResult {
    const counts = run?.counts;
    return {
      vendor: 'testsigma',
      vendorName: this.displayName,
      runId: handle.runId,
      runUrl: handle.runUrl,
      title:
        run?.planName ??
        handle.title ??
        `Test plan ${this.settings.planId ?? run?.planId ?? ''}`.trim(),
      state: 'completed',
      suites: [],
      message: run?.message,
      durationSeconds: run?.durationMs !== undefined ? run.durationMs / 1000 : undefined,
      links: handle.runUrl ? [{ label: 'Testsigma run', url: handle.runUrl }] : [],
      reportedCounts: counts
        ? {
            total: counts.total,
            passed: counts.passed ?? 0,
            failed: (counts.failed ?? 0) + (counts.aborted ?? 0) + (counts.notExecuted ?? 0),
            errors: (counts.aborted ?? 0) + (counts.notExecuted ?? 0),
            skipped: counts.stopped ?? 0,
          }
        : undefined,
    };
  }
}
