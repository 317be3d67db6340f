// Run state of the Testomat.io simulator (vendor-apis/testomatio.md §3-§6): the runs TestRelay
// creates or attaches to, every test result they received (kept in arrival order, duplicates
// marked), matching by Testomat.io test id or title, and the run status machine
// `created` → `running` → `finished`.
//
// Everything here is kept so a test can assert on exactly what arrived; the shape is served by
// `GET /__testomatio/runs` (runView in model.ts).

import {
  normalizeTestId,
  text,
  type ReceivedTest,
  type Run,
  type RunResult,
  type TestomatioScenario,
  type TestStatus,
} from './model.js';

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
    const entry = this.receivedEntry(run, data, via, batchIndex);
    run.received.push(entry);
    if (run.status === 'created') run.status = 'running';

    if (this.dropThis(scenario.dropRate)) {
      entry.outcome = 'dropped';
      return entry;
    }
    const matched = this.match(entry.testId, entry.title, scenario);
    if (matched === undefined) {
      if (!(create || data.create === true || scenario.createUnmatched)) {
        entry.outcome = 'unmatched';
        return entry;
      }
      this.createdTests += 1;
      entry.outcome = 'created';
      entry.matchedTestId =
        (entry.testId === null ? null : normalizeTestId(entry.testId)) ??
        `@T${(0xc0de0000 + this.createdTests).toString(16).slice(-8)}`;
    } else {
      entry.matchedTestId = matched;
    }
    this.testsKept += 1;
    const key = entry.rid ?? `#${entry.seq}`;
    const previous = run.results.get(key);
    if (previous && entry.outcome === 'added') {
      entry.outcome = 'updated';
      entry.retry = !entry.overwrite;
    }
    run.results.set(key, entry);
    return entry;
  }

  /** A received TestData as the run keeps it, before the server decides what to do with it. */
  private receivedEntry(
    run: Run,
    data: Record<string, unknown>,
    via: ReceivedTest['via'],
    batchIndex: number | null,
  ): ReceivedTest {
    return {
      seq: run.received.length + 1,
      via,
      batchIndex,
      rid: text(data.rid),
      testId: text(data.test_id),
      matchedTestId: null,
      title: text(data.title),
      suiteTitle: text(data.suite_title),
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
