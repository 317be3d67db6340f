// Squish Test Center as a TestRelay source: find the test plan template (template-lookup.ts),
// start an execution instance of it, wait until every execution is worked off, let the result
// counts settle (settle.ts), and collect per-test results from the Results API where the
// server offers them (collect-results.ts).

import { inputRef, inputWithValue } from '../../core/input-names.js';
import { type Clock, systemClock } from '../../core/clock.js';
import type { HttpClient } from '../../core/http.js';
import type { Logger } from '../../core/logger.js';
import type { Redactor } from '../../core/redact.js';
import type { RunResult } from '../../core/result.js';
import type { Settings } from '../../core/settings.js';
import type { SquishSettings } from './settings.js';
import type { CancelReport, RunHandle, Source, TriggerPreview } from '../../core/source.js';
import { fetchPerTestResults } from './collect-results.js';
import { EXECUTION_API, ExecutionApi } from './execution-api.js';
import { settleCounts } from './settle.js';
import { snapshotOf, type SquishSnapshot, summarizeCounts, verdictOf } from './status.js';
import {
  countNotes,
  filterNote,
  lastCheckNote,
  noPerTestResultsNote,
  noStopApi,
  othersRunningNote,
} from './messages.js';
import { findTemplate } from './template-lookup.js';
import { normalizeStatus, type TestPlan } from './wire.js';

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
  private readonly api: ExecutionApi;

  constructor(
    private readonly settings: Settings,
    private readonly own: SquishSettings,
    private readonly http: HttpClient,
    private readonly logger: Logger,
    private readonly redactor: Redactor,
    private readonly clock: Clock = systemClock,
  ) {
    this.api = new ExecutionApi(http, !!settings.apiKey);
  }

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
    const { planId } = this.settings;
    const { project, planTitle } = this.own;
    const template = await findTemplate(
      this.api,
      this.logger,
      { planId, project, planTitle },
      signal,
    );
    const body = this.triggerBody(Number(template.id));
    const plan = await this.api.executePlan(body, template.id, signal);
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
    const plan = await this.api.plan(runId, 'runId', signal);
    if (plan.type === 'template') {
      throw new Error(
        `Test Center test plan ${runId} is a template, not a plan execution: set ${inputWithValue('planId', runId)} to start it, ` +
          `or ${inputRef('runId')} to the id of an execution (instance) of it.`,
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
    const query = Object.fromEntries(this.own.capabilities);
    const raw = await this.api.status(handle.runId, query, signal);
    return snapshotOf(normalizeStatus(raw), JSON.stringify(raw));
  }

  async collect(handle: RunHandle, last: SquishSnapshot, signal: AbortSignal): Promise<RunResult> {
    const doneExecutions = last.counts?.done ?? 0;
    const settle = {
      clock: this.clock,
      logger: this.logger,
      pollInterval: this.settings.pollInterval,
    };
    const counted = await settleCounts(this.api, handle.runId, doneExecutions, settle, signal);
    const { plan } = counted;
    const info = this.infoOf(handle.runId, plan);
    const summary = summarizeCounts(plan.counts, doneExecutions);
    const result = this.baseResult(handle, info);
    result.state = 'completed';
    result.verdict = verdictOf(plan.counts, summary);
    result.reportedCounts = summary.totals;
    if (info.startedAt !== undefined && counted.completedAt !== undefined) {
      result.durationSeconds = Math.max(0, (counted.completedAt - info.startedAt) / 1000);
    }

    const notes = countNotes({
      ...counted,
      runId: handle.runId,
      results: plan.counts.count,
      doneExecutions,
      missing: summary.missing,
      filter: this.filterNote(),
    });
    const others = await this.unfilteredStillRunning(handle.runId, signal);
    if (others > 0) notes.push(othersRunningNote(others, handle.runId));
    // Results missing or still changing: worth a warning, not only a line in the summary.
    for (const note of notes) this.logger.warn(note);
    if (plan.counts.count > 0) {
      const access = {
        http: this.http,
        logger: this.logger,
        automationToken: this.own.automationToken,
      };
      const perTest = await fetchPerTestResults(access, info, plan.counts.count, signal);
      if ('suites' in perTest) {
        result.suites = perTest.suites;
      } else {
        const note = noPerTestResultsNote(perTest.reason);
        result.reportedCountsReason = perTest.short;
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
    const counts = await this.api.unfilteredStatus(runId, signal);
    return counts ? counts.open + counts.reserved : 0;
  }

  partial(handle: RunHandle, last: SquishSnapshot | undefined): RunResult {
    const result = this.baseResult(handle, this.instances.get(handle.runId));
    result.state = 'timed_out';
    result.message = this.noStopApi(handle) + lastCheckNote(last?.counts, this.filterNote());
    return result;
  }

  async cancel(handle: RunHandle, signal: AbortSignal): Promise<CancelReport> {
    // Nothing to ask the server: the Execution API has no stop, cancel or delete (§4). Only
    // the link is worth a request, when the caller does not have it (the CLI's cancel).
    if (!handle.runUrl && !this.instances.has(handle.runId)) {
      try {
        const plan = await this.api.plan(handle.runId, 'runId', signal);
        handle = { ...handle, runUrl: this.runUrl(plan.project) };
      } catch (error) {
        this.logger.debug(`Could not read test plan ${handle.runId}: ${(error as Error).message}`);
      }
    }
    return { stopped: false, message: this.noStopApi(handle) };
  }

  private noStopApi(handle: RunHandle): string {
    return noStopApi(handle.runId, handle.runUrl ?? this.runUrlOf(handle.runId));
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
    return filterNote(this.own.capabilities);
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
