// The Testsigma simulator: routes, auth and request dispatch for both API flavours
// (vendor-apis/testsigma.md §2-§7), and the read routes (poll, results, JUnit, run page). The
// routes are in routes.ts, triggers in triggers.ts, stops in stops.ts, request reading and
// error bodies in wire.ts. The model: model.ts, plan.ts (a run's tests), run.ts (the state
// machine), store.ts; what is written back: format.ts (run objects), results.ts, junit.ts,
// page.ts. Knobs and variants are in knobs.ts.
//
// Both path families are always served, so a client can use either:
//   cloud        POST /api/v1/execution_results            trigger (body `executionId`)
//                GET  /api/v1/execution_results/{id}       poll
//                PUT  /api/v1/execution_results/{id}       stop, body {"result":"STOPPED"}
//                PUT  /api/v1/execution_results            stop (documented form, `canStopAll`)
//                GET  /api/v1/execution_results/{id}/test_case_results
//                GET  /api/v1/test_case_results?executionResultId={id}&page=&size=
//   self-hosted  POST /api/v1/test_plan_results            trigger (body `testPlanId`)
//                GET  /api/v1/test_plan_results/{id}       poll (snake_case)
//                PUT  /api/v1/test_plan_results/{id}       stop
//   both         GET  /api/v1/reports/junit/{id}           JUnit (plain text until complete)
//   page         GET  /ui/td/runs/{id}                     run page (where run URLs point)
// With the `self-hosted` variant the cloud paths answer 404, so a mis-set flavour shows.

import {
  header,
  isResponse,
  jsonResponse,
  parseVariant,
  textResponse,
  type RouteMatch,
  type SimRequest,
  type SimResponse,
  type VendorContext,
  type VendorDefinition,
  type VendorInstance,
} from '../../../simulator/kit.js';
import { apiErrorBody, runObject } from './format.js';
import { junitXml } from './junit.js';
import { TESTSIGMA_KNOBS, TESTSIGMA_VARIANTS } from './knobs.js';
import { VARIANT_FLAGS, type Flavour, type Run, type TestsigmaScenario } from './model.js';
import { runPageHtml } from './page.js';
import { testCaseResultPage, testCaseResultsObject } from './results.js';
import { BASE_PATH, resolveRoute, RUN_PAGE, type RouteEntry } from './routes.js';
import { completionTime, viewRun } from './run.js';
import { stopAll, stopOne } from './stops.js';
import { RunStore } from './store.js';
import { trigger } from './triggers.js';
import { bareString, bearerToken, error, pathId, withRun } from './wire.js';

const JUNIT_NOT_READY = 'Report generation failed, Test plan run is not completed';

class TestsigmaInstance implements VendorInstance {
  private readonly runs = new RunStore();

  constructor(private readonly context: VendorContext) {}

  private selfHostedOnly(): boolean {
    return parseVariant(this.context.scenario().variant, VARIANT_FLAGS).selfHosted;
  }

  /** The route entry for an API path (cloud entries vanish with the `self-hosted` variant). */
  private resolve(path: string): { entry: RouteEntry; id?: string } | undefined {
    return resolveRoute(path, this.selfHostedOnly());
  }

  classify(method: string, path: string): RouteMatch {
    if (method === 'GET' && RUN_PAGE.test(path)) return { route: 'ui', page: true };
    const resolved = this.resolve(path);
    return { route: resolved?.entry.methods[method] ?? 'unknown' };
  }

  /** Which flavour's rules (auth, JSON casing) apply to a request on `path`. */
  private flavourOf(path: string): Flavour {
    if (this.selfHostedOnly()) return 'self-hosted';
    const resolved = this.resolve(path);
    if (!resolved) {
      return path.startsWith(`${BASE_PATH}/test_plan_results`) ? 'self-hosted' : 'cloud';
    }
    if (resolved.entry.family !== 'shared') return resolved.entry.family;
    // Shared routes (JUnit) follow the flavour the run was triggered with.
    const id = Number(resolved.id);
    return this.runs.get(id)?.flavour ?? 'cloud';
  }

  rejectUnauthorized(request: SimRequest, route: string): SimResponse | undefined {
    if (
      route === 'ui' ||
      !(request.path === BASE_PATH || request.path.startsWith(`${BASE_PATH}/`))
    ) {
      return undefined;
    }
    const accepted = (key: string): boolean =>
      key !== '' && (this.context.apiKey === undefined || key === this.context.apiKey);
    if (this.flavourOf(request.path) === 'self-hosted') {
      // APIAuthenticationFilter: X-TS-API-KEY first, then "Bearer <key>".
      const key = header(request.headers, 'x-ts-api-key') || bearerToken(request.headers);
      if (key === '') return bareString(401, 'No API Key Found In Request Headers');
      if ((this.context.scenario() as TestsigmaScenario).apiDisabled) {
        return bareString(401, 'API disabled. Please change the settings to enable API');
      }
      return accepted(key) ? undefined : bareString(401, 'Incorrect API Key');
    }
    // The cloud's 401 body is undocumented; a small error object in the server's usual shape.
    const key = bearerToken(request.headers);
    if (key === '') {
      return error(401, 'Full authentication is required: send "Authorization: Bearer <API key>"');
    }
    return accepted(key) ? undefined : error(401, 'Invalid API key');
  }

  handle(request: SimRequest, route: string): SimResponse {
    const now = this.context.now();
    if (route === 'ui') return this.runPage(request.path, now);
    const resolved = this.resolve(request.path);
    if (!resolved || route === 'unknown') return this.noRoute(request, resolved?.entry);
    const flavour = this.flavourOf(request.path);
    switch (route) {
      case 'trigger':
        return trigger(this.runs, this.context, request, flavour, now);
      case 'poll':
        return withRun(this.runs, resolved.id!, now, (run) => {
          this.runs.countPoll(run, now);
          return jsonResponse(200, runObject(this.runs.snapshot(run, now), flavour, now));
        });
      case 'stop':
        return resolved.id === undefined
          ? stopAll(this.runs, this.context, request, now)
          : stopOne(this.runs, request, resolved.id, flavour, now);
      case 'testCaseResults':
        return withRun(this.runs, resolved.id!, now, (run) =>
          jsonResponse(200, testCaseResultsObject(run, viewRun(run, now))),
        );
      case 'testCaseResultList':
        return this.testCaseResultList(request, now);
      case 'junit':
        return withRun(this.runs, resolved.id!, now, (run) => this.junit(run, now));
      default:
        return this.noRoute(request, resolved.entry);
    }
  }

  reset(): void {
    this.runs.clear();
  }

  private noRoute(request: SimRequest, entry: RouteEntry | undefined): SimResponse {
    if (entry) {
      const allowed = Object.keys(entry.methods);
      return jsonResponse(
        405,
        apiErrorBody(
          `${request.method} method is not supported for this request. Supported methods are ${allowed.join(' ')} `,
        ),
        { allow: allowed.join(', ') },
      );
    }
    return error(404, `No handler found for ${request.method} ${request.path}`);
  }

  private junit(run: Run, now: number): SimResponse {
    const completedAt = completionTime(run, now);
    if (completedAt === null || now < completedAt + run.scenario.junitLagSeconds * 1000) {
      // §3.3: HTTP 200 with plain text, not an error status.
      return textResponse(200, JUNIT_NOT_READY, 'text/plain');
    }
    return textResponse(
      200,
      junitXml(run, viewRun(run, now), this.context.origin),
      'application/xml',
    );
  }

  private testCaseResultList(request: SimRequest, now: number): SimResponse {
    const idText = request.query.get('executionResultId');
    if (idText === null) {
      return error(400, "Required request parameter 'executionResultId' is not present");
    }
    const id = pathId(idText);
    if (isResponse(id)) return id;
    const page = Number(request.query.get('page') ?? '0');
    const size = Number(request.query.get('size') ?? '20');
    if (!Number.isInteger(page) || page < 0 || !Number.isInteger(size) || size < 1 || size > 2000) {
      return error(400, 'page must be an integer ≥ 0 and size an integer from 1 to 2000');
    }
    const run = this.runs.lookup(id, now);
    const body = testCaseResultPage(run, run ? viewRun(run, now) : undefined, page, size);
    return { status: 200, headers: { 'content-type': 'application/json' }, body };
  }

  private runPage(path: string, now: number): SimResponse {
    const idText = RUN_PAGE.exec(path)?.[1] ?? '';
    const run = /^\d{1,15}$/.test(idText) ? this.runs.lookup(Number(idText), now) : undefined;
    return textResponse(
      run ? 200 : 404,
      runPageHtml(run, run ? viewRun(run, now) : undefined, idText),
      'text/html; charset=utf-8',
    );
  }
}

export const testsigmaSimulator: VendorDefinition = {
  name: 'testsigma',
  basePath: BASE_PATH,
  title: 'Testsigma',
  knobs: TESTSIGMA_KNOBS,
  variants: TESTSIGMA_VARIANTS,
  create: (context) => new TestsigmaInstance(context),
};
