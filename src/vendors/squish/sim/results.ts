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
// Paths, item shapes and filters are in results-wire.ts.

import {
  jsonResponse,
  stableHash,
  type SimRequest,
  type SimResponse,
} from '../../../simulator/kit.js';
import { errorBody } from './format.js';
import { visibleResults, type Execution, type Instance } from './instances.js';
import { outcomeMessage, RESULT_CODES, uploadedResult } from './outcomes.js';
import {
  badRequest,
  EVENT_OF,
  EVENT_TYPES,
  eventObject,
  idParam,
  labelKey,
  listParam,
  missing,
  reportObject,
  RESULTS_BASE,
  RESULTS_ROUTES,
  resultFields,
  TEST_TYPES,
  testObject,
  type EventNode,
  type ReportNode,
  type TreeNode,
} from './results-wire.js';

/** A tree being built: reports and test items by id, events in order. */
interface Tree {
  reports: Map<number, ReportNode>;
  tests: Map<number, TreeNode>;
  events: EventNode[];
}

function getOrAdd<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
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
    const tree: Tree = { reports: new Map(), tests: new Map(), events: [] };
    const batchKey = `${instances[0]?.template.project}\n${instances[0]?.batch}`;
    for (const execution of executions) this.addToTree(tree, batchKey, execution);
    return {
      reports: [...tree.reports.values()],
      tests: [...tree.tests.values()],
      events: tree.events,
    };
  }

  /** One finished execution's report, suite, test case and event. */
  private addToTree(tree: Tree, batchKey: string, execution: Execution): void {
    const outcome = execution.finish!.outcome!;
    const code = RESULT_CODES[uploadedResult(outcome) ?? 'NONE'];
    const started = execution.finish!.at - execution.durationMs;
    const reportId = this.idFor('report', `${batchKey}\n${labelKey(execution.labels)}`);
    const report = getOrAdd(tree.reports, reportId, () => ({
      id: reportId,
      labels: execution.labels,
      result: code,
      duration: 0,
      started,
      tests: 0,
    }));
    const suiteId = this.idFor('node', `suite:${reportId}:${execution.suite}`);
    const suite = getOrAdd(tree.tests, suiteId, () => ({
      id: suiteId,
      typename: 'testsuite' as const,
      name: execution.suite,
      parent: null,
      report: reportId,
      result: code,
      duration: 0,
      started,
    }));
    const caseId = this.idFor('node', `case:${execution.id}`);
    tree.tests.set(caseId, {
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
    tree.events.push(this.eventOf(execution, caseId, started));
  }

  /** The event a test case carries: its verdict, message and where in the script. */
  private eventOf(execution: Execution, caseId: number, started: number): EventNode {
    const outcome = execution.finish!.outcome!;
    const line = 12 + (stableHash(execution.testcase) % 80);
    // A client's failure carries its own words (finishByClient), not the scenario's.
    const reported = execution.finish!.byClient ? execution.finish!.error : null;
    return {
      id: this.idFor('event', `${execution.id}`),
      test: caseId,
      type: EVENT_OF[outcome],
      message: reported
        ? reported.message || 'Test execution failed'
        : outcome === 'SCRIPT_ERROR'
          ? 'Script Error'
          : outcomeMessage(outcome, execution.index),
      detail: reported
        ? reported.details
        : outcome === 'SCRIPT_ERROR'
          ? outcomeMessage(outcome, execution.index)
          : '',
      location: `${execution.suite}/${execution.testcase}/test.py:${line}`,
      time: started + Math.floor(execution.durationMs * 0.8),
    };
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
