// A subset of Squish Test Center's Test Results API (`/api/v1`, vendor-apis/squish-test-center.md
// §5): enough for a client to list the tests of a batch with result codes, names, suites,
// durations and failure messages.
//
// The vendor documents the concepts (Batch → Report → Tests → Events, `project0`/`batch0`,
// result codes, type names) but the individual paths are unconfirmed, so they all live in
// RESULTS_ROUTES below and nowhere else. TestRelay's client should keep them behind one
// adapter too. The paths chosen here:
//
//   GET /api/v1/batches?project0=P                        batches of a project
//   GET /api/v1/reports?project0=P&batch0=B               reports (one per label set)
//   GET /api/v1/tests?project0=P&batch0=B[&typename=testsuite,testcase][&report=ID]
//                                                         test items, flat, with `parent`
//   GET /api/v1/events?project0=P&batch0=B[&test=ID][&type=FAIL,ERROR]
//                                                         events (the failure messages)
//
// Only uploaded results appear: a result arrives `resultLagSeconds` after its execution is
// finished, and an execution finished with an infrastructure failure uploads nothing.

import {
  jsonResponse,
  type RouteMatch,
  type SimRequest,
  type SimResponse,
  stableHash,
} from '../../../simulator/kit.js';
import {
  outcomeMessage,
  RESULT_CODES,
  uploadedResult,
  visibleResults,
  type Execution,
  type Instance,
  type Label,
  type Outcome,
  type ResultName,
} from './plan.js';
import { errorBody } from './format.js';

export const RESULTS_BASE = '/api/v1';

/** Path (below RESULTS_BASE) → route name in the request log, and whether `batch0` is needed. */
export const RESULTS_ROUTES: Readonly<Record<string, { route: string; needsBatch: boolean }>> = {
  '/batches': { route: 'batches', needsBatch: false },
  '/reports': { route: 'reports', needsBatch: true },
  '/tests': { route: 'tests', needsBatch: true },
  '/events': { route: 'events', needsBatch: true },
};

export const TEST_TYPES = [
  'testsuite',
  'testcase',
  'feature',
  'model-based-test',
  'scenario',
  'scenariooutline',
  'row',
  'step',
  'section',
  'execution',
] as const;

export const EVENT_TYPES = [
  'ATTACHMENT',
  'ENDVIDEO',
  'ERROR',
  'FAIL',
  'FATAL',
  'LOG',
  'PASS',
  'STARTVIDEO',
  'WARNING',
  'XFAIL',
  'XPASS',
] as const;

export function isResultsPath(path: string): boolean {
  return path === RESULTS_BASE || path.startsWith(`${RESULTS_BASE}/`);
}

export function classifyResults(method: string, path: string): RouteMatch {
  const entry = RESULTS_ROUTES[path.slice(RESULTS_BASE.length)];
  return { route: entry && method === 'GET' ? entry.route : 'unknown' };
}

const RESULT_NAMES = new Map<number, ResultName>(
  Object.entries(RESULT_CODES).map(([name, code]) => [code, name as ResultName]),
);

interface TreeNode {
  id: number;
  typename: 'testsuite' | 'testcase';
  name: string;
  parent: number | null;
  report: number;
  result: number;
  duration: number;
  started: number;
}

interface ReportNode {
  id: number;
  labels: Label[];
  result: number;
  duration: number;
  started: number;
  tests: number;
}

interface EventNode {
  id: number;
  test: number;
  type: (typeof EVENT_TYPES)[number];
  message: string;
  detail: string;
  location: string;
  time: number;
}

const EVENT_OF: Record<Outcome, (typeof EVENT_TYPES)[number]> = {
  PASS: 'PASS',
  XFAIL: 'XFAIL',
  FAIL: 'FAIL',
  XPASS: 'XPASS',
  SKIPPED: 'LOG',
  NONE: 'WARNING',
  SCRIPT_ERROR: 'ERROR',
  INFRASTRUCTURE: 'ERROR',
};

function resultFields(code: number): { result: number; result_name: ResultName } {
  return { result: code, result_name: RESULT_NAMES.get(code) ?? 'NONE' };
}

function labelKey(labels: readonly Label[]): string {
  return labels
    .map((label) => `${label.key}=${label.value}`)
    .sort()
    .join('&');
}

type IdKind = 'report' | 'node' | 'event';

/** The Results API over the simulator's test plan instances. */
export class ResultsApi {
  // Ids are handed out once, on first sight, so they stay stable while a batch grows.
  private readonly ids = new Map<string, number>();
  private readonly counters: Record<IdKind, number> = { report: 7001, node: 90001, event: 600001 };

  private idFor(kind: IdKind, key: string): number {
    const full = `${kind}:${key}`;
    let id = this.ids.get(full);
    if (id === undefined) {
      id = this.counters[kind];
      this.counters[kind] += 1;
      this.ids.set(full, id);
    }
    return id;
  }

  reset(): void {
    this.ids.clear();
    this.counters.report = 7001;
    this.counters.node = 90001;
    this.counters.event = 600001;
  }

  /**
   * Answers a Results API route. `instances` must already be advanced to `now`; `projects` are
   * the project names the server knows (templates and instances).
   */
  handle(
    request: SimRequest,
    route: string,
    instances: readonly Instance[],
    projects: ReadonlySet<string>,
    now: number,
  ): SimResponse {
    const entry = RESULTS_ROUTES[request.path.slice(RESULTS_BASE.length)];
    if (!entry) return jsonResponse(404, errorBody(404, `No such endpoint: ${request.path}`));
    if (route === 'unknown') {
      return jsonResponse(405, errorBody(405, `Method ${request.method} not allowed`), {
        allow: 'GET',
      });
    }
    const project = request.query.get('project0') ?? '';
    if (project === '') return missing('project0');
    if (!projects.has(project)) {
      return jsonResponse(404, errorBody(404, `Project '${project}' not found`));
    }
    const inProject = instances.filter((instance) => instance.template.project === project);
    if (!entry.needsBatch) return jsonResponse(200, { batches: this.batches(inProject, now) });
    const batch = request.query.get('batch0') ?? '';
    if (batch === '') return missing('batch0');
    const inBatch = inProject.filter((instance) => instance.batch === batch);
    if (inBatch.length === 0) {
      return jsonResponse(
        404,
        errorBody(404, `Batch '${batch}' not found in project '${project}'`),
      );
    }
    const tree = this.tree(inBatch, now);
    switch (route) {
      case 'reports':
        return jsonResponse(200, { reports: tree.reports.map(reportObject) });
      case 'tests':
        return this.tests(request, tree.tests);
      default:
        return this.events(request, tree.events);
    }
  }

  private batches(instances: readonly Instance[], now: number): Record<string, unknown>[] {
    const names = [...new Set(instances.map((instance) => instance.batch))];
    return names.map((name) => {
      const members = instances.filter((instance) => instance.batch === name);
      const tree = this.tree(members, now);
      const cases = tree.tests.filter((node) => node.typename === 'testcase');
      return {
        created: Math.min(...members.map((instance) => instance.createdAt)),
        name,
        reports: tree.reports.length,
        ...resultFields(Math.min(RESULT_CODES.NONE, ...cases.map((node) => node.result))),
        tests: cases.length,
      };
    });
  }

  /** Batch → Report (per label set) → testsuite → testcase, plus one event per test case. */
  private tree(
    instances: readonly Instance[],
    now: number,
  ): { reports: ReportNode[]; tests: TreeNode[]; events: EventNode[] } {
    const executions: Execution[] = instances
      .flatMap((instance) => visibleResults(instance, now))
      .sort((a, b) => a.finish!.at - b.finish!.at || a.id - b.id);
    const reports = new Map<number, ReportNode>();
    const tests = new Map<number, TreeNode>();
    const events: EventNode[] = [];
    const batchKey = `${instances[0]?.template.project}\n${instances[0]?.batch}`;
    for (const execution of executions) {
      const outcome = execution.finish!.outcome!;
      const code = RESULT_CODES[uploadedResult(outcome) ?? 'NONE'];
      const started = execution.finish!.at - execution.durationMs;
      const reportId = this.idFor('report', `${batchKey}\n${labelKey(execution.labels)}`);
      let report = reports.get(reportId);
      if (!report) {
        report = {
          id: reportId,
          labels: execution.labels,
          result: code,
          duration: 0,
          started,
          tests: 0,
        };
        reports.set(reportId, report);
      }
      const suiteId = this.idFor('node', `suite:${reportId}:${execution.suite}`);
      let suite = tests.get(suiteId);
      if (!suite) {
        suite = {
          id: suiteId,
          typename: 'testsuite',
          name: execution.suite,
          parent: null,
          report: reportId,
          result: code,
          duration: 0,
          started,
        };
        tests.set(suiteId, suite);
      }
      const caseId = this.idFor('node', `case:${execution.id}`);
      tests.set(caseId, {
        id: caseId,
        typename: 'testcase',
        name: execution.testcase,
        parent: suiteId,
        report: reportId,
        result: code,
        duration: execution.durationMs,
        started,
      });
      // Result codes nest as bit masks (0 ⊂ 1 ⊂ 3 ⊂ 7 ⊂ 15 ⊂ 31): a parent gets the minimum.
      for (const parent of [suite, report]) {
        parent.result = Math.min(parent.result, code);
        parent.duration += execution.durationMs;
        parent.started = Math.min(parent.started, started);
      }
      report.tests += 1;
      const line = 12 + (stableHash(execution.testcase) % 80);
      events.push({
        id: this.idFor('event', `${execution.id}`),
        test: caseId,
        type: EVENT_OF[outcome],
        message:
          outcome === 'SCRIPT_ERROR' ? 'Script Error' : outcomeMessage(outcome, execution.index),
        detail: outcome === 'SCRIPT_ERROR' ? outcomeMessage(outcome, execution.index) : '',
        location: `${execution.suite}/${execution.testcase}/test.py:${line}`,
        time: started + Math.floor(execution.durationMs * 0.8),
      });
    }
    return { reports: [...reports.values()], tests: [...tests.values()], events };
  }

  private tests(request: SimRequest, nodes: TreeNode[]): SimResponse {
    const typenames = listParam(request, 'typename', TEST_TYPES);
    if (typeof typenames === 'string') return badRequest(typenames);
    const report = idParam(request, 'report');
    if (typeof report === 'string') return badRequest(report);
    const selected = nodes.filter(
      (node) =>
        (typenames === undefined || typenames.includes(node.typename)) &&
        (report === undefined || node.report === report),
    );
    return jsonResponse(200, { tests: selected.map(testObject) });
  }

  private events(request: SimRequest, nodes: EventNode[]): SimResponse {
    const types = listParam(request, 'type', EVENT_TYPES);
    if (typeof types === 'string') return badRequest(types);
    const test = idParam(request, 'test');
    if (typeof test === 'string') return badRequest(test);
    const selected = nodes.filter(
      (node) =>
        (types === undefined || types.includes(node.type)) &&
        (test === undefined || node.test === test),
    );
    return jsonResponse(200, { events: selected.map(eventObject) });
  }
}

function reportObject(report: ReportNode): Record<string, unknown> {
  return {
    duration: report.duration,
    id: report.id,
    labels: report.labels.map((label) => ({ key: label.key, value: label.value })),
    ...resultFields(report.result),
    started: report.started,
    tests: report.tests,
  };
}

function testObject(node: TreeNode): Record<string, unknown> {
  return {
    duration: node.duration,
    id: node.id,
    name: node.name,
    parent: node.parent,
    report: node.report,
    ...resultFields(node.result),
    started: node.started,
    typename: node.typename,
  };
}

function eventObject(node: EventNode): Record<string, unknown> {
  return {
    detail: node.detail,
    id: node.id,
    location: node.location,
    message: node.message,
    test: node.test,
    time: node.time,
    type: node.type,
  };
}

function badRequest(message: string): SimResponse {
  return jsonResponse(400, errorBody(400, message));
}

function missing(name: string): SimResponse {
  return badRequest(`Missing required query parameter '${name}'`);
}

/** A comma-separated filter whose values must come from `known`; undefined when absent. */
function listParam(
  request: SimRequest,
  name: string,
  known: readonly string[],
): string[] | undefined | string {
  const raw = request.query.get(name);
  if (raw === null || raw.trim() === '') return undefined;
  const values = raw.split(',').map((value) => value.trim());
  const unknown = values.filter((value) => !known.includes(value));
  if (unknown.length > 0) {
    return `Invalid value '${unknown[0]}' for '${name}' (expected one of: ${known.join(', ')})`;
  }
  return values;
}

function idParam(request: SimRequest, name: string): number | undefined | string {
  const raw = request.query.get(name);
  if (raw === null || raw.trim() === '') return undefined;
  return /^\d{1,15}$/.test(raw.trim())
    ? Number(raw.trim())
    : `Invalid value '${raw}' for '${name}'`;
}
