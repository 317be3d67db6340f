// Testsigma as a TestRelay source: trigger a test plan, poll it, collect JUnit, stop it.

import { type Clock, isAbortError, systemClock } from '../../core/clock.js';
import { type HttpClient, VendorHttpError } from '../../core/http.js';
import { parseJunitXml } from '../../core/junit-read.js';
import type { Logger } from '../../core/logger.js';
import type { RunResult, TestSuite } from '../../core/result.js';
import { InputError, type Settings } from '../../core/settings.js';
import type { TestsigmaSettings } from './settings.js';
import type { CancelReport, RunHandle, Source, TriggerPreview } from '../../core/source.js';
import {
  caseStatusOf,
  finalResultOf,
  snapshotOf,
  type TestsigmaSnapshot,
  verdictOf,
} from './status.js';
import {
  type ApiFlavor,
  normalizeRun,
  normalizeTestCaseResults,
  type TestCaseResultEntry,
  type TestsigmaRun,
} from './wire.js';

export const TESTSIGMA_CLOUD_URL = 'https://app.testsigma.com/api/v1';
const NOT_COMPLETED_REPORT = /not completed/i;
const JUNIT_ATTEMPTS = 6;
const JUNIT_RETRY_MS = 2000;

export function testsigmaAuthHeaders(flavor: ApiFlavor, apiKey: string): Record<string, string> {
  // The self-hosted server checks X-TS-API-KEY first; the cloud takes a Bearer token.
  return flavor === 'self-hosted'
    ? { 'X-TS-API-KEY': apiKey }
    : { Authorization: `Bearer ${apiKey}` };
}

/** Base URL to use, after refusing configurations of the retired /rest API. */
export function testsigmaBaseUrl(settings: Settings): string {
  const url = settings.baseUrl ?? TESTSIGMA_CLOUD_URL;
  if (/\/rest\/?$/.test(url) || /\/rest\/execution\//.test(url)) {
    throw new InputError(
      'baseUrl',
      `baseUrl: ${url} is Testsigma's retired /rest API (user and password auth), which TestRelay does not support. ` +
        `Use the API key API: ${TESTSIGMA_CLOUD_URL} for the cloud, or https://<host>:9090/api/v1 with apiFlavor self-hosted.`,
    );
  }
  return url;
}

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
      throw this.explainTriggerError(error, planId);
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

    const junitSuites = await this.fetchJunit(handle.runId, signal);
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
    }
    const childRunId = run.reRun?.childRunId;
    if (childRunId && result.suites.length > 0) {
      const rerun = await this.fetchJunit(childRunId, signal);
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
      if (error instanceof VendorHttpError && error.status === 404) {
        throw new Error(
          `Testsigma has no run ${runId} (HTTP 404). Check runId${this.flavorHint()}.`,
        );
      }
      throw this.explainAuth(error);
    }
  }

  private async fetchJunit(runId: string, signal: AbortSignal): Promise<TestSuite[] | undefined> {
    for (let attempt = 1; attempt <= JUNIT_ATTEMPTS; attempt++) {
      let text: string;
      try {
        const response = await this.http.request({
          method: 'GET',
          path: `/reports/junit/${encodeURIComponent(runId)}`,
          accept: 'application/xml',
          idempotent: true,
          signal,
        });
        text = response.text.replace(/^\uFEFF/, '').trim();
      } catch (error) {
        if (isAbortError(error)) throw error;
        this.logger.warn(
          `Could not download the Testsigma JUnit report: ${(error as Error).message}`,
        );
        return undefined;
      }
      if (text.startsWith('<')) {
        try {
          return await parseJunitXml(text, `Testsigma JUnit report of run ${runId}`);
        } catch (error) {
          // A truncated download or an HTML error page: try again, then fall back to the counts.
          if (attempt === JUNIT_ATTEMPTS) {
            this.logger.warn(
              `Testsigma's JUnit report could not be read: ${(error as Error).message}`,
            );
            return undefined;
          }
          this.logger.debug(`JUnit report unreadable (${(error as Error).message}); retrying`);
          await this.clock.sleep(JUNIT_RETRY_MS, signal);
          continue;
        }
      }
      // The report endpoint answers 200 with plain text until the report is ready.
      if (!NOT_COMPLETED_REPORT.test(text) || attempt === JUNIT_ATTEMPTS) {
        this.logger.warn(`Testsigma's JUnit report is not available: ${text.slice(0, 200)}`);
        return undefined;
      }
      this.logger.debug(`JUnit report not ready yet (${text.slice(0, 100)}); retrying`);
      await this.clock.sleep(JUNIT_RETRY_MS, signal);
    }
    return undefined;
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

  private explainTriggerError(error: unknown, planId: string): unknown {
    if (!(error instanceof VendorHttpError)) return error;
    if (/currently running|already in running/i.test(error.body)) {
      return new Error(
        `Testsigma plan ${planId} is already running, and this server runs one at a time. ` +
          'Wait for that run to finish, or attach to it with runId instead of starting another.',
      );
    }
    if (error.status === 404) {
      return new Error(
        `Testsigma has no test plan ${planId} (HTTP 404). Check planId${this.flavorHint()}. ${error.message}`,
      );
    }
    return this.explainAuth(error);
  }

  private explainAuth(error: unknown): unknown {
    if (error instanceof VendorHttpError && (error.status === 401 || error.status === 403)) {
      return new Error(
        `Testsigma rejected the API key (HTTP ${error.status}${error.body ? `: ${error.body.slice(0, 120)}` : ''}). ` +
          `Check apiKey${this.flavor === 'self-hosted' ? ' and that the server has its API enabled' : ''}.`,
      );
    }
    return error;
  }

  private flavorHint(): string {
    return this.flavor === 'cloud'
      ? ' (and apiFlavor: a self-hosted server needs apiFlavor self-hosted)'
      : ' (and apiFlavor: the cloud needs apiFlavor cloud)';
  }
}

/**
 * JUnit marks every non-success as <failure>; the cloud's per-test results tell aborted,
 * not-executed and stopped apart. Match by name, in order, within each name.
 */
function refineStatuses(suites: TestSuite[], details: TestCaseResultEntry[]): TestSuite[] {
  const byName = new Map<string, TestCaseResultEntry[]>();
  for (const entry of details) {
    const list = byName.get(entry.testCaseName) ?? [];
    list.push(entry);
    byName.set(entry.testCaseName, list);
  }
  return suites.map((suite) => ({
    ...suite,
    cases: suite.cases.map((testCase) => {
      const entry = byName.get(testCase.name)?.shift();
      if (!entry) return testCase;
      const status = caseStatusOf(entry.result);
      if (status === testCase.status) return testCase;
      const reason =
        entry.result.toUpperCase() === 'STOPPED'
          ? 'Stopped before it ran'
          : `Testsigma result ${entry.result}`;
      return { ...testCase, status, message: testCase.message ?? reason };
    }),
  }));
}

function suitesFromDetails(
  details: TestCaseResultEntry[],
  planName: string | undefined,
): TestSuite[] {
  const suites = new Map<string, TestSuite>();
  for (const entry of details) {
    const name = [planName, entry.machineTitle].filter(Boolean).join(' || ') || 'Testsigma';
    const suite = suites.get(name) ?? { name, cases: [] };
    suite.cases.push({
      name: entry.testCaseName,
      classname: entry.testSuiteName,
      status: caseStatusOf(entry.result),
      message:
        caseStatusOf(entry.result) === 'passed' ? undefined : `Testsigma result ${entry.result}`,
    });
    suites.set(name, suite);
  }
  return [...suites.values()];
}

/**
 * Testsigma's automatic re-run starts a child run of the tests that did not pass. A test
 * that passes there counts as passed and flaky; one that fails again keeps failing.
 */
export function applyRerun(
  first: TestSuite[],
  rerun: TestSuite[],
  childRunId: string,
): TestSuite[] {
  const retried = new Map<string, TestSuite['cases']>();
  for (const testCase of rerun.flatMap((suite) => suite.cases)) {
    const key = `${testCase.classname ?? ''}\u0000${testCase.name}`;
    retried.set(key, [...(retried.get(key) ?? []), testCase]);
  }
  return first.map((suite) => ({
    ...suite,
    cases: suite.cases.map((testCase) => {
      if (testCase.status === 'passed') return testCase;
      const again = retried.get(`${testCase.classname ?? ''}\u0000${testCase.name}`)?.shift();
      if (!again) return testCase;
      if (again.status === 'passed') {
        return {
          ...testCase,
          status: 'passed',
          flaky: true,
          message: undefined,
          details: undefined,
          properties: { ...testCase.properties, 'testsigma.rerunId': childRunId },
        };
      }
      return { ...again, classname: testCase.classname };
    }),
  }));
}
