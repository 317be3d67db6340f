// The Spira (SpiraTest / SpiraTeam / SpiraPlan) simulator: a report SINK (vendor-apis/spira.md
// §2-§6). Routes (relative to `<vdir>/Services/{v7_0|v6_0|v5_0}/RestService.svc`, any virtual
// directory prefix; route names in brackets are those of the request log and `faultsAt`):
//
//   GET  /projects                                            [projects]
//   GET  /projects/{pid}                                      [project]
//   GET  /projects/{pid}/test-cases/{id}                      [testCase]
//   GET  /projects/{pid}/releases/{rid}                       [release]
//   GET  /projects/{pid}/test-sets/{id}                       [testSet]
//   POST /projects/{pid}/test-runs/record                     [record]          one automated run
//   POST /projects/{pid}/test-runs/record-multiple            [recordMultiple]  an array of them
//   POST /projects/{pid}/releases/{rid}/builds                [createBuild]
//   GET  /projects/{pid}/releases/{rid}/builds/{bid}          [build]
//   POST /projects/{pid}/test-runs/create?release_id={rid}    [createShells]    KB684 step 1
//   POST /projects/{pid}/test-runs/create/test_set/{tsid}     [createShellsForTestSet]
//   PUT  /projects/{pid}/test-runs?end_date={iso}             [saveRuns]        KB684 step 3
//   GET  /projects/{pid}/test-runs?starting_row=&number_of_rows=&sort_field=&sort_direction=
//                                                             [listRuns]
//   GET  /projects/{pid}/test-runs/{id}[/automated|/manual]   [run, automatedRun, manualRun]
//   POST /projects/{pid}/documents/file | /documents/url      [documentFile, documentUrl]
// Pages (no auth, not logged, not faulted):
//   GET  <vdir>/{pid}/TestRun/{id}.aspx                       the run page test run links use
//   GET  <vdir>/Services/v7_0/RestService.aspx                the operations list
//   GET  <baseUrl>/__spira/runs                               everything kept (JSON, see
//                                                             SpiraStore.keptData)
//
// Writes (POST/PUT) are tracked while in flight: a write holds the server until its answer
// leaves, i.e. for the scenario's `latencyMs`. More than `spiraWriteLimit` in flight answers
// the SQL Server deadlock 500 (with `spiraDeadlockProbability`); the peak is kept.

import {
  header,
  isResponse,
  jsonResponse,
  type KnobSpec,
  type KnobValue,
  type RouteMatch,
  type SimRequest,
  type SimResponse,
  textResponse,
  type VendorContext,
  type VendorDefinition,
  type VendorInstance,
} from '../../../simulator/kit.js';
import {
  ARTIFACT_TEST_RUN,
  Catalog,
  durationOf,
  onlyNotRunMix,
  rollUp,
  SpiraStore,
  STATUS,
  TEST_RUN_TYPE,
  TESTER_ID,
  type RunStep,
  type SpiraScenario,
  type StoredRun,
} from './state.js';

const BASE_PATH = '/Services/v7_0/RestService.svc';
const API_VERSIONS = ['v7_0', 'v6_0', 'v5_0'];
const KEPT_DATA = '/__spira/runs';
/** StoredRun fields that are simulator bookkeeping, not Spira fields (kept data only). */
const BOOKKEEPING: ReadonlyArray<keyof StoredRun> = [
  'via',
  'apiVersion',
  'receivedAt',
  'durationMs',
  'sentRunStatus',
  'duplicateOf',
  'updates',
];

export const SPIRA_MESSAGES = {
  accessDenied: 'Access Denied',
  endpointNotFound: 'Endpoint not found.',
  foreignKey: 'Database foreign key violation occurred',
  arrayToRecord:
    "Cannot deserialize the current JSON array (e.g. [1,2,3]) into type 'RemoteAutomatedTestRun' " +
    'because the type requires a JSON object (e.g. {"name":"value"}) to deserialize correctly.',
  objectToArray:
    'Cannot deserialize the current JSON object (e.g. {"name":"value"}) into type \'RemoteAutomatedTestRun[]\' ' +
    'because the type requires a JSON array (e.g. [1,2,3]) to deserialize correctly.',
  allNotRun:
    'Unable to save the test run: its test steps are all Not Run, or only Not Run mixed with Passed and N/A',
  stale:
    'The artifact has been modified by another user since you retrieved it (ConcurrencyDate mismatch); reload it and try again',
  deadlock:
    'Transaction (Process ID 67) was deadlocked on lock resources with another process and has been chosen as the deadlock victim. Rerun the transaction.',
  paging: 'The starting_row and number_of_rows parameters are required',
} as const;

function statusHelp(): string {
  return '1 Failed, 2 Passed, 3 Not Run, 4 N/A, 5 Blocked, 6 Caution';
}

function idListCheck(value: KnobValue): string | undefined {
  return Array.isArray(value) && value.some((id) => !/^\d{1,9}$/.test(id))
    ? 'expected bare integer ids (TC:123 → 123)'
    : undefined;
}

/** Spira's own scenario knobs (the common ones are the framework's). */
const KNOBS: readonly KnobSpec[] = [
  {
    name: 'spiraProjectIds',
    type: 'idList',
    default: ['1', '24'],
    placeholder: 'ID,…',
    help: 'existing products (projects); other ids answer 404',
    check: idListCheck,
  },
  {
    name: 'spiraTestCaseIds',
    type: 'idList',
    default: ['1', '2', '3', '4', '5', '283', '290', '304'],
    placeholder: 'ID,…',
    help: 'existing test cases, in every product; other ids answer 404',
    check: idListCheck,
  },
  {
    name: 'spiraStepsPerTestCase',
    type: 'integer',
    default: 2,
    min: 0,
    max: 50,
    placeholder: 'N',
    help: 'test steps of each test case (step ids are testCaseId*100+position)',
  },
  {
    name: 'spiraReleaseIds',
    type: 'idList',
    default: ['1', '155'],
    placeholder: 'ID,…',
    help: 'existing releases; other ids answer 404',
    check: idListCheck,
  },
  {
    name: 'spiraTestSetIds',
    type: 'idList',
    default: ['1', '2'],
    placeholder: 'ID,…',
    help: 'existing test sets (each holds every test case, in the first release)',
    check: idListCheck,
  },
  {
    name: 'spiraUsername',
    type: 'string',
    default: '',
    placeholder: 'USER',
    help: 'the accepted user name (empty = any non-empty name); the key is --api-key, braces included',
  },
  {
    name: 'spiraWriteLimit',
    type: 'integer',
    default: 5,
    min: 1,
    placeholder: 'N',
    help: 'concurrent writes (POST/PUT) the database bears; more answer 500 deadlock. In flight = until the answer leaves, so set --latency-ms. Peak, runs, builds and counts: GET <baseUrl>/__spira/runs (no auth)',
  },
  {
    name: 'spiraDeadlockProbability',
    type: 'number',
    default: 1,
    min: 0,
    max: 1,
    placeholder: 'P',
    help: 'chance that a write over the limit is the deadlock victim (seeded by --seed)',
  },
  {
    name: 'spiraRecordMultiple',
    type: 'boolean',
    default: true,
    placeholder: '',
    help: 'serve test-runs/record-multiple; off = an older server ("Endpoint not found." 404)',
  },
  {
    name: 'spiraLostWrite',
    type: 'integer',
    default: 0,
    min: 0,
    placeholder: 'N',
    help: 'the N-th successful write (POST/PUT) is stored, then answered 504 Gateway Timeout, as by a proxy that gave up waiting (0 = none); unlike a 5xx fault, resending it records twice',
  },
  {
    name: 'spiraEchoKey',
    type: 'boolean',
    default: false,
    placeholder: '',
    help: 'Access Denied answers quote the api-key received, as some gateways do (to test that clients redact it)',
  },
  {
    name: 'spiraApiVersions',
    type: 'stringList',
    default: API_VERSIONS,
    placeholder: 'V,…',
    help: 'API versions served (v7_0, v6_0, v5_0); others answer 404',
    check: (value) =>
      Array.isArray(value) && value.some((version) => !API_VERSIONS.includes(version))
        ? `expected versions from ${API_VERSIONS.join(', ')}`
        : undefined,
  },
];

interface RouteEntry {
  pattern: RegExp;
  methods: Readonly<Record<string, string>>;
}

const P = '/projects/(\\d+|[^/]+)';
const ROUTES: readonly RouteEntry[] = [
  { pattern: /^\/projects$/, methods: { GET: 'projects' } },
  { pattern: new RegExp(`^${P}$`), methods: { GET: 'project' } },
  { pattern: new RegExp(`^${P}/test-cases/([^/]+)$`), methods: { GET: 'testCase' } },
  { pattern: new RegExp(`^${P}/releases/([^/]+)$`), methods: { GET: 'release' } },
  { pattern: new RegExp(`^${P}/test-sets/([^/]+)$`), methods: { GET: 'testSet' } },
  { pattern: new RegExp(`^${P}/test-runs/record$`), methods: { POST: 'record' } },
  { pattern: new RegExp(`^${P}/test-runs/record-multiple$`), methods: { POST: 'recordMultiple' } },
  { pattern: new RegExp(`^${P}/releases/([^/]+)/builds$`), methods: { POST: 'createBuild' } },
  { pattern: new RegExp(`^${P}/releases/([^/]+)/builds/([^/]+)$`), methods: { GET: 'build' } },
  { pattern: new RegExp(`^${P}/test-runs/create$`), methods: { POST: 'createShells' } },
  {
    pattern: new RegExp(`^${P}/test-runs/create/test_set/([^/]+)$`),
    methods: { POST: 'createShellsForTestSet' },
  },
  { pattern: new RegExp(`^${P}/test-runs$`), methods: { GET: 'listRuns', PUT: 'saveRuns' } },
  { pattern: new RegExp(`^${P}/test-runs/([^/]+)$`), methods: { GET: 'run' } },
  { pattern: new RegExp(`^${P}/test-runs/([^/]+)/automated$`), methods: { GET: 'automatedRun' } },
  { pattern: new RegExp(`^${P}/test-runs/([^/]+)/manual$`), methods: { GET: 'manualRun' } },
  { pattern: new RegExp(`^${P}/documents/file$`), methods: { POST: 'documentFile' } },
  { pattern: new RegExp(`^${P}/documents/url$`), methods: { POST: 'documentUrl' } },
];

const API_PATH = /^((?:\/[^/]+)*?)\/Services\/(v\d+_\d+)\/RestService\.svc(\/.*)?$/;
const OPERATIONS_PAGE = /^(?:\/[^/]+)*?\/Services\/(v\d+_\d+)\/RestService\.aspx$/;
const RUN_PAGE = /^(?:\/[^/]+)*?\/(\d+)\/TestRun\/(\d+)\.aspx$/;
const WRITE_ROUTES = new Set([
  'record',
  'recordMultiple',
  'createBuild',
  'createShells',
  'createShellsForTestSet',
  'saveRuns',
  'documentFile',
  'documentUrl',
]);

interface Resolved {
  version: string;
  entry: RouteEntry | undefined;
  params: string[];
}

/** An error in the shape the simulator uses for Spira faults (the docs show none). */
function fault(status: number, message: string): SimResponse {
  return jsonResponse(status, { Message: message });
}

function notFound(what: string, id: number | string): SimResponse {
  return fault(404, `Unable to find ${what} with id ${String(id)}`);
}

/** WCF's answer to a path without an operation: an HTML page. */
function endpointNotFound(): SimResponse {
  return textResponse(
    404,
    `<html><body><p>${SPIRA_MESSAGES.endpointNotFound}</p></body></html>`,
    'text/html; charset=UTF-8',
  );
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (char) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char,
  );
}

/** A bare integer id from a path segment. */
function pathId(text: string, what: string): number | SimResponse {
  if (/^\d{1,9}$/.test(text)) return Number(text);
  return fault(400, `The ${what} id "${text}" is not an integer (ids are bare: TC:123 → 123)`);
}

/** An integer JSON field as Json.NET converts it; null/undefined pass as null. */
function intField(
  body: Record<string, unknown>,
  name: string,
  path = name,
): number | null | SimResponse {
  const value = body[name];
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\s*-?\d{1,9}\s*$/.test(value)) return Number(value);
  return fault(
    400,
    `Could not convert ${typeof value === 'string' ? `string to integer: ${value}` : `value ${JSON.stringify(value)} to integer`}. Path '${path}'.`,
  );
}

function stringField(body: Record<string, unknown>, name: string): string | null {
  const value = body[name];
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** ISO 8601 or legacy WCF `/Date(ms±hhmm)/`, normalized to ISO; null when absent. */
function dateField(value: unknown, path: string): string | null | SimResponse {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') {
    const wcf = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/.exec(value);
    if (wcf) return new Date(Number(wcf[1])).toISOString();
    if (/^\d{4}-\d{2}-\d{2}T/.test(value) && Number.isFinite(Date.parse(value))) {
      return new Date(Date.parse(value)).toISOString();
    }
  }
  return fault(400, `The value ${JSON.stringify(value)} is not a valid DateTime. Path '${path}'.`);
}

function validStatus(status: number | null): boolean {
  return status !== null && status >= STATUS.failed && status <= STATUS.caution;
}

class SpiraInstance implements VendorInstance {
  private readonly store = new SpiraStore();
  /** Writes that succeeded, for `spiraLostWrite`. */
  private writesDone = 0;

  constructor(private readonly context: VendorContext) {}

  private scenario(): SpiraScenario {
    return this.context.scenario() as SpiraScenario;
  }

  private catalog(): Catalog {
    return new Catalog(this.scenario());
  }

  private resolve(path: string): Resolved | undefined {
    const match = API_PATH.exec(path);
    if (!match) return undefined;
    const version = match[2];
    const subpath = match[3] ?? '';
    if (!this.scenario().spiraApiVersions.includes(version)) {
      return { version, entry: undefined, params: [] };
    }
    for (const entry of ROUTES) {
      const found = entry.pattern.exec(subpath);
      if (found) return { version, entry, params: found.slice(1) };
    }
    return { version, entry: undefined, params: [] };
  }

  classify(method: string, path: string): RouteMatch {
    if (method === 'GET') {
      if (path === `${BASE_PATH}${KEPT_DATA}` || path === KEPT_DATA) {
        return { route: 'keptData', page: true };
      }
      if (RUN_PAGE.test(path)) return { route: 'runPage', page: true };
      if (OPERATIONS_PAGE.test(path)) return { route: 'operationsPage', page: true };
    }
    const resolved = this.resolve(path);
    const route = resolved?.entry?.methods[method];
    if (route === 'recordMultiple' && !this.scenario().spiraRecordMultiple)
      return { route: 'unknown' };
    return { route: route ?? 'unknown' };
  }

  rejectUnauthorized(request: SimRequest, route: string): SimResponse | undefined {
    // WCF answers an unknown operation before any service code checks credentials.
    if (route === 'unknown') return undefined;
    const username = header(request.headers, 'username') || (request.query.get('username') ?? '');
    const key =
      header(request.headers, 'api-key') ||
      (request.query.get('api-key') ?? request.query.get('api_key') ?? '').trim();
    const wantedUser = this.scenario().spiraUsername;
    const userOk = username !== '' && (wantedUser === '' || username === wantedUser);
    // The key is the RSS token *with* its curly braces.
    const braced = /^\{[^{}]+\}$/.test(key);
    const expected = this.context.apiKey;
    const keyOk =
      braced &&
      (expected === undefined ||
        key === expected ||
        key === `{${expected.replace(/^\{|\}$/g, '')}}`);
    if (userOk && keyOk) return undefined;
    const echo = this.scenario().spiraEchoKey ? ` (api-key "${key}")` : '';
    return fault(401, `${SPIRA_MESSAGES.accessDenied}${echo}`);
  }

  handle(request: SimRequest, route: string): SimResponse {
    const answer = this.answer(request, route);
    // `spiraLostWrite`: the write is done and stays done; only its answer becomes a 5xx.
    if (WRITE_ROUTES.has(route) && answer.status < 300) {
      this.writesDone += 1;
      if (this.writesDone === this.scenario().spiraLostWrite) {
        return textResponse(
          504,
          '<html><body><h1>504 Gateway Time-out</h1></body></html>',
          'text/html; charset=UTF-8',
        );
      }
    }
    return answer;
  }

  private answer(request: SimRequest, route: string): SimResponse {
    if (route === 'keptData') {
      return jsonResponse(200, this.store.keptData(this.scenario().spiraWriteLimit));
    }
    if (route === 'runPage') return this.runPage(request.path);
    if (route === 'operationsPage') return this.operationsPage();
    const resolved = this.resolve(request.path);
    if (!resolved?.entry || route === 'unknown') {
      // An older server has no record-multiple operation at all; a known path with another
      // method is WCF's 405.
      const known = resolved?.entry?.methods[request.method];
      if (resolved?.entry && known === undefined) return fault(405, 'Method not allowed.');
      return endpointNotFound();
    }
    if (route === 'projects') return jsonResponse(200, this.projects());
    const projectId = pathId(resolved.params[0], 'project');
    if (isResponse(projectId)) return projectId;
    if (!this.catalog().hasProject(projectId)) return notFound('product PR', projectId);

    if (WRITE_ROUTES.has(route)) {
      const scenario = this.scenario();
      const inFlight = this.store.writes.enter(projectId, scenario.latencyMs);
      if (
        inFlight.total > scenario.spiraWriteLimit &&
        this.store.writes.deadlocked(scenario.spiraDeadlockProbability, scenario.seed)
      ) {
        this.store.writes.deadlocks += 1;
        return fault(500, SPIRA_MESSAGES.deadlock);
      }
    }
    const params = resolved.params.slice(1);
    const version = resolved.version;
    switch (route) {
      case 'project':
        return jsonResponse(200, this.project(projectId));
      case 'testCase':
        return this.withId(params[0], 'test case', (id) =>
          this.catalog().hasTestCase(id)
            ? jsonResponse(200, this.testCase(projectId, id))
            : notFound('test case TC', id),
        );
      case 'release':
        return this.withId(params[0], 'release', (id) =>
          this.catalog().hasRelease(id)
            ? jsonResponse(200, {
                ReleaseId: id,
                ProjectId: projectId,
                Name: `Release RL:${id}`,
                VersionNumber: `1.${id}`,
              })
            : notFound('release RL', id),
        );
      case 'testSet':
        return this.withId(params[0], 'test set', (id) =>
          this.catalog().hasTestSet(id)
            ? jsonResponse(200, {
                TestSetId: id,
                ProjectId: projectId,
                Name: `Test set TX:${id}`,
                ReleaseId: this.catalog().testSetRelease(),
              })
            : notFound('test set TX', id),
        );
      case 'record':
        return this.record(request, projectId, version);
      case 'recordMultiple':
        return this.recordMultiple(request, projectId, version);
      case 'createBuild':
        return this.createBuild(request, projectId, params[0], version);
      case 'build':
        return this.withId(params[1], 'build', (id) => {
          const build = this.store.build(projectId, id);
          return build ? jsonResponse(200, build) : notFound('build BL', id);
        });
      case 'createShells':
        return this.createShells(request, projectId);
      case 'createShellsForTestSet':
        return this.withId(params[0], 'test set', (id) =>
          this.catalog().hasTestSet(id)
            ? this.shells(
                projectId,
                this.catalog().testCaseIds(),
                this.catalog().testSetRelease(),
                id,
              )
            : notFound('test set TX', id),
        );
      case 'saveRuns':
        return this.saveRuns(request, projectId, version);
      case 'listRuns':
        return this.listRuns(request, projectId);
      case 'run':
      case 'automatedRun':
      case 'manualRun':
        return this.withId(params[0], 'test run', (id) => {
          const run = this.store.run(projectId, id);
          const wantedType =
            route === 'automatedRun'
              ? TEST_RUN_TYPE.automated
              : route === 'manualRun'
                ? TEST_RUN_TYPE.manual
                : undefined;
          if (!run || (wantedType !== undefined && run.TestRunTypeId !== wantedType)) {
            return notFound('test run TR', id);
          }
          return jsonResponse(200, this.runBody(run));
        });
      case 'documentFile':
      case 'documentUrl':
        return this.document(request, projectId, route === 'documentFile');
      default:
        return endpointNotFound();
    }
  }

  reset(): void {
    this.store.clear();
    this.writesDone = 0;
  }

  /**
   * Vendor control routes under `/__sim` (`GET /__sim/runs`: the kept data, same as
   * `GET <baseUrl>/__spira/runs`). Reached once the framework forwards unknown control
   * subpaths to the vendor; until then `<baseUrl>/__spira/runs` is the way in.
   */
  control(method: string, subpath: string): SimResponse | undefined {
    if (subpath !== '/runs') return undefined;
    if (method !== 'GET') return fault(405, 'GET only');
    return jsonResponse(200, this.store.keptData(this.scenario().spiraWriteLimit));
  }

  /** The run as the API returns it (simulator bookkeeping left out). */
  private runBody(run: StoredRun): Record<string, unknown> {
    const body: Record<string, unknown> = { ...run };
    for (const key of BOOKKEEPING) delete body[key];
    // Spira's ActualDuration is in whole minutes.
    body.ActualDuration = run.durationMs === null ? null : Math.round(run.durationMs / 60000);
    return body;
  }

  private withId(text: string, what: string, use: (id: number) => SimResponse): SimResponse {
    const id = pathId(text, what);
    return isResponse(id) ? id : use(id);
  }

  private projects(): unknown[] {
    return this.scenario().spiraProjectIds.map((id) => this.project(Number(id)));
  }

  private project(id: number): Record<string, unknown> {
    return { ProjectId: id, Name: `Product PR:${id}`, Active: true };
  }

  private testCase(projectId: number, id: number): Record<string, unknown> {
    return {
      TestCaseId: id,
      ProjectId: projectId,
      Name: this.catalog().testCaseName(id),
      ArtifactTypeId: 2,
      TestSteps: this.catalog()
        .steps(id)
        .map((step) => ({
          ...step,
          TestCaseId: id,
          Description: `Step ${step.Position}`,
          ExpectedResult: 'Works as expected.',
        })),
    };
  }

  /** The JSON body: an object (record) or an array (others), or Json.NET's 400. */
  private jsonBody(request: SimRequest): unknown {
    const body = request.body;
    if (body.kind === 'none') return fault(400, 'The request body is empty');
    if (body.kind === 'invalid') {
      return fault(400, `The server encountered an error processing the request: ${body.error}`);
    }
    return body.value;
  }

  /** Checks one RemoteAutomatedTestRun and turns it into a run to store. */
  private automatedRun(
    value: unknown,
    projectId: number,
    via: 'record' | 'record-multiple',
    version: string,
    path: string,
  ): Omit<StoredRun, 'TestRunId' | 'duplicateOf' | 'updates'> | SimResponse {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return fault(400, SPIRA_MESSAGES.arrayToRecord);
    }
    const body = value as Record<string, unknown>;
    for (const name of [
      'TestRunFormatId',
      'RunnerName',
      'RunnerTestName',
      'RunnerMessage',
      'RunnerStackTrace',
    ]) {
      if (body[name] === undefined || body[name] === null) {
        return fault(400, `Value cannot be null. Parameter name: ${name} (${path})`);
      }
    }
    const ints: Record<string, number | null> = {};
    for (const name of [
      'TestRunFormatId',
      'TestCaseId',
      'ExecutionStatusId',
      'ReleaseId',
      'TestSetId',
      'BuildId',
      'RunnerAssertCount',
      'AutomationHostId',
      'AutomationEngineId',
      'TesterId',
    ]) {
      const parsed = intField(body, name, `${path}${name}`);
      if (isResponse(parsed)) return parsed;
      ints[name] = parsed;
    }
    const catalog = this.catalog();
    if (ints.TestCaseId === null || !catalog.hasTestCase(ints.TestCaseId)) {
      return notFound('test case TC', ints.TestCaseId ?? 0);
    }
    if (ints.ReleaseId !== null && !catalog.hasRelease(ints.ReleaseId)) {
      return notFound('release RL', ints.ReleaseId);
    }
    if (ints.TestSetId !== null && !catalog.hasTestSet(ints.TestSetId)) {
      return notFound('test set TX', ints.TestSetId);
    }
    if (ints.BuildId !== null && !this.store.build(projectId, ints.BuildId)) {
      return notFound('build BL', ints.BuildId);
    }
    if (!validStatus(ints.ExecutionStatusId)) return fault(400, SPIRA_MESSAGES.foreignKey);
    const start = dateField(body.StartDate, `${path}StartDate`);
    if (isResponse(start)) return start;
    const end = dateField(body.EndDate, `${path}EndDate`);
    if (isResponse(end)) return end;
    const steps = this.steps(body.TestRunSteps, ints.TestCaseId, `${path}TestRunSteps`);
    if (isResponse(steps)) return steps;
    const now = this.context.now();
    return {
      Name: catalog.testCaseName(ints.TestCaseId),
      ProjectId: projectId,
      TestCaseId: ints.TestCaseId,
      TestRunTypeId: TEST_RUN_TYPE.automated,
      // Steps update step status but do not change the run's overall status (§3).
      ExecutionStatusId: ints.ExecutionStatusId!,
      ReleaseId: ints.ReleaseId,
      TestSetId: ints.TestSetId,
      BuildId: ints.BuildId,
      TesterId: ints.TesterId ?? TESTER_ID,
      StartDate: start ?? new Date(now).toISOString(),
      EndDate: end,
      TestRunFormatId: ints.TestRunFormatId,
      RunnerName: stringField(body, 'RunnerName'),
      RunnerTestName: stringField(body, 'RunnerTestName'),
      RunnerMessage: stringField(body, 'RunnerMessage'),
      RunnerStackTrace: stringField(body, 'RunnerStackTrace'),
      RunnerAssertCount: ints.RunnerAssertCount,
      AutomationHostId: ints.AutomationHostId,
      AutomationEngineId: ints.AutomationEngineId,
      // §5: record-multiple is suspected not to apply custom properties; the simulator drops them.
      CustomProperties: via === 'record' ? (body.CustomProperties ?? null) : null,
      TestRunSteps: steps,
      ConcurrencyDate: '',
      ArtifactTypeId: ARTIFACT_TEST_RUN,
      via,
      apiVersion: version,
      receivedAt: new Date(now).toISOString(),
      durationMs: durationOf(start, end),
      sentRunStatus: ints.ExecutionStatusId,
    };
  }

  /** Test run steps from a request (statuses 1-6, else the foreign key error). */
  private steps(value: unknown, testCaseId: number, path: string): RunStep[] | SimResponse {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value))
      return fault(400, `Cannot deserialize ${path}: expected a JSON array`);
    const steps: RunStep[] = [];
    for (const [index, item] of value.entries()) {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        return fault(400, `Cannot deserialize ${path}[${index}]: expected a JSON object`);
      }
      const step = item as Record<string, unknown>;
      const status = intField(step, 'ExecutionStatusId', `${path}[${index}].ExecutionStatusId`);
      if (isResponse(status)) return status;
      if (!validStatus(status)) return fault(400, SPIRA_MESSAGES.foreignKey);
      const stepId = intField(step, 'TestStepId', `${path}[${index}].TestStepId`);
      if (isResponse(stepId)) return stepId;
      const position = intField(step, 'Position', `${path}[${index}].Position`);
      if (isResponse(position)) return position;
      const start = dateField(step.StartDate, `${path}[${index}].StartDate`);
      if (isResponse(start)) return start;
      const end = dateField(step.EndDate, `${path}[${index}].EndDate`);
      if (isResponse(end)) return end;
      const duration = intField(step, 'ActualDuration', `${path}[${index}].ActualDuration`);
      if (isResponse(duration)) return duration;
      steps.push({
        TestRunStepId: 0,
        TestRunId: 0,
        TestStepId: stepId,
        TestCaseId: testCaseId,
        ExecutionStatusId: status!,
        Position: position ?? index + 1,
        Description: stringField(step, 'Description'),
        ExpectedResult: stringField(step, 'ExpectedResult'),
        SampleData: stringField(step, 'SampleData'),
        ActualResult: stringField(step, 'ActualResult'),
        ActualDuration: duration,
        StartDate: start,
        EndDate: end,
      });
    }
    return steps;
  }

  private store_(run: Omit<StoredRun, 'TestRunId' | 'duplicateOf' | 'updates'>): StoredRun {
    return this.store.addRun({
      ...run,
      ConcurrencyDate: this.store.clock.next(this.context.now()),
    });
  }

  private record(request: SimRequest, projectId: number, version: string): SimResponse {
    const body = this.jsonBody(request);
    if (isResponse(body)) return body;
    const run = this.automatedRun(body, projectId, 'record', version, '');
    if (isResponse(run)) return run;
    return jsonResponse(200, this.runBody(this.store_(run)));
  }

  private recordMultiple(request: SimRequest, projectId: number, version: string): SimResponse {
    const body = this.jsonBody(request);
    if (isResponse(body)) return body;
    if (!Array.isArray(body)) return fault(400, SPIRA_MESSAGES.objectToArray);
    const runs = [];
    // All or nothing: every item is checked before any is stored.
    for (const [index, item] of body.entries()) {
      const run = this.automatedRun(item, projectId, 'record-multiple', version, `[${index}].`);
      if (isResponse(run)) return run;
      runs.push(run);
    }
    return jsonResponse(
      200,
      runs.map((run) => this.runBody(this.store_(run))),
    );
  }

  private createBuild(
    request: SimRequest,
    projectId: number,
    releaseText: string,
    version: string,
  ): SimResponse {
    const pathRelease = pathId(releaseText, 'release');
    if (isResponse(pathRelease)) return pathRelease;
    if (!this.catalog().hasRelease(pathRelease)) return notFound('release RL', pathRelease);
    const value = this.jsonBody(request);
    if (isResponse(value)) return value;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return fault(400, "Cannot deserialize the JSON value into type 'RemoteBuild'");
    }
    const body = value as Record<string, unknown>;
    const ints: Record<string, number | null> = {};
    for (const name of ['ReleaseId', 'BuildStatusId', 'ProjectId']) {
      const parsed = intField(body, name);
      if (isResponse(parsed)) return parsed;
      ints[name] = parsed;
    }
    // §5: the body's ReleaseId is the one used; without it the release is "RL0".
    const releaseId = ints.ReleaseId ?? 0;
    if (!this.catalog().hasRelease(releaseId)) {
      return fault(404, `associated release/sprint RL${releaseId} does not exist`);
    }
    if (ints.BuildStatusId !== 1 && ints.BuildStatusId !== 2) {
      return fault(400, SPIRA_MESSAGES.foreignKey);
    }
    const name = stringField(body, 'Name');
    if (name === null || name.trim() === '') {
      return fault(400, 'Value cannot be null. Parameter name: Name');
    }
    const now = this.context.now();
    const build = this.store.addBuild({
      ProjectId: projectId,
      ReleaseId: releaseId,
      BuildStatusId: ints.BuildStatusId,
      Name: name,
      Description: stringField(body, 'Description'),
      CreationDate: new Date(now).toISOString(),
      ConcurrencyDate: this.store.clock.next(now),
      apiVersion: version,
    });
    return jsonResponse(200, build);
  }

  private createShells(request: SimRequest, projectId: number): SimResponse {
    const releaseText = request.query.get('release_id');
    let releaseId: number | null = null;
    if (releaseText !== null && releaseText !== '') {
      const parsed = pathId(releaseText, 'release');
      if (isResponse(parsed)) return parsed;
      if (!this.catalog().hasRelease(parsed)) return notFound('release RL', parsed);
      releaseId = parsed;
    }
    const body = this.jsonBody(request);
    if (isResponse(body)) return body;
    if (!Array.isArray(body)) {
      return fault(400, "Cannot deserialize the current JSON object into type 'Int32[]'");
    }
    const ids: number[] = [];
    for (const [index, item] of body.entries()) {
      const id = intField({ id: item as unknown }, 'id', `[${index}]`);
      if (isResponse(id)) return id;
      if (id === null || !this.catalog().hasTestCase(id)) return notFound('test case TC', id ?? 0);
      ids.push(id);
    }
    return this.shells(projectId, ids, releaseId, null);
  }

  /** KB684 step 1: shells with TestRunId 0 and every step at Not Run (3). */
  private shells(
    projectId: number,
    testCaseIds: number[],
    releaseId: number | null,
    testSetId: number | null,
  ): SimResponse {
    const now = this.context.now();
    const catalog = this.catalog();
    const shells = testCaseIds.map((testCaseId) => {
      const concurrencyDate = this.store.clock.next(now);
      this.store.issueShell(projectId, testCaseId, concurrencyDate);
      return {
        TestRunId: 0,
        Name: catalog.testCaseName(testCaseId),
        TestCaseId: testCaseId,
        TestRunTypeId: TEST_RUN_TYPE.manual,
        TesterId: TESTER_ID,
        ExecutionStatusId: STATUS.notRun,
        ReleaseId: releaseId,
        TestSetId: testSetId,
        TestSetTestCaseId: testSetId === null ? null : testSetId * 1000 + testCaseId,
        StartDate: new Date(now).toISOString(),
        EndDate: null,
        BuildId: null,
        EstimatedDuration: null,
        ActualDuration: null,
        TestConfigurationId: null,
        ProjectId: projectId,
        ArtifactTypeId: ARTIFACT_TEST_RUN,
        ConcurrencyDate: concurrencyDate,
        CustomProperties: null,
        IsAttachments: false,
        Tags: null,
        TestRunSteps: catalog.steps(testCaseId).map((step) => ({
          TestRunStepId: 0,
          TestRunId: 0,
          TestStepId: step.TestStepId,
          TestCaseId: testCaseId,
          ExecutionStatusId: STATUS.notRun,
          Position: step.Position,
          Description: `Step ${step.Position}`,
          ExpectedResult: 'Works as expected.',
          SampleData: null,
          ActualResult: null,
          ActualDuration: null,
          StartDate: null,
          EndDate: null,
        })),
      };
    });
    return jsonResponse(200, shells);
  }

  /** KB684 step 3: PUT populated shells (TestRunId 0) or existing runs; 200 with no body. */
  private saveRuns(request: SimRequest, projectId: number, version: string): SimResponse {
    const endDateText = request.query.get('end_date');
    const defaultEnd =
      endDateText === null || endDateText === '' ? null : dateField(endDateText, 'end_date');
    if (isResponse(defaultEnd)) return defaultEnd;
    const body = this.jsonBody(request);
    if (isResponse(body)) return body;
    if (!Array.isArray(body)) {
      return fault(
        400,
        "Cannot deserialize the current JSON object into type 'RemoteManualTestRun[]'",
      );
    }
    const catalog = this.catalog();
    const now = this.context.now();
    const creates: Array<Omit<StoredRun, 'TestRunId' | 'duplicateOf' | 'updates'>> = [];
    const updates: Array<{ run: StoredRun; steps: RunStep[]; end: string | null }> = [];
    // All or nothing: every item is checked before anything is stored.
    for (const [index, item] of body.entries()) {
      const path = `[${index}].`;
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        return fault(400, `Cannot deserialize ${path}: expected a JSON object`);
      }
      const run = item as Record<string, unknown>;
      const ints: Record<string, number | null> = {};
      for (const name of [
        'TestRunId',
        'TestCaseId',
        'ExecutionStatusId',
        'ReleaseId',
        'TestSetId',
        'BuildId',
        'TesterId',
      ]) {
        const parsed = intField(run, name, `${path}${name}`);
        if (isResponse(parsed)) return parsed;
        ints[name] = parsed;
      }
      if (ints.TestCaseId === null || !catalog.hasTestCase(ints.TestCaseId)) {
        return notFound('test case TC', ints.TestCaseId ?? 0);
      }
      if (ints.ReleaseId !== null && !catalog.hasRelease(ints.ReleaseId))
        return notFound('release RL', ints.ReleaseId);
      if (ints.TestSetId !== null && !catalog.hasTestSet(ints.TestSetId))
        return notFound('test set TX', ints.TestSetId);
      if (ints.BuildId !== null && !this.store.build(projectId, ints.BuildId))
        return notFound('build BL', ints.BuildId);
      if (ints.ExecutionStatusId !== null && !validStatus(ints.ExecutionStatusId)) {
        return fault(400, SPIRA_MESSAGES.foreignKey);
      }
      const steps = this.steps(run.TestRunSteps, ints.TestCaseId, `${path}TestRunSteps`);
      if (isResponse(steps)) return steps;
      const statuses = steps.map((step) => step.ExecutionStatusId);
      if (statuses.length === 0 && ints.ExecutionStatusId !== null)
        statuses.push(ints.ExecutionStatusId);
      if (statuses.length === 0 || onlyNotRunMix(statuses))
        return fault(400, SPIRA_MESSAGES.allNotRun);
      const start = dateField(run.StartDate, `${path}StartDate`);
      if (isResponse(start)) return start;
      const end = dateField(run.EndDate, `${path}EndDate`);
      if (isResponse(end)) return end;
      const endDate = end ?? defaultEnd;
      if (ints.TestRunId !== null && ints.TestRunId !== 0) {
        const existing = this.store.run(projectId, ints.TestRunId);
        if (!existing) return notFound('test run TR', ints.TestRunId);
        if (run.ConcurrencyDate !== existing.ConcurrencyDate)
          return fault(409, SPIRA_MESSAGES.stale);
        updates.push({ run: existing, steps, end: endDate });
        continue;
      }
      // A new run from a shell must send back the ConcurrencyDate the shell carried.
      if (!this.store.shellIssued(projectId, ints.TestCaseId, run.ConcurrencyDate)) {
        return fault(409, SPIRA_MESSAGES.stale);
      }
      creates.push({
        Name: stringField(run, 'Name') ?? catalog.testCaseName(ints.TestCaseId),
        ProjectId: projectId,
        TestCaseId: ints.TestCaseId,
        TestRunTypeId: TEST_RUN_TYPE.manual,
        ExecutionStatusId: rollUp(statuses),
        ReleaseId: ints.ReleaseId,
        TestSetId: ints.TestSetId,
        BuildId: ints.BuildId,
        TesterId: ints.TesterId ?? TESTER_ID,
        StartDate: start,
        EndDate: endDate,
        TestRunFormatId: null,
        RunnerName: null,
        RunnerTestName: null,
        RunnerMessage: null,
        RunnerStackTrace: null,
        RunnerAssertCount: null,
        AutomationHostId: null,
        AutomationEngineId: null,
        CustomProperties: run.CustomProperties ?? null,
        TestRunSteps: steps,
        ConcurrencyDate: '',
        ArtifactTypeId: ARTIFACT_TEST_RUN,
        via: 'manual',
        apiVersion: version,
        receivedAt: new Date(now).toISOString(),
        durationMs: durationOf(start, endDate),
        sentRunStatus: ints.ExecutionStatusId,
      });
    }
    for (const run of creates) this.store_(run);
    for (const update of updates) {
      const run = update.run;
      run.TestRunSteps = update.steps.map((step, index) => ({
        ...step,
        TestRunId: run.TestRunId,
        TestRunStepId: run.TestRunId * 1000 + index + 1,
      }));
      if (run.TestRunTypeId === TEST_RUN_TYPE.manual) {
        run.ExecutionStatusId = rollUp(update.steps.map((step) => step.ExecutionStatusId));
      }
      if (update.end !== null) run.EndDate = update.end;
      run.durationMs = durationOf(run.StartDate, run.EndDate);
      run.ConcurrencyDate = this.store.clock.next(now);
      run.updates += 1;
    }
    // §2: a successful PUT answers 200 with an empty body.
    return { status: 200, body: '' };
  }

  private listRuns(request: SimRequest, projectId: number): SimResponse {
    const startText = request.query.get('starting_row') ?? request.query.get('start_row');
    const rowsText = request.query.get('number_of_rows');
    if (startText === null || rowsText === null) return fault(406, SPIRA_MESSAGES.paging);
    const start = Number(startText);
    const rows = Number(rowsText);
    if (!Number.isInteger(start) || start < 1 || !Number.isInteger(rows) || rows < 1) {
      return fault(400, 'starting_row must be ≥ 1 and number_of_rows ≥ 1');
    }
    const field = request.query.get('sort_field') || 'TestRunId';
    const descending = /^desc/i.test(request.query.get('sort_direction') ?? '');
    const runs = this.store.runs
      .filter((run) => run.ProjectId === projectId)
      .map((run) => this.runBody(run));
    runs.sort((a, b) => {
      const x = a[field] as number | string | null;
      const y = b[field] as number | string | null;
      const order = x === y ? 0 : x === null ? -1 : y === null ? 1 : x < y ? -1 : 1;
      return descending ? -order : order;
    });
    return jsonResponse(200, runs.slice(start - 1, start - 1 + Math.min(rows, 500)));
  }

  private document(request: SimRequest, projectId: number, file: boolean): SimResponse {
    const value = this.jsonBody(request);
    if (isResponse(value)) return value;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return fault(400, "Cannot deserialize the JSON value into type 'RemoteDocument'");
    }
    const body = value as Record<string, unknown>;
    const name = stringField(body, 'FilenameOrUrl');
    if (name === null || name.trim() === '') {
      return fault(400, 'Value cannot be null. Parameter name: FilenameOrUrl');
    }
    let size = 0;
    if (file) {
      const data = body.BinaryData;
      if (typeof data !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(data)) {
        return fault(400, 'BinaryData must be base64-encoded file content');
      }
      size = Buffer.from(data, 'base64').length;
    }
    const attached: Array<{ ArtifactId: number; ArtifactTypeId: number }> = [];
    const links = Array.isArray(body.AttachedArtifacts) ? body.AttachedArtifacts : [];
    for (const [index, link] of links.entries()) {
      const item = (link ?? {}) as Record<string, unknown>;
      const id = intField(item, 'ArtifactId', `AttachedArtifacts[${index}].ArtifactId`);
      if (isResponse(id)) return id;
      const type = intField(item, 'ArtifactTypeId', `AttachedArtifacts[${index}].ArtifactTypeId`);
      if (isResponse(type)) return type;
      if (id === null || type === null) return fault(400, SPIRA_MESSAGES.foreignKey);
      if (type === ARTIFACT_TEST_RUN && !this.store.run(projectId, id))
        return notFound('test run TR', id);
      attached.push({ ArtifactId: id, ArtifactTypeId: type });
    }
    const document = this.store.addDocument({
      ProjectId: projectId,
      AttachmentTypeId: file ? 1 : 2,
      FilenameOrUrl: name,
      Size: size,
      AttachedArtifacts: attached,
      UploadDate: new Date(this.context.now()).toISOString(),
    });
    return jsonResponse(200, document);
  }

  private runPage(path: string): SimResponse {
    const [, projectText, idText] = RUN_PAGE.exec(path) ?? ['', '0', '0'];
    const run = this.store.run(Number(projectText), Number(idText));
    if (!run) {
      return textResponse(
        404,
        `<!DOCTYPE html><html><head><title>Spira</title></head><body><h1>Test run TR:${escapeHtml(idText)} not found</h1></body></html>`,
        'text/html; charset=utf-8',
      );
    }
    const status =
      Object.entries(STATUS).find(([, value]) => value === run.ExecutionStatusId)?.[0] ?? 'unknown';
    const rows = [
      ['Test case', `TC:${run.TestCaseId}`],
      ['Status', `${status} (${run.ExecutionStatusId})`],
      ['Type', run.TestRunTypeId === TEST_RUN_TYPE.manual ? 'Manual' : 'Automated'],
      ['Runner', run.RunnerName ?? ''],
      ['Test name', run.RunnerTestName ?? ''],
      ['Message', run.RunnerMessage ?? ''],
      ['Start', run.StartDate ?? ''],
      ['End', run.EndDate ?? '(none: the run cannot be displayed properly)'],
    ];
    return textResponse(
      200,
      `<!DOCTYPE html><html><head><title>TR:${run.TestRunId} - ${escapeHtml(run.Name)}</title></head><body>` +
        `<h1>Test run TR:${run.TestRunId}: ${escapeHtml(run.Name)}</h1><table>` +
        rows.map(([key, text]) => `<tr><th>${key}</th><td>${escapeHtml(text)}</td></tr>`).join('') +
        `</table>${run.RunnerStackTrace ? `<pre>${escapeHtml(run.RunnerStackTrace)}</pre>` : ''}</body></html>`,
      'text/html; charset=utf-8',
    );
  }

  private operationsPage(): SimResponse {
    const lines = ROUTES.flatMap((entry) =>
      Object.entries(entry.methods).map(
        ([method, name]) => `<li>${method} ${escapeHtml(entry.pattern.source)} (${name})</li>`,
      ),
    );
    return textResponse(
      200,
      `<!DOCTYPE html><html><body><h1>Spira REST operations (simulator)</h1><p>Execution statuses: ${statusHelp()}</p><ul>${lines.join('')}</ul></body></html>`,
      'text/html; charset=utf-8',
    );
  }
}

export const spiraSimulator: VendorDefinition = {
  name: 'spira',
  basePath: BASE_PATH,
  title: 'Spira',
  knobs: KNOBS,
  variants: {},
  create: (context) => new SpiraInstance(context),
};
