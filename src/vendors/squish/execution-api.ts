// The Execution API calls TestRelay makes (vendor-apis/squish-test-center.md §3, §4, §6), each
// failure explained in plain words (errors.ts) and each call's retry rule stated where it is
// made. Answers are read leniently (wire.ts).

import type { HttpClient } from '../../core/http.js';
import { explain, explainLookup, explainPlanError } from './errors.js';
import { normalizePlan, normalizeStatus, type StatusCounts, type TestPlan } from './wire.js';

export const EXECUTION_API = '/execution/v1';

export class ExecutionApi {
  constructor(
    private readonly http: HttpClient,
    /** True when signed in with an access token (apiKey), false with user name and password. */
    private readonly byToken: boolean,
  ) {}

  /**
   * Starts an execution (instance) of a template. Never retried once it may have reached the
   * server: a second request would start a second plan. Answers 201 (200 accepted too: any 2xx
   * is a success to the HTTP client).
   */
  async executePlan(
    body: Record<string, unknown>,
    templateId: string,
    signal: AbortSignal,
  ): Promise<TestPlan> {
    let raw: unknown;
    try {
      raw = await this.http.json({
        method: 'POST',
        path: `${EXECUTION_API}/executeplan`,
        body,
        idempotent: false,
        signal,
      });
    } catch (error) {
      throw explain(error, `starting template ${templateId}`, this.byToken);
    }
    return normalizePlan(raw);
  }

  /** One test plan, template or instance; `input` names the input its id came from. */
  async plan(id: string, input: 'planId' | 'runId', signal: AbortSignal): Promise<TestPlan> {
    try {
      const raw = await this.http.json({
        method: 'GET',
        path: `${EXECUTION_API}/testplans/${encodeURIComponent(id)}`,
        idempotent: true,
        signal,
      });
      return normalizePlan(raw);
    } catch (error) {
      throw explainPlanError(error, id, input, this.byToken);
    }
  }

  /**
   * `GET status/{id}`. Capability filters (`query`) narrow the counts to the executions that
   * require them, so completion then only covers those executions (§4: without filters, all of
   * them). The raw answer is returned: the poll keeps it whole to see whether anything moved.
   */
  async status(
    runId: string,
    query: Record<string, string> | undefined,
    signal: AbortSignal,
  ): Promise<unknown> {
    try {
      return await this.http.json<unknown>({
        method: 'GET',
        path: `${EXECUTION_API}/status/${encodeURIComponent(runId)}`,
        query,
        idempotent: true,
        signal,
      });
    } catch (error) {
      throw explainPlanError(error, runId, 'runId', this.byToken);
    }
  }

  /** The counts of all the plan's executions, whatever they require; undefined when unreadable. */
  async unfilteredStatus(runId: string, signal: AbortSignal): Promise<StatusCounts | undefined> {
    try {
      return normalizeStatus(await this.status(runId, undefined, signal));
    } catch {
      return undefined;
    }
  }

  /** The raw answer of the template lookup by project and title (template-lookup.ts reads it). */
  async lookUpTemplate(project: string, title: string, signal: AbortSignal): Promise<unknown> {
    try {
      return await this.http.json<unknown>({
        method: 'GET',
        path: `${EXECUTION_API}/testplans`,
        query: { project, title, type: 'template' },
        idempotent: true,
        signal,
      });
    } catch (error) {
      throw explainLookup(error, project, title, this.byToken);
    }
  }
}
