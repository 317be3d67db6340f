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
// `/__testomatio/runs/{uid}` one RunView (run.ts `runView`): the create body,
// status (`created`|`running`|`finished`), result, duration, reported counts, parallel parts,
// every PUT, `received` (every TestData in arrival order with its outcome and `duplicateOf`),
// `tests` (the results the server holds, one per rid) and counts. It lives outside /__sim
// because the framework owns that prefix; it is cleared by POST /__sim/reset.

import {
  jsonResponse,
  type KnobSpec,
  type RouteMatch,
  type SimRequest,
  type SimResponse,
  textResponse,
  parseVariant,
  type VendorContext,
  type VendorDefinition,
  type VendorInstance,
} from '../../../simulator/kit.js';
import {
  RunStore,
  runView,
  STATUS_EVENTS,
  TEST_STATUSES,
  type Run,
  type TestomatioScenario,
} from './run.js';

const INVALID_TOKEN = 'Project API Token is invalid';
const ADDED = 'Test run added';

const KNOBS: readonly KnobSpec[] = [
  {
    name: 'rejectKey',
    type: 'boolean',
    default: false,
    placeholder: '',
    help: 'every token is invalid (401 "Project API Token is invalid"; 403 with forbidden)',
  },
  {
    name: 'forbidden',
    type: 'boolean',
    default: false,
    placeholder: '',
    help: 'an invalid token answers 403 instead of 401 (the behaviour vendor issues report)',
  },
  {
    name: 'validTokens',
    type: 'stringList',
    default: [],
    placeholder: 'T,…',
    help: 'the accepted project tokens (empty = any non-empty token except testomat_… general tokens)',
  },
  {
    name: 'paymentRequired',
    type: 'boolean',
    default: false,
    placeholder: '',
    help: 'the plan reporting limit is reached: createRun and addTests answer 402',
  },
  {
    name: 'limitAfterTests',
    type: 'integer',
    default: null,
    nullable: true,
    min: 0,
    placeholder: 'N',
    help: 'reporting limit: once N tests are kept, createRun and addTests answer 402 (null = none)',
  },
  {
    name: 'rejectCreate',
    type: 'boolean',
    default: false,
    placeholder: '',
    help: 'createRun answers 422 with an empty body',
  },
  {
    name: 'matching',
    type: 'string',
    default: 'title',
    placeholder: 'MODE',
    help: 'tests without a test_id: "title" matches them by title (see knownTitles), "id" never',
    check: (value) =>
      value === 'title' || value === 'id' ? undefined : 'expected "title" or "id"',
  },
  {
    name: 'createUnmatched',
    type: 'boolean',
    default: false,
    placeholder: '',
    help: 'the server creates tests that match nothing (as if create: true were sent)',
  },
  {
    name: 'knownTestIds',
    type: 'stringList',
    default: [],
    placeholder: '@T…,…',
    help: 'the project test ids (@T + 8 characters; empty = every well-formed id exists)',
  },
  {
    name: 'knownTitles',
    type: 'stringList',
    default: [],
    placeholder: 'TITLE,…',
    help: 'titles that match by title (empty = every titled test matches)',
  },
  {
    name: 'unmatchedAnswer',
    type: 'string',
    default: 'ok',
    placeholder: 'MODE',
    help: 'a request with unmatched tests: "ok" = 200 "Test run added" anyway, "error" = 422 "Test … could not be matched", "unnamed" = 422 without naming them',
    check: (value) =>
      value === 'ok' || value === 'error' || value === 'unnamed'
        ? undefined
        : 'expected "ok", "error" or "unnamed"',
  },
  {
    name: 'dropRate',
    type: 'number',
    default: 0,
    min: 0,
    max: 1,
    placeholder: 'P',
    help:
      'share of tests silently dropped while answering 200 "Test run added" (evenly spread); ' +
      'every received test, kept or not, is listed by GET <baseUrl>/__testomatio/runs',
  },
  {
    name: 'afterFinishStatus',
    type: 'integer',
    default: 404,
    min: 400,
    max: 499,
    placeholder: 'CODE',
    help: 'answer to tests sent to a finished run (404 or 422)',
    check: (value) => (value === 404 || value === 422 ? undefined : 'expected 404 or 422'),
  },
  {
    name: 'requireSharedRun',
    type: 'boolean',
    default: false,
    placeholder: '',
    help: 'updateRun without the ?shared_run= query parameter answers 400 (the spec marks it required)',
  },
  {
    name: 'projectSlug',
    type: 'string',
    default: 'testrelay-demo',
    placeholder: 'SLUG',
    help: 'the project in run URLs',
    check: (value) =>
      typeof value === 'string' && /^[\w-]+$/.test(value) ? undefined : 'expected [A-Za-z0-9_-]+',
  },
];

const VARIANTS: Readonly<Record<string, string>> = {
  'public-url': 'createRun answers with public_url as well',
  artifacts: 'createRun answers with artifacts (storage credentials for file upload)',
};

/** The `variant` flags, by the name the simulator reads each under (help: VARIANTS). */
const VARIANT_FLAGS = { publicUrl: 'public-url', artifacts: 'artifacts' } as const;

const API_ROUTES: ReadonlyArray<{ pattern: RegExp; methods: Readonly<Record<string, string>> }> = [
  { pattern: /^\/api\/reporter$/, methods: { POST: 'createRun' } },
  { pattern: /^\/api\/reporter\/([^/]+)\/testrun$/, methods: { POST: 'addTests' } },
  { pattern: /^\/api\/reporter\/([^/]+)$/, methods: { PUT: 'updateRun' } },
  { pattern: /^\/api\/test_grep$/, methods: { GET: 'testGrep' } },
];
const RUN_PAGE = /^\/(?:projects\/[^/]+\/runs|report)\/([^/]+)$/;
const KEPT = /^\/__testomatio\/runs(?:\/([^/]+))?\/?$/;

function message(status: number, text: string): SimResponse {
  return jsonResponse(status, { message: text });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Why a TestData is invalid, or undefined. */
function testDataProblem(data: unknown, index: number | null): string | undefined {
  const where = index === null ? 'test' : `tests[${index}]`;
  if (!isObject(data)) return `${where} must be an object`;
  if (!TEST_STATUSES.includes(data.status as never)) {
    return `${where}: status must be one of ${TEST_STATUSES.join(', ')}`;
  }
  for (const field of ['rid', 'title', 'suite_title', 'suite_id', 'test_id', 'message', 'stack']) {
    if (data[field] !== undefined && data[field] !== null && typeof data[field] !== 'string') {
      return `${where}: ${field} must be a string`;
    }
  }
  if (
    data.run_time !== undefined &&
    data.run_time !== null &&
    (typeof data.run_time !== 'number' || !(data.run_time >= 0))
  ) {
    return `${where}: run_time must be a non-negative number`;
  }
  if (data.artifacts !== undefined && !Array.isArray(data.artifacts)) {
    return `${where}: artifacts must be an array`;
  }
  if (data.meta !== undefined && data.meta !== null && !isObject(data.meta)) {
    return `${where}: meta must be an object`;
  }
  return undefined;
}

function createProblem(body: Record<string, unknown>): string | undefined {
  for (const field of ['title', 'env', 'group_title']) {
    if (body[field] !== undefined && body[field] !== null && typeof body[field] !== 'string') {
      return `${field} must be a string`;
    }
  }
  if (
    body.tags !== undefined &&
    (!Array.isArray(body.tags) || !body.tags.every((tag) => typeof tag === 'string'))
  ) {
    return 'tags must be an array of strings';
  }
  for (const field of ['parallel', 'shared_run']) {
    if (body[field] !== undefined && typeof body[field] !== 'boolean') {
      return `${field} must be true or false`;
    }
  }
  return undefined;
}

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
    if (match[1] === undefined) return jsonResponse(200, { runs: this.runs.list().map(runView) });
    const run = this.runs.get(match[1]);
    return run ? jsonResponse(200, runView(run)) : message(404, `Run ${match[1]} not found`);
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
    if (kept) {
      if (kept[1] === undefined) return jsonResponse(200, { runs: this.runs.list().map(runView) });
      const run = this.runs.get(kept[1]);
      return run ? jsonResponse(200, runView(run)) : message(404, `Run ${kept[1]} not found`);
    }
    const uid = RUN_PAGE.exec(request.path)?.[1] ?? '';
    const run = this.runs.get(uid);
    if (!run) return textResponse(404, '<!doctype html><title>Not found</title>', 'text/html');
    const escape = (value: string): string =>
      value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
    const view = runView(run);
    const counts = view.counts as Record<string, number>;
    const rows = [...run.results.values()]
      .map(
        (test) =>
          `<tr><td>${escape(test.matchedTestId ?? '')}</td><td>${escape(test.title ?? '')}</td>` +
          `<td>${test.status}</td><td>${test.runTime ?? ''}</td></tr>`,
      )
      .join('');
    const html =
      `<!doctype html><html><head><meta charset="utf-8"><title>${escape(run.title ?? run.uid)}` +
      ` – Testomat.io (simulated)</title></head><body><h1>${escape(run.title ?? run.uid)}</h1>` +
      `<p>Run ${run.uid}: ${run.status}${run.result ? ` (${run.result})` : ''}; ` +
      `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped</p>` +
      `<table><tr><th>Id</th><th>Title</th><th>Status</th><th>run_time</th></tr>${rows}</table>` +
      `</body></html>`;
    return textResponse(200, html, 'text/html; charset=utf-8');
  }
}

export const testomatioSimulator: VendorDefinition = {
  name: 'testomatio',
  basePath: '',
  title: 'Testomat.io',
  knobs: KNOBS,
  variants: VARIANTS,
  create: (context) => new TestomatioInstance(context),
};
