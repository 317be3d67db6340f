// The Testomat.io simulator (vendor-apis/testomatio.md §3-§6): a report sink. The base URL is
// the server origin (like TESTOMATIO_URL, `https://app.testomat.io`).
//
//   createRun   POST /api/reporter                    create a run (or join an open shared run)
//   addTests    POST /api/reporter/{uid}/testrun      one TestData, or {"tests":[…],"batch_index":n}
//   updateRun   PUT  /api/reporter/{uid}              attach (no status_event), update, finish
//   testGrep    GET  /api/test_grep?type=&id=         {"tests":[…]} (the known test ids)
//   page        GET  /projects/{project}/runs/{uid}   run page (run `url`; HTML, no auth, not logged)
//               GET  /report/{uid}                    public report page (`public_url`)
//   kept data   GET  /__testomatio/runs[/{uid}]       every run with every received test (below)
//
// The token (`tstmt_…`) is read from the JSON body's `api_key`, else from `?api_key=`.
// Kept data: `GET /__testomatio/runs` answers {"runs":[RunView, …]} in creation order, and
// `/__testomatio/runs/{uid}` one RunView (model.ts `runView`): the create body,
// status (`created`|`running`|`finished`), result, duration, reported counts, parallel parts,
// every PUT, `received` (every TestData in arrival order with its outcome and `duplicateOf`),
// `tests` (the results the server holds, one per rid) and counts. It lives outside /__sim
// because the framework owns that prefix; it is cleared by POST /__sim/reset.

import {
  jsonResponse,
  parseVariant,
  type RouteMatch,
  type SimRequest,
  type SimResponse,
  type VendorContext,
  type VendorDefinition,
  type VendorInstance,
} from '../../../simulator/kit.js';
import { TESTOMATIO_KNOBS, TESTOMATIO_VARIANTS, VARIANT_FLAGS } from './knobs.js';
import { keptData, runPage } from './pages.js';
import { STATUS_EVENTS, type Run, type TestomatioScenario } from './model.js';
import { RunStore } from './run.js';
import {
  ADDED,
  API_ROUTES,
  createProblem,
  INVALID_TOKEN,
  isObject,
  KEPT,
  message,
  RUN_PAGE,
  testDataProblem,
} from './wire.js';

class TestomatioInstance implements VendorInstance {
  private readonly runs = new RunStore();

  constructor(private readonly context: VendorContext) {}

  private scenario(): TestomatioScenario {
    return this.context.scenario() as TestomatioScenario;
  }

  /** The run uid in an API path, and whether the path is an API route at all. */
  private resolve(path: string): { uid?: string; known: boolean } {
    for (const entry of API_ROUTES) {
      const match = entry.pattern.exec(path);
      if (match) return { uid: match[1], known: true };
    }
    return { known: false };
  }

  classify(method: string, path: string): RouteMatch {
    if (RUN_PAGE.test(path) || KEPT.test(path)) return { route: 'page', page: true };
    for (const entry of API_ROUTES) {
      if (entry.pattern.test(path)) return { route: entry.methods[method] ?? 'unknown' };
    }
    return { route: 'unknown' };
  }

  rejectUnauthorized(request: SimRequest, route: string): SimResponse | undefined {
    if (route === 'page' || route === 'unknown') return undefined;
    // A body that does not parse is answered 400 by handle(), before any token check.
    if (request.body.kind === 'invalid') return undefined;
    const fromBody =
      request.body.kind === 'json' && isObject(request.body.value)
        ? request.body.value.api_key
        : undefined;
    const key = (
      typeof fromBody === 'string' ? fromBody : (request.query.get('api_key') ?? '')
    ).trim();
    const scenario = this.scenario();
    const accepted =
      key !== '' &&
      !scenario.rejectKey &&
      !key.startsWith('testomat_') &&
      (this.context.apiKey === undefined || key === this.context.apiKey) &&
      (scenario.validTokens.length === 0 || scenario.validTokens.includes(key));
    return accepted ? undefined : message(scenario.forbidden ? 403 : 401, INVALID_TOKEN);
  }

  handle(request: SimRequest, route: string): SimResponse {
    if (route === 'page') return this.page(request);
    if (route === 'unknown') {
      return this.resolve(request.path).known
        ? message(405, `${request.method} is not supported on ${request.path}`)
        : message(404, 'Not Found');
    }
    if (request.body.kind === 'invalid') return message(400, 'Malformed JSON body');
    if (route === 'testGrep') return this.testGrep(request);
    const body = request.body.kind === 'json' ? request.body.value : {};
    if (!isObject(body)) return message(422, 'The body must be a JSON object');
    const uid = this.resolve(request.path).uid ?? '';
    if (route === 'createRun') return this.createRun(body);
    const run = this.runs.get(uid);
    if (!run) return message(404, `Run ${uid} not found`);
    return route === 'addTests' ? this.addTests(run, body) : this.updateRun(run, request, body);
  }

  reset(): void {
    this.runs.clear();
  }

  /** `GET /__sim/runs[/{uid}]`: the same kept data as `/__testomatio/runs`, by the shared contract. */
  control(method: string, subpath: string): SimResponse | undefined {
    const match = /^\/runs(?:\/([^/]+))?\/?$/.exec(subpath);
    if (method !== 'GET' || !match) return undefined;
    return keptData(this.runs, match[1]);
  }

  private limitReached(): boolean {
    const scenario = this.scenario();
    return (
      scenario.paymentRequired ||
      (scenario.limitAfterTests !== null && this.runs.keptCount() >= scenario.limitAfterTests)
    );
  }

  private createRun(body: Record<string, unknown>): SimResponse {
    const scenario = this.scenario();
    if (this.limitReached()) return message(402, 'Reporting limit reached for your plan');
    if (scenario.rejectCreate) return { status: 422, body: '' };
    const problem = createProblem(body);
    if (problem) return message(422, problem);
    const title = typeof body.title === 'string' ? body.title : null;
    let run = body.shared_run === true ? this.runs.openSharedRun(title) : undefined;
    if (run) run.joins += 1;
    run ??= this.runs.create(body, this.context.origin, scenario.projectSlug, this.context.now());
    const variant = parseVariant(scenario.variant, VARIANT_FLAGS);
    const answer: Record<string, unknown> = { uid: run.uid, url: run.url };
    if (variant.publicUrl || body.access_event === 'publish') {
      answer.public_url = run.publicUrl;
    }
    if (variant.artifacts) {
      answer.artifacts = {
        ACCESS_KEY_ID: 'SIMULATED',
        SECRET_ACCESS_KEY: 'SIMULATED',
        BUCKET: 'testomatio-sim',
        REGION: 'us-east-1',
        ENDPOINT: `${this.context.origin}/storage`,
        presign: true,
      };
    }
    return jsonResponse(200, answer);
  }

  /** Validates and stores tests; the answer says 200 even when some were not added. */
  private storeTests(
    run: Run,
    tests: unknown[],
    via: 'testrun' | 'batch' | 'update',
    batchIndex: number | null,
    create: boolean,
  ): SimResponse | undefined {
    const scenario = this.scenario();
    if (run.status === 'finished') {
      return message(scenario.afterFinishStatus, `Run ${run.uid} is already finished`);
    }
    for (const [index, data] of tests.entries()) {
      const problem = testDataProblem(data, via === 'testrun' ? null : index);
      if (problem) return message(422, problem);
    }
    if (tests.length > 0 && this.limitReached()) {
      return message(402, 'Reporting limit reached for your plan');
    }
    const unmatched: string[] = [];
    for (const data of tests) {
      const entry = this.runs.addTest(
        run,
        data as Record<string, unknown>,
        via,
        batchIndex,
        create,
        scenario,
      );
      if (entry.outcome === 'unmatched') {
        unmatched.push(entry.testId ?? entry.title ?? `#${entry.seq}`);
      }
    }
    if (unmatched.length > 0 && scenario.unmatchedAnswer === 'error') {
      return message(422, `Test ${unmatched.join(', ')} could not be matched`);
    }
    if (unmatched.length > 0 && scenario.unmatchedAnswer === 'unnamed') {
      return message(422, 'Some tests could not be matched');
    }
    return undefined;
  }

  private addTests(run: Run, body: Record<string, unknown>): SimResponse {
    const batch = body.tests !== undefined;
    if (batch && !Array.isArray(body.tests)) return message(422, 'tests must be an array');
    const data = { ...body };
    delete data.api_key;
    const tests = batch ? (body.tests as unknown[]) : [data];
    const batchIndex = typeof body.batch_index === 'number' ? body.batch_index : null;
    const failure = this.storeTests(run, tests, batch ? 'batch' : 'testrun', batchIndex, false);
    return failure ?? message(200, ADDED);
  }

  private updateRun(run: Run, request: SimRequest, body: Record<string, unknown>): SimResponse {
    const scenario = this.scenario();
    const sharedRun = request.query.get('shared_run');
    if (scenario.requireSharedRun && sharedRun === null) {
      return message(400, 'param is missing or the value is empty: shared_run');
    }
    const event = body.status_event;
    if (event !== undefined && event !== null && !STATUS_EVENTS.includes(event as never)) {
      return message(422, `status_event must be one of ${STATUS_EVENTS.join(', ')}`);
    }
    if (
      body.duration !== undefined &&
      body.duration !== null &&
      typeof body.duration !== 'number'
    ) {
      return message(422, 'duration must be a number (seconds)');
    }
    if (body.tests !== undefined && !Array.isArray(body.tests)) {
      return message(422, 'tests must be an array');
    }
    const tests: unknown[] = Array.isArray(body.tests) ? body.tests : [];
    for (const [index, data] of tests.entries()) {
      const problem = testDataProblem(data, index);
      if (problem) return message(422, problem);
    }
    const recorded = { ...body };
    delete recorded.api_key;
    run.updates.push({
      at: new Date(this.context.now()).toISOString(),
      statusEvent: typeof event === 'string' ? event : null,
      sharedRun,
      body: recorded,
    });
    if (tests.length > 0) {
      const failure = this.storeTests(run, tests, 'update', null, body.create_tests === true);
      if (failure) return failure;
    }
    this.runs.applyEvent(run, typeof event === 'string' ? event : null, body, this.context.now());
    return jsonResponse(200, { uid: run.uid, url: run.url, status: run.status });
  }

  private testGrep(request: SimRequest): SimResponse {
    const type = request.query.get('type') ?? '';
    const id = request.query.get('id') ?? '';
    if (!['tag-name', 'plan', 'label', 'jira-ticket'].includes(type) || id.trim() === '') {
      return message(422, 'type (tag-name, plan, label, jira-ticket) and id are required');
    }
    return jsonResponse(200, { tests: this.scenario().knownTestIds });
  }

  private page(request: SimRequest): SimResponse {
    if (request.method !== 'GET') return message(405, `${request.method} is not supported here`);
    const kept = KEPT.exec(request.path);
    if (kept) return keptData(this.runs, kept[1]);
    return runPage(this.runs, RUN_PAGE.exec(request.path)?.[1] ?? '');
  }
}

export const testomatioSimulator: VendorDefinition = {
  name: 'testomatio',
  basePath: '',
  title: 'Testomat.io',
  knobs: TESTOMATIO_KNOBS,
  variants: TESTOMATIO_VARIANTS,
  create: (context) => new TestomatioInstance(context),
};
