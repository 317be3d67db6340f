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
// Files: routes.ts (paths, what a handler gets), wire.ts (fields, bodies, errors), knobs.ts,
// model.ts (statuses, stored shapes), catalog.ts (seeded products, test cases, releases, test
// sets), state.ts (what was written, write tracking), and one file per resource: projects.ts
// (seeded reads), test-runs.ts (record, record-multiple, reads), builds.ts, manual.ts (the
// KB684 shell flow), documents.ts, pages.ts.
//
// Writes (POST/PUT) are tracked while in flight: a write holds the server until its answer
// leaves, i.e. for the scenario's `latencyMs`. More than `spiraWriteLimit` in flight answers

import {
  header,
  isResponse,
  jsonResponse,
  textResponse,
  type RouteMatch,
  type SimRequest,
  type SimResponse,
  type VendorContext,
  type VendorDefinition,
  type VendorInstance,
} from '../../../simulator/kit.js';
import { BUILD_HANDLERS } from './builds.js';
import { Catalog } from './catalog.js';
import { DOCUMENT_HANDLERS } from './documents.js';
import { SPIRA_KNOBS } from './knobs.js';
import { MANUAL_HANDLERS } from './manual.js';
import type { SpiraScenario } from './model.js';
import { operationsPage, runPage } from './pages.js';
import { PROJECT_HANDLERS, projectsAnswer } from './projects.js';
import {
  BASE_PATH,
  KEPT_DATA,
  OPERATIONS_PAGE,
  resolveApiPath,
  RUN_PAGE,
  WRITE_ROUTES,
  type Handler,
  type Resolved,
} from './routes.js';
import { SpiraStore } from './state.js';
import { TEST_RUN_HANDLERS } from './test-runs.js';
import { endpointNotFound, fault, notFound, pathId, SPIRA_MESSAGES } from './wire.js';

/** Every API route on a product, by route name (`projects` is answered before them). */
const HANDLERS: Readonly<Record<string, Handler>> = {
  ...PROJECT_HANDLERS,
  ...TEST_RUN_HANDLERS,
  ...BUILD_HANDLERS,
  ...MANUAL_HANDLERS,
  ...DOCUMENT_HANDLERS,
};

class SpiraInstance implements VendorInstance {
  private readonly store = new SpiraStore();
  /** Writes that succeeded, for `spiraLostWrite`. */
  private writesDone = 0;

  constructor(private readonly context: VendorContext) {}

  private scenario(): SpiraScenario {
    return this.context.scenario() as SpiraScenario;
  }

  private resolve(path: string): Resolved | undefined {
    return resolveApiPath(path, this.scenario().spiraApiVersions);
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
    if (route === 'runPage') return runPage(this.store, request.path);
    if (route === 'operationsPage') return operationsPage();
    const resolved = this.resolve(request.path);
    if (!resolved?.entry || route === 'unknown') {
      // An older server has no record-multiple operation at all; a known path with another
      // method is WCF's 405.
      const known = resolved?.entry?.methods[request.method];
      if (resolved?.entry && known === undefined) return fault(405, 'Method not allowed.');
      return endpointNotFound();
    }
    if (route === 'projects') return jsonResponse(200, projectsAnswer(this.scenario()));
    const projectId = pathId(resolved.params[0], 'project');
    if (isResponse(projectId)) return projectId;
    const catalog = new Catalog(this.scenario());
    if (!catalog.hasProject(projectId)) return notFound('product PR', projectId);
    const deadlock = this.deadlock(route, projectId);
    if (deadlock) return deadlock;
    const handler = HANDLERS[route];
    if (!handler) return endpointNotFound();
    return handler({
      request,
      route,
      projectId,
      params: resolved.params.slice(1),
      version: resolved.version,
      store: this.store,
      catalog,
      now: () => this.context.now(),
    });
  }

  /** The deadlock 500 for a write over `spiraWriteLimit` that loses, else undefined. */
  private deadlock(route: string, projectId: number): SimResponse | undefined {
    if (!WRITE_ROUTES.has(route)) return undefined;
    const scenario = this.scenario();
    const inFlight = this.store.writes.enter(projectId, scenario.latencyMs);
    if (
      inFlight.total > scenario.spiraWriteLimit &&
      this.store.writes.deadlocked(scenario.spiraDeadlockProbability, scenario.seed)
    ) {
      this.store.writes.deadlocks += 1;
      return fault(500, SPIRA_MESSAGES.deadlock);
    }
    return undefined;
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
}

export const spiraSimulator: VendorDefinition = {
  name: 'spira',
  basePath: BASE_PATH,
  title: 'Spira',
  knobs: SPIRA_KNOBS,
  variants: {},
  create: (context) => new SpiraInstance(context),
};
