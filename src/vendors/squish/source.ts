// Squish Test Center as a TestRelay source: find the test plan template, start an execution
// instance of it, wait until every execution is worked off, let the result counts settle,
// and collect per-test results from the Results API where the server offers them.

import { type Clock, isAbortError, systemClock } from '../../core/clock.js';
import type { HttpClient } from '../../core/http.js';
import type { Logger } from '../../core/logger.js';
import type { Redactor } from '../../core/redact.js';
import type { RunResult, TestSuite } from '../../core/result.js';
import type { Settings } from '../../core/settings.js';
import type { SquishSettings } from './settings.js';
import type { CancelReport, RunHandle, Source, TriggerPreview } from '../../core/source.js';
import {
  listOf,
  normalizeEvents,
  normalizeItems,
  normalizeReports,
  PROBLEM_EVENTS,
  RESULTS_API,
  type ResultReport,
  suitesFromResults,
} from './results.js';
import {
  isSettled,
  sameCounts,
  snapshotOf,
  type SquishSnapshot,
  summarizeCounts,
  verdictOf,
} from './status.js';
import { explain, explainLookup, explainPlanError, resultsProblem } from './errors.js';
import { normalizePlan, normalizeStatus, type TestPlan } from './wire.js';

export const EXECUTION_API = '/execution/v1';
// Results can arrive after `finished` (§4 step 3): read the counts again for at most this long.
const SETTLE_MAX_MS = 60_000;
const SETTLE_INTERVAL_MS = 5_000;

/** What TestRelay remembers of a plan instance between trigger/attach, poll and collect. */
interface InstanceInfo {
  project: string;
  batch: string;
  title: string;
  /** Server time when TestRelay started it (absent after an attach). */
  startedAt?: number;
}

export class SquishSource implements Source<SquishSnapshot> {
  readonly displayName = 'Squish Test Center';
  // The reference gives no rate limit; a self-hosted server should not be polled faster.
  readonly minPollIntervalMs = 5_000;

  get planLabel(): string {
    const { planId } = this.settings;
    const squish = this.own;
    return planId
      ? `template ${planId}`
      : `template "${squish.planTitle}" in project ${squish.project}`;
  }
  private readonly instances = new Map<string, InstanceInfo>();

  constructor(
    private readonly settings: Settings,
    private readonly own: SquishSettings,
    private readonly http: HttpClient,
    private readonly logger: Logger,
    private readonly redactor: Redactor,
    private readonly clock: Clock = systemClock,
  ) {}

  previewTrigger(): TriggerPreview {
    const { planId } = this.settings;
    const squish = this.own;
    const templateId = planId
      ? Number(planId)
      : `<id of template "${squish.planTitle}" in project "${squish.project}", looked up first>`;
    return {
      method: 'POST',
      url: this.http.url(`${EXECUTION_API}/executeplan`),
      body: this.triggerBody(templateId),
    };
  }

  private triggerBody(templateId: number | string): Record<string, unknown> {
    const { title, batch, scheduleTime, linkedRepos } = this.own;
    const body: Record<string, unknown> = { templateId, title, batch };
    // With a time and linked repositories, Test Center runs the scripts itself (§4 mode 1).
    if (scheduleTime !== undefined) body.time = scheduleTime;
    if (linkedRepos.length > 0) body.linkedRepos = linkedRepos;
    return body;
  }

  async trigger(signal: AbortSignal): Promise<RunHandle> {
    const template = await this.findTemplate(signal);
    let raw: unknown;
    try {
      // Answers 201 (200 accepted too: any 2xx is a success to the HTTP client).
      raw = await this.http.json({
        method: 'POST',
        path: `${EXECUTION_API}/executeplan`,
        body: this.triggerBody(Number(template.id)),
        idempotent: false,
        signal,
      });
    } catch (error) {
      throw explain(error, `starting template ${template.id}`, this.byToken());
    }
    const plan = normalizePlan(raw);
    if (plan.type && plan.type !== 'instance') {
      this.logger.warn(
        `Test Center answered executeplan with a test plan of type "${plan.type}", not "instance"; waiting on ${plan.id} anyway.`,
      );
    }
    const info: InstanceInfo = {
      project: plan.project || template.project,
      batch: plan.batchName || this.own.batch,
      title: plan.title || this.own.title,
      startedAt: plan.serverTime,
    };
    this.instances.set(plan.id, info);
    this.logger.info(
      `Test Center started test plan ${plan.id} "${info.title}" from template ${template.id} ` +
        `"${template.title}" in project ${info.project}; results go to batch "${info.batch}".`,
    );
    return this.handleOf(plan.id, info);
  }

  async attach(runId: string, signal: AbortSignal): Promise<RunHandle> {
    const plan = await this.fetchPlan(runId, signal, 'runId');
    if (plan.type === 'template') {
      throw new Error(
        `Test Center test plan ${runId} is a template, not a plan execution: set planId ${runId} to start it, ` +
          'or runId to the id of an execution (instance) of it.',
      );
    }
    const info: InstanceInfo = {
      project: plan.project,
      batch: plan.batchName,
      title: plan.title,
    };
    this.instances.set(plan.id, info);
    return this.handleOf(plan.id, info);
  }

  async poll(handle: RunHandle, signal: AbortSignal): Promise<SquishSnapshot> {
    let raw: unknown;
    try {
      raw = await this.http.json({
        method: 'GET',
        path: `${EXECUTION_API}/status/${encodeURIComponent(handle.runId)}`,
        // Capability filters narrow the counts to the executions that require them, so
        // completion then only covers those executions (§4: without filters, all of them).
        query: Object.fromEntries(this.own.capabilities),
        idempotent: true,
        signal,
      });
    } catch (error) {
      throw explainPlanError(error, handle.runId, 'runId', this.byToken());
    }
    return snapshotOf(normalizeStatus(raw), JSON.stringify(raw));
  }

  async collect(handle: RunHandle, last: SquishSnapshot, signal: AbortSignal): Promise<RunResult> {
    const doneExecutions = last.counts?.done ?? 0;
    const { plan, settled, waitedMs, completedAt } = await this.settle(
      handle.runId,
      doneExecutions,
      signal,
    );
    const info = this.infoOf(handle.runId, plan);
    const summary = summarizeCounts(plan.counts, doneExecutions);
    const result = this.baseResult(handle, info);
    result.state = 'completed';
    result.verdict = verdictOf(plan.counts, summary);
    result.reportedCounts = summary.totals;
    if (info.startedAt !== undefined && completedAt !== undefined) {
      result.durationSeconds = Math.max(0, (completedAt - info.startedAt) / 1000);
    }

    const notes: string[] = [];
    const waited = `${Math.round(waitedMs / 1000)}s`;
    if (plan.counts.count === 0 && doneExecutions === 0) {
      notes.push(
        `Test plan ${handle.runId} has no test executions${this.filterNote()}, and no results.`,
      );
    } else if (summary.missing > 0) {
      notes.push(
        `${summary.missing} of ${doneExecutions} finished test executions have no result in Test Center ` +
          `after waiting ${waited} (an execution that finished with an error uploads none).`,
      );
    } else if (!settled) {
      notes.push(
        `The result counts were still changing after waiting ${waited}; they may be incomplete.`,
      );
    }
    const others = await this.unfilteredStillRunning(handle.runId, signal);
    if (others > 0) {
      // The counts are the whole plan's: the executions outside the filter may still change them.
      notes.push(
        `Only the executions matching the capabilities filter are done; ${others} other execution(s) of ` +
          `test plan ${handle.runId} are still open or running, so these counts are not final.`,
      );
    }
    // Results missing or still changing: worth a warning, not only a line in the summary.
    for (const note of notes) this.logger.warn(note);
    if (plan.counts.count > 0) {
      const perTest = await this.fetchResults(info, plan.counts.count, signal);
      if ('suites' in perTest) {
        result.suites = perTest.suites;
      } else {
        const note = `Per-test results were not available: ${perTest.reason}. The totals come from the test plan's counts.`;
        this.logger.warn(note);
        notes.push(note);
      }
    }
    if (notes.length > 0) result.message = this.redactor.redact(notes.join(' '));
    return result;
  }

  /** With a capabilities filter: how many executions outside it are still open or reserved. */
  private async unfilteredStillRunning(runId: string, signal: AbortSignal): Promise<number> {
    if (this.own.capabilities.length === 0) return 0;
    try {
      const raw = await this.http.json({
        method: 'GET',
        path: `${EXECUTION_API}/status/${encodeURIComponent(runId)}`,
        idempotent: true,
        signal,
      });
      const counts = normalizeStatus(raw);
      return counts ? counts.open + counts.reserved : 0;
    } catch {
      return 0;
    }
  }

  partial(handle: RunHandle, last: SquishSnapshot | undefined): RunResult {
    const result = this.baseResult(handle, this.instances.get(handle.runId));
    result.state = 'timed_out';
    const counts = last?.counts;
    result.message =
      `${this.noStopApi(handle)}` +
      (counts
        ? ` At the last check: ${counts.open} open, ${counts.reserved} running, ${counts.done} done${this.filterNote()}.`
        : '');
    return result;
  }

  async cancel(handle: RunHandle, signal: AbortSignal): Promise<CancelReport> {
    // Nothing to ask the server: the Execution API has no stop, cancel or delete (§4). Only
    // the link is worth a request, when the caller does not have it (the CLI's cancel).
    if (!handle.runUrl && !this.instances.has(handle.runId)) {
      try {
        const plan = await this.fetchPlan(handle.runId, signal, 'runId');
        handle = { ...handle, runUrl: this.runUrl(plan.project) };
      } catch (error) {
        this.logger.debug(`Could not read test plan ${handle.runId}: ${(error as Error).message}`);
      }
    }
    return { stopped: false, message: this.noStopApi(handle) };
  }

  private noStopApi(handle: RunHandle): string {
    const url = handle.runUrl ?? this.runUrlOf(handle.runId);
    return (
      `Squish Test Center has no API to stop a plan execution: test plan ${handle.runId} goes on there` +
      `${url ? ` (${url})` : ''}.`
    );
  }

  private handleOf(runId: string, info: InstanceInfo): RunHandle {
    return { runId, runUrl: this.runUrl(info.project), title: info.title || undefined };
  }

  /**
   * The link printed for a plan execution. The Test Center pages we could read document no
   * web-UI address for a test plan or an instance (the simulator's /testplans/{id} page is its
   * own invention), so we link to what the vendor does document: the project's address on the
   * server (`<server>/project/<project>`, as squishrunner's testcenter report generator uses
   * it), where the batch named in the log holds the results. The server root when the project
   * is unknown.
   */
  private runUrl(project: string): string {
    const base = this.http.url('');
    return project ? `${base}/project/${encodeURIComponent(project)}` : `${base}/`;
  }

  private runUrlOf(runId: string): string | undefined {
    const info = this.instances.get(runId);
    return info ? this.runUrl(info.project) : undefined;
  }

  private infoOf(runId: string, plan: TestPlan): InstanceInfo {
    const known = this.instances.get(runId);
    const info: InstanceInfo = {
      project: known?.project || plan.project,
      batch: known?.batch || plan.batchName || this.own.batch,
      title: known?.title || plan.title,
      startedAt: known?.startedAt,
    };
    this.instances.set(runId, info);
    return info;
  }

  private filterNote(): string {
    const capabilities = this.own.capabilities;
    return capabilities.length > 0
      ? ` (executions requiring ${capabilities.map(([key, value]) => `${key}=${value}`).join(', ')})`
      : '';
  }

  /** The template to start: by id, or looked up by project and title; always a template. */
  private async findTemplate(signal: AbortSignal): Promise<TestPlan> {
    const { planId } = this.settings;
    const squish = this.own;
    if (planId) {
      const plan = await this.fetchPlan(planId, signal, 'planId');
      if (plan.type === 'instance') {
        throw new Error(
          `Test Center test plan ${planId} is an instance (a plan execution), not a template: ` +
            `set planId to a template id, or runId ${planId} to wait for that execution.`,
        );
      }
      if (plan.type !== 'template') {
        throw new Error(
          `Test Center test plan ${planId} is of type "${plan.type}", not a template: set planId to a template id.`,
        );
      }
      return plan;
    }
    const project = squish.project ?? '';
    const title = squish.planTitle ?? '';
    let raw: unknown;
    try {
      raw = await this.http.json({
        method: 'GET',
        path: `${EXECUTION_API}/testplans`,
        query: { project, title, type: 'template' },
        idempotent: true,
        signal,
      });
    } catch (error) {
      throw explainLookup(error, project, title, this.byToken());
    }
    // The lookup answers one object (§6); should a server answer a list, read it as such.
    if (Array.isArray(raw) && raw.length === 1) raw = raw[0];
    if (Array.isArray(raw) && raw.length === 0) {
      throw new Error(
        `Test Center has no template titled "${title}" in project "${project}": check planTitle and project.`,
      );
    }
    if (Array.isArray(raw)) {
      const ids = listOf(raw, 'testplans')
        .map((item) => String(item.id))
        .join(', ');
      throw new Error(
        `Several Test Center templates are titled "${title}" in project "${project}" (ids ${ids}): set planId to the one to run.`,
      );
    }
    const plan = normalizePlan(raw);
    if (plan.type !== 'template') {
      throw new Error(
        `Test Center's lookup of "${title}" in project "${project}" found test plan ${plan.id} of type "${plan.type}", not a template: set planId to the template id.`,
      );
    }
    if (plan.title !== title) {
      this.logger.info(`planTitle "${title}" matched template ${plan.id} "${plan.title}".`);
    }
    if (!plan.project) plan.project = project;
    return plan;
  }

  private async fetchPlan(
    id: string,
    signal: AbortSignal,
    input: 'planId' | 'runId',
  ): Promise<TestPlan> {
    try {
      const raw = await this.http.json({
        method: 'GET',
        path: `${EXECUTION_API}/testplans/${encodeURIComponent(id)}`,
        idempotent: true,
        signal,
      });
      return normalizePlan(raw);
    } catch (error) {
      throw explainPlanError(error, id, input, this.byToken());
    }
  }

  /** Reads the plan's counts until they settle (status.ts isSettled), for a bounded time. */
  private async settle(
    runId: string,
    doneExecutions: number,
    signal: AbortSignal,
  ): Promise<{ plan: TestPlan; settled: boolean; waitedMs: number; completedAt?: number }> {
    const started = this.clock.now();
    const interval =
      typeof this.settings.pollInterval === 'number'
        ? Math.min(SETTLE_INTERVAL_MS, this.settings.pollInterval)
        : SETTLE_INTERVAL_MS;
    let previous: TestPlan | undefined;
    let unchangedSince = started;
    let announced = false;
    // Server time of the first read, right after completion: the end of the run (later reads
    // only wait for results).
    let completedAt: number | undefined;
    for (;;) {
      const plan = await this.fetchPlan(runId, signal, 'runId');
      completedAt ??= plan.serverTime;
      const now = this.clock.now();
      if (!previous || !sameCounts(plan.counts, previous.counts)) unchangedSince = now;
      if (isSettled(plan.counts, previous ? now - unchangedSince : 0, doneExecutions)) {
        return { plan, settled: true, waitedMs: now - started, completedAt };
      }
      if (now - started + interval > SETTLE_MAX_MS) {
        return { plan, settled: false, waitedMs: now - started, completedAt };
      }
      if (!announced) {
        this.logger.info(
          plan.counts.count < doneExecutions
            ? `Waiting for Test Center to receive all results: ${plan.counts.count} so far for ${doneExecutions} finished executions.`
            : `Waiting for Test Center's result counts to settle (${plan.counts.count} results, not all passed, failed or skipped yet).`,
        );
        announced = true;
      }
      previous = plan;
      await this.clock.sleep(interval, signal);
    }
  }

  /** Per-test suites, or why there are none; never throws except on abort. */
  private async fetchResults(
    info: InstanceInfo,
    expected: number,
    signal: AbortSignal,
  ): Promise<{ suites: TestSuite[] } | { reason: string }> {
    if (!info.project || !info.batch) {
      return { reason: 'Test Center did not name the project and batch of this test plan' };
    }
    const query = { [RESULTS_API.project]: info.project, [RESULTS_API.batch]: info.batch };
    const token = this.own.automationToken;
    const headers = token ? { AutomationToken: token } : undefined;
    const get = (path: string, extra: Record<string, string> = {}) =>
      this.http.json<unknown>({
        method: 'GET',
        path,
        query: { ...query, ...extra },
        headers,
        idempotent: true,
        signal,
      });
    let items;
    try {
      items = normalizeItems(await get(RESULTS_API.tests));
    } catch (error) {
      if (isAbortError(error) || signal.aborted) throw error;
      return { reason: resultsProblem(error, !!this.own.automationToken) };
    }
    // Labels and messages refine the picture; without them the statuses still hold.
    const optional = async <T>(load: () => Promise<T>, fallback: T): Promise<T> => {
      try {
        return await load();
      } catch (error) {
        if (isAbortError(error) || signal.aborted) throw error;
        this.logger.debug(`Results API: ${(error as Error).message}`);
        return fallback;
      }
    };
    const reports = await optional<ResultReport[]>(
      async () => normalizeReports(await get(RESULTS_API.reports)),
      [],
    );
    const events = await optional(
      async () =>
        normalizeEvents(
          await get(RESULTS_API.events, { [RESULTS_API.eventType]: PROBLEM_EVENTS.join(',') }),
        ),
      [],
    );
    const suites = suitesFromResults(items, events, reports);
    const found = suites.reduce((sum, suite) => sum + suite.cases.length, 0);
    if (found !== expected) {
      // A batch is shared by whatever is uploaded into it: more tests than the plan counted
      // means other runs' results are in it too; fewer means the Results API is behind.
      return {
        reason:
          found > expected
            ? `batch "${info.batch}" holds ${found} test results, more than the ${expected} of this test plan (results of other runs share the batch; use a batch of its own)`
            : `the Results API lists ${found} of the ${expected} results of batch "${info.batch}"`,
      };
    }
    return { suites };
  }

  private byToken(): boolean {
    return !!this.settings.apiKey;
  }

  private baseResult(handle: RunHandle, info: InstanceInfo | undefined): RunResult {
    const title = info?.title || handle.title || `Test plan ${handle.runId}`;
    return {
      vendor: 'squish',
      vendorName: this.displayName,
      runId: handle.runId,
      runUrl: handle.runUrl,
      title,
      state: 'completed',
      suites: [],
      links: handle.runUrl
        ? [
            {
              label: `Test Center project${info?.project ? ` ${info.project}` : ''}`,
              url: handle.runUrl,
            },
          ]
        : [],
    };
  }
}
