// Run state of the Testomat.io simulator (vendor-apis/testomatio.md §3-§6): the runs TestRelay
// creates or attaches to, every test result they received (kept in arrival order, duplicates
// marked), matching by Testomat.io test id or title, and the run status machine
// `created` → `running` → `finished`.
//
// Everything here is kept so a test can assert on exactly what arrived; the shape is served by
// `GET /__testomatio/runs` (see index.ts).

import type { Scenario } from '../../../simulator/kit.js';

/** Testomat.io's own knobs, typed (see KNOBS in index.ts). */
export interface TestomatioScenario extends Scenario {
  rejectKey: boolean;
  forbidden: boolean;
  validTokens: string[];
  paymentRequired: boolean;
  limitAfterTests: number | null;
  rejectCreate: boolean;
  matching: string;
  createUnmatched: boolean;
  knownTestIds: string[];
  knownTitles: string[];
  unmatchedAnswer: string;
  dropRate: number;
  afterFinishStatus: number;
  requireSharedRun: boolean;
  projectSlug: string;
}

export type RunStatus = 'created' | 'running' | 'finished';
export type RunResult = 'passed' | 'failed' | null;
export type TestStatus = 'passed' | 'failed' | 'skipped';

/**
 * What happened to one received test:
 * - `added`: a new result in the run;
 * - `updated`: same `rid` as an earlier result, which it replaced (`retry` says whether the
 *   server counted a retry, i.e. `overwrite` was not true);
 * - `created`: did not match a project test, and the server created one (`create: true`,
 *   `create_tests: true` or the `createUnmatched` knob);
 * - `unmatched`: did not match a project test and was not added;
 * - `dropped`: answered 200 "Test run added" but silently not added (`dropRate`).
 */
export type TestOutcome = 'added' | 'updated' | 'created' | 'unmatched' | 'dropped';

/** One test result as it arrived, in arrival order. */
export interface ReceivedTest {
  /** 1-based position among all tests this run received. */
  seq: number;
  /** `testrun` (single TestData), `batch` (`tests[]` on /testrun) or `update` (`tests[]` on PUT). */
  via: 'testrun' | 'batch' | 'update';
  /** `batch_index` of the request, when sent. */
  batchIndex: number | null;
  rid: string | null;
  /** `test_id` exactly as sent. */
  testId: string | null;
  /** The Testomat.io test it matched or created, always `@T` + 8 characters; null if none. */
  matchedTestId: string | null;
  title: string | null;
  suiteTitle: string | null;
  status: TestStatus;
  /** `run_time` exactly as sent (no unit conversion: the unit is the client's choice). */
  runTime: number | null;
  message: string | null;
  stack: string | null;
  overwrite: boolean;
  outcome: TestOutcome;
  /** Whether the server counted a retry (an `updated` result without `overwrite: true`). */
  retry: boolean;
  /**
   * `seq` of an earlier received test with the same `rid`, or (without rid) the same
   * test id / title + suite, status, run_time and message; null when this is the first.
   */
  duplicateOf: number | null;
  /** The TestData object as sent. */
  data: Record<string, unknown>;
}

/** One `PUT /api/reporter/{uid}` call. */
export interface RunUpdate {
  at: string;
  /** `status_event` as sent, or null for an attach/update without it. */
  statusEvent: string | null;
  sharedRun: string | null;
  body: Record<string, unknown>;
}

export interface Run {
  uid: string;
  url: string;
  publicUrl: string;
  createdAt: string;
  /** The create body as sent, `api_key` removed. */
  created: Record<string, unknown>;
  title: string | null;
  env: string | null;
  tags: string[];
  groupTitle: string | null;
  parallel: boolean;
  sharedRun: boolean;
  status: RunStatus;
  result: RunResult;
  finishedAt: string | null;
  /** `duration` of the final PUT (seconds, as sent). */
  duration: number | null;
  /** Counts the client reported on PUT (`tests_count`, `passed_count`, …), last values sent. */
  reportedCounts: Record<string, number>;
  /** `*_parallel` events received, in order. */
  parallelParts: string[];
  /** Extra `POST /api/reporter` calls that joined this shared run. */
  joins: number;
  /** Every PUT, in order (attach, update, finish). */
  updates: RunUpdate[];
  /** Every received test, in arrival order. */
  received: ReceivedTest[];
  /** Results the server holds (by rid when sent): what the run report would show. */
  results: Map<string, ReceivedTest>;
}

export const TEST_STATUSES: readonly TestStatus[] = ['passed', 'failed', 'skipped'];
export const STATUS_EVENTS = [
  'pass',
  'fail',
  'finish',
  'pass_parallel',
  'fail_parallel',
  'finish_parallel',
] as const;

/** `@Ta0b0c0d0`, `Ta0b0c0d0` and `a0b0c0d0` all name test `@Ta0b0c0d0`. */
export function normalizeTestId(value: string): string | null {
  const match = /^(?:@?T)?(\w{8})$/.exec(value.trim());
  return match ? `@T${match[1]}` : null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export class RunStore {
  private readonly runs = new Map<string, Run>();
  private nextId = 1;
  /** Tests received across all runs (drives `dropRate` and `limitAfterTests`). */
  private testsReceived = 0;
  private testsKept = 0;
  private createdTests = 0;

  clear(): void {
    this.runs.clear();
    this.nextId = 1;
    this.testsReceived = 0;
    this.testsKept = 0;
    this.createdTests = 0;
  }

  get(uid: string): Run | undefined {
    return this.runs.get(uid);
  }

  list(): Run[] {
    return [...this.runs.values()];
  }

  /** Tests counted against the plan's reporting limit (added, updated or created). */
  keptCount(): number {
    return this.testsKept;
  }

  /** An open shared run with this title, which a `shared_run: true` create joins. */
  openSharedRun(title: string | null): Run | undefined {
    return this.list().find(
      (run) => run.sharedRun && run.status !== 'finished' && run.title === title,
    );
  }

  create(body: Record<string, unknown>, origin: string, project: string, now: number): Run {
    const uid = (0xa0b1c2d3 + this.nextId++ * 0x1f3).toString(16).slice(-8);
    const created = { ...body };
    delete created.api_key;
    const run: Run = {
      uid,
      url: `${origin}/projects/${project}/runs/${uid}`,
      publicUrl: `${origin}/report/${uid}`,
      createdAt: new Date(now).toISOString(),
      created,
      title: text(body.title),
      env: text(body.env),
      tags: Array.isArray(body.tags) ? body.tags.map(String) : [],
      groupTitle: text(body.group_title),
      parallel: body.parallel === true,
      sharedRun: body.shared_run === true,
      status: 'created',
      result: null,
      finishedAt: null,
      duration: null,
      reportedCounts: {},
      parallelParts: [],
      joins: 0,
      updates: [],
      received: [],
      results: new Map(),
    };
    this.runs.set(uid, run);
    return run;
  }

  /**
   * Records one test. `create` is the request's wish to create unmatched tests. Returns the
   * received entry (its `outcome` says what the server did).
   */
  addTest(
    run: Run,
    data: Record<string, unknown>,
    via: ReceivedTest['via'],
    batchIndex: number | null,
    create: boolean,
    scenario: TestomatioScenario,
  ): ReceivedTest {
    this.testsReceived += 1;
    const rid = text(data.rid);
    const testId = text(data.test_id);
    const title = text(data.title);
    const suiteTitle = text(data.suite_title);
    const entry: ReceivedTest = {
      seq: run.received.length + 1,
      via,
      batchIndex,
      rid,
      testId,
      matchedTestId: null,
      title,
      suiteTitle,
      status: data.status as TestStatus,
      runTime: typeof data.run_time === 'number' ? data.run_time : null,
      message: text(data.message),
      stack: text(data.stack),
      overwrite: data.overwrite === true,
      outcome: 'added',
      retry: false,
      duplicateOf: this.duplicateOf(run, data),
      data: { ...data },
    };
    run.received.push(entry);
    if (run.status === 'created') run.status = 'running';

    if (this.dropThis(scenario.dropRate)) {
      entry.outcome = 'dropped';
      return entry;
    }
    const matched = this.match(testId, title, scenario);
    if (matched === undefined) {
      if (!(create || data.create === true || scenario.createUnmatched)) {
        entry.outcome = 'unmatched';
        return entry;
      }
      this.createdTests += 1;
      entry.outcome = 'created';
      entry.matchedTestId =
        (testId === null ? null : normalizeTestId(testId)) ??
        `@T${(0xc0de0000 + this.createdTests).toString(16).slice(-8)}`;
    } else {
      entry.matchedTestId = matched;
    }
    this.testsKept += 1;
    const key = rid ?? `#${entry.seq}`;
    const previous = run.results.get(key);
    if (previous && entry.outcome === 'added') {
      entry.outcome = 'updated';
      entry.retry = !entry.overwrite;
    }
    run.results.set(key, entry);
    return entry;
  }

  /** Applies a `status_event` (or none: attach/update only). */
  applyEvent(run: Run, event: string | null, body: Record<string, unknown>, now: number): void {
    for (const name of ['tests_count', 'passed_count', 'failed_count', 'skipped_count']) {
      if (typeof body[name] === 'number') run.reportedCounts[name] = body[name];
    }
    if (event === null) return;
    if (event.endsWith('_parallel')) {
      run.parallelParts.push(event);
      if (run.status === 'created') run.status = 'running';
      return;
    }
    run.status = 'finished';
    run.finishedAt = new Date(now).toISOString();
    if (typeof body.duration === 'number') run.duration = body.duration;
    if (event === 'pass') run.result = 'passed';
    else if (event === 'fail') run.result = 'failed';
    else run.result = this.computedResult(run);
  }

  /** `finish`: failed when a held result failed or a parallel part failed, else passed. */
  private computedResult(run: Run): RunResult {
    const failed =
      [...run.results.values()].some((test) => test.status === 'failed') ||
      run.parallelParts.includes('fail_parallel');
    return failed ? 'failed' : 'passed';
  }

  /** The project test a result matches, or undefined (see the `matching` knob). */
  private match(
    testId: string | null,
    title: string | null,
    scenario: TestomatioScenario,
  ): string | undefined {
    if (testId !== null && testId.trim() !== '') {
      const id = normalizeTestId(testId);
      if (id === null) return undefined;
      const known = scenario.knownTestIds.map((item) => normalizeTestId(item) ?? item);
      return known.length === 0 || known.includes(id) ? id : undefined;
    }
    if (scenario.matching !== 'title' || title === null || title.trim() === '') return undefined;
    if (scenario.knownTitles.length > 0 && !scenario.knownTitles.includes(title)) return undefined;
    return `@T${Buffer.from(title).toString('hex').padEnd(8, '0').slice(0, 8)}`;
  }

  private duplicateOf(run: Run, data: Record<string, unknown>): number | null {
    const rid = text(data.rid);
    const same = run.received.find((earlier) =>
      rid !== null
        ? earlier.rid === rid
        : earlier.rid === null &&
          earlier.testId === text(data.test_id) &&
          earlier.title === text(data.title) &&
          earlier.suiteTitle === text(data.suite_title) &&
          earlier.status === data.status &&
          earlier.runTime === (typeof data.run_time === 'number' ? data.run_time : null) &&
          earlier.message === text(data.message),
    );
    return same?.seq ?? null;
  }

  /** Drops exactly ⌊n·rate⌋ of the first n tests, spread evenly (deterministic). */
  private dropThis(rate: number): boolean {
    const n = this.testsReceived;
    return Math.floor(n * rate) > Math.floor((n - 1) * rate);
  }
}

/** The kept-data view of one run (`GET /__testomatio/runs`). */
export function runView(run: Run): Record<string, unknown> {
  const count = (outcome: TestOutcome): number =>
    run.received.filter((test) => test.outcome === outcome).length;
  const held = [...run.results.values()];
  return {
    uid: run.uid,
    url: run.url,
    publicUrl: run.publicUrl,
    createdAt: run.createdAt,
    created: run.created,
    title: run.title,
    env: run.env,
    tags: run.tags,
    groupTitle: run.groupTitle,
    parallel: run.parallel,
    sharedRun: run.sharedRun,
    status: run.status,
    result: run.result,
    finishedAt: run.finishedAt,
    duration: run.duration,
    reportedCounts: run.reportedCounts,
    parallelParts: run.parallelParts,
    joins: run.joins,
    updates: run.updates,
    counts: {
      received: run.received.length,
      added: count('added'),
      updated: count('updated'),
      created: count('created'),
      unmatched: count('unmatched'),
      dropped: count('dropped'),
      duplicates: run.received.filter((test) => test.duplicateOf !== null).length,
      retries: run.received.filter((test) => test.retry).length,
      held: held.length,
      passed: held.filter((test) => test.status === 'passed').length,
      failed: held.filter((test) => test.status === 'failed').length,
      skipped: held.filter((test) => test.status === 'skipped').length,
    },
    received: run.received,
    tests: held,
  };
}
