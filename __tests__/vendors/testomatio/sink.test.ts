// The Testomat.io sink over real HTTP against the in-process simulator: create or attach,
// the tests that arrive (statuses, units, rids), finish events and counts, shared runs and
// their close, matching and failOnNoMatch, every error answer, and retries that never
// duplicate a result (vendor-apis/testomatio.md). Time is fake: retries do not wait.

import { Redactor } from '../../../src/core/redact.js';
import type { RunResult, TestCase } from '../../../src/core/result.js';
import type { CiContext } from '../../../src/core/settings.js';
import type { SinkReport } from '../../../src/core/sink.js';
import { startSimulator } from '../../../src/vendors/simulators.js';
import { createSinks, MODULES, readSettings } from '../../../src/vendors/registry.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { SimulatorHandle } from '../../helpers/simulator.js';

const KEY = 'tstmt_sink-test-project-token-5c1e';
const CI: CiContext = {
  ci: 'github',
  workflow: 'Nightly',
  runNumber: '42',
  runUrl: 'https://ci.example/runs/42',
};

let sim: SimulatorHandle;

beforeAll(async () => {
  sim = new SimulatorHandle(await startSimulator({ vendor: 'testomatio', apiKey: KEY }));
});
afterAll(() => sim.close());
beforeEach(async () => {
  await fetch(`${sim.baseUrl}/__sim/reset`, { method: 'POST' });
});

// Kept data as the simulator serves it (testomatio-run.ts runView); tests read a few fields.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Kept = any;

async function keptRuns(): Promise<Kept[]> {
  const answer = await fetch(`${sim.baseUrl}/__sim/runs`);
  return ((await answer.json()) as { runs: Kept[] }).runs;
}

async function onlyRun(): Promise<Kept> {
  const runs = await keptRuns();
  expect(runs).toHaveLength(1);
  return runs[0];
}

function settingsOf(inputs: Record<string, string> = {}) {
  const all: Record<string, string> = {
    junitFiles: 'x.xml',
    reportTo: 'testomatio',
    testomatioApiKey: KEY,
    testomatioUrl: sim.baseUrl,
    ...inputs,
  };
  return readSettings((name) => all[name] ?? '', CI);
}

interface Harness {
  report(result: RunResult, signal?: AbortSignal): Promise<SinkReport>;
  close(signal?: AbortSignal): Promise<SinkReport>;
  cancelled(result: RunResult): Promise<SinkReport | undefined>;
  lines: string[];
}

function harness(inputs: Record<string, string> = {}, onLine?: (line: string) => void): Harness {
  const settings = settingsOf(inputs);
  const lines: string[] = [];
  const log = (prefix: string) => (message: string) => {
    lines.push(`${prefix}${message}`);
    onLine?.(message);
  };
  const deps = {
    logger: { debug: log('debug: '), info: log(''), warn: log('warning: '), error: log('error: ') },
    // A fresh redactor: the sink must add the key itself.
    redactor: new Redactor(),
    clock: new FakeClock(),
    random: () => 0.5,
  };
  const [sink] = createSinks(settings, deps);
  const testomatio = MODULES.sinks.find((module) => module.name === 'testomatio')!;
  return {
    lines,
    report: (result, signal = new AbortController().signal) => sink.report(result, signal),
    close: (signal = new AbortController().signal) =>
      testomatio.closeOnly!.close(settings, settings.sinkSettings.testomatio, deps, signal),
    cancelled: (result) => sink.reportCancelled!(result, AbortSignal.timeout(2000)),
  };
}

/** Five cases: ids in a name, a tag property and system-out; one without an id. */
function sampleResult(overrides: Partial<RunResult> = {}): RunResult {
  return {
    vendor: 'testsigma',
    title: 'Testsigma plan 2090',
    runId: '812',
    state: 'completed',
    verdict: 'failed',
    durationSeconds: 141.5,
    links: [],
    suites: [
      {
        name: 'Smoke',
        cases: [
          {
            name: 'Login works @Ta0b0c0d0',
            classname: 'Auth',
            status: 'passed',
            durationSeconds: 1.234,
          },
          {
            name: 'Pay by card',
            classname: 'Checkout',
            status: 'failed',
            durationSeconds: 5.1,
            message: 'Expected receipt page',
            details: 'AssertionError at checkout.ts:12',
            properties: { tags: '@smoke @Tb1b2b3b4' },
            file: 'checkout.spec.ts',
          },
          {
            name: 'Apply coupon',
            classname: 'Checkout',
            status: 'error',
            durationSeconds: 0.5,
            message: 'NullPointerException',
            details: 'at Coupon.java:7',
            output: 'starting\ntid://@Tc3c4c5c6\n',
          },
        ],
      },
      {
        name: 'Search',
        cases: [
          { name: 'finds by name @Td4d5d6d7', status: 'skipped', message: 'not on staging' },
          { name: 'sorts by price', classname: 'Search', status: 'passed', durationSeconds: 0.75 },
        ],
      },
    ],
    ...overrides,
  };
}

function manyCases(count: number, prefix = 'case'): TestCase[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `${prefix} ${i} @T${String(i).padStart(8, '0')}`,
    classname: 'Bulk',
    status: 'passed' as const,
    durationSeconds: 0.1,
  }));
}

function resultOf(cases: TestCase[], overrides: Partial<RunResult> = {}): RunResult {
  return sampleResult({ suites: [{ name: 'Bulk', cases }], ...overrides });
}

function expectNoKey(report: SinkReport, lines: string[] = []): void {
  expect(JSON.stringify(report)).not.toContain(KEY);
  expect(lines.join('\n')).not.toContain(KEY);
}

describe('Testomat.io sink: a new run', () => {
  it('creates the run, sends every test once with its id, status and ms, and finishes with fail', async () => {
    const h = harness({
      testomatioEnv: 'Linux, Chrome',
      testomatioTags: 'nightly, smoke',
      testomatioGroup: 'Release 1.0',
    });
    const report = await h.report(sampleResult());
    const run = await onlyRun();

    expect(run.created).toEqual({
      title: 'Testsigma plan 2090 · Nightly #42',
      env: 'Linux, Chrome',
      tags: ['nightly', 'smoke'],
      group_title: 'Release 1.0',
      ci_build_url: 'https://ci.example/runs/42',
    });
    const sent = run.received.map((t: Kept) => t.data);
    const rids = sent.map((t: Kept) => t.rid);
    expect(new Set(rids).size).toBe(5);
    for (const rid of rids) expect(rid).toMatch(/^testrelay-[0-9a-f]{24}$/);
    expect(sent.map(({ rid: _rid, ...rest }: Kept) => rest)).toEqual([
      {
        overwrite: true,
        test_id: '@Ta0b0c0d0',
        title: 'Login works',
        suite_title: 'Auth',
        status: 'passed',
        run_time: 1234,
      },
      {
        overwrite: true,
        test_id: '@Tb1b2b3b4',
        title: 'Pay by card',
        suite_title: 'Checkout',
        status: 'failed',
        message: 'Expected receipt page',
        stack: 'AssertionError at checkout.ts:12',
        run_time: 5100,
        file: 'checkout.spec.ts',
      },
      {
        overwrite: true,
        test_id: '@Tc3c4c5c6',
        title: 'Apply coupon',
        suite_title: 'Checkout',
        status: 'failed',
        message: '[error] NullPointerException',
        meta: { status: 'error' },
        stack: 'at Coupon.java:7',
        run_time: 500,
      },
      // No classname: the suite name; no duration: no run_time.
      {
        overwrite: true,
        test_id: '@Td4d5d6d7',
        title: 'finds by name',
        suite_title: 'Search',
        status: 'skipped',
        message: 'not on staging',
      },
      {
        overwrite: true,
        title: 'sorts by price',
        suite_title: 'Search',
        status: 'passed',
        run_time: 750,
      },
    ]);
    expect(run.received.map((t: Kept) => [t.via, t.batchIndex])).toEqual(
      Array(5).fill(['batch', 0]),
    );

    expect(run).toMatchObject({ status: 'finished', result: 'failed', duration: 141.5 });
    expect(run.updates).toHaveLength(1);
    expect(run.updates[0]).toMatchObject({
      statusEvent: 'fail',
      sharedRun: 'false',
      body: {
        status_event: 'fail',
        duration: 141.5,
        tests_count: 5,
        passed_count: 2,
        failed_count: 2,
        skipped_count: 1,
      },
    });

    expect(report).toEqual({
      sink: 'testomatio',
      displayName: 'Testomat.io',
      status: 'reported',
      id: run.uid,
      url: run.url,
      total: 5,
      sent: 5,
      unmatched: ['Search › sorts by price'],
      message:
        `Reported 5 tests to Testomat.io run ${run.uid} (4 matched by id, 1 without an id: ` +
        'matched by title where Testomat.io has one).',
    });
    // The link is the server's own answer, never built here.
    expect(report.url).toBe(`${sim.baseUrl}/projects/testrelay-demo/runs/${run.uid}`);
    expectNoKey(report, h.lines);
  });

  it('sends the token in the body only, creates once, and calls create, tests, finish in order', async () => {
    await harness().report(sampleResult());
    const requests = await sim.requests();
    expect(requests.map((r) => r.route)).toEqual(['createRun', 'addTests', 'updateRun']);
    for (const request of requests) {
      expect(request.authorized).toBe(true);
      expect(request.query ?? {}).not.toHaveProperty('api_key');
      expect(request.body).toMatchObject({ api_key: '***' });
    }
    expect(requests[2].query).toEqual({ shared_run: 'false' });
  });

  it('uses seconds with testomatioRunTimeUnit s, the given title, and pass for a passed run', async () => {
    const passed = sampleResult({ verdict: 'passed', durationSeconds: undefined });
    passed.suites = [{ ...passed.suites[0], cases: passed.suites[0].cases.slice(0, 1) }];
    passed.suites[0].cases.push({
      name: 'Logout @Te5e6e7e8',
      status: 'passed',
      durationSeconds: 2,
    });
    const report = await harness({ testomatioRunTimeUnit: 's', testomatioTitle: 'My run' }).report(
      passed,
    );
    const run = await onlyRun();
    expect(run.title).toBe('My run');
    expect(run.received.map((t: Kept) => t.runTime)).toEqual([1.234, 2]);
    // The run's duration: the cases' sum when the vendor gave none, in seconds.
    expect(run.updates[0].body).toMatchObject({
      status_event: 'pass',
      duration: 3.234,
      tests_count: 2,
    });
    expect(run.result).toBe('passed');
    expect(report).toMatchObject({ status: 'reported', sent: 2, unmatched: [] });
    expect(report.message).toBe(
      `Reported 2 tests to Testomat.io run ${run.uid} (all matched by id).`,
    );
  });

  it('says fail for a run that did not complete, even when no test failed', async () => {
    const cases = manyCases(2);
    await harness().report(resultOf(cases, { state: 'timed_out', verdict: undefined }));
    expect((await onlyRun()).updates[0].statusEvent).toBe('fail');
  });

  it('sends more than 50 tests in batches of 50 with their batch_index', async () => {
    const report = await harness().report(resultOf(manyCases(120)));
    const run = await onlyRun();
    const batches = (await sim.requests()).filter((r) => r.route === 'addTests');
    expect(batches.map((r) => (r.body as Kept).batch_index)).toEqual([0, 1, 2]);
    expect(batches.map((r) => (r.body as Kept).tests.length)).toEqual([50, 50, 20]);
    expect(run.counts).toMatchObject({ received: 120, held: 120, duplicates: 0 });
    expect(report).toMatchObject({ sent: 120, total: 120 });
  });
});

describe('Testomat.io sink: matching', () => {
  const noIds = (): RunResult =>
    resultOf([
      { name: 'adds to cart', classname: 'Cart', status: 'passed' },
      { name: 'removes from cart', classname: 'Cart', status: 'failed' },
    ]);

  it('with no test id anywhere and failOnNoMatch on, fails and sends nothing at all', async () => {
    const h = harness();
    const report = await h.report(noIds());
    expect(await sim.requests()).toEqual([]);
    expect(report).toMatchObject({ status: 'failed', total: 2, sent: 0 });
    expect(report.message).toMatch(/^None of the 2 tests carries a Testomat\.io test id/);
    expect(report.message).toContain('tid://@T');
    expect(report.message).toContain('testomatioCreateTests: true');
    expect(report.message).toContain('failOnNoMatch: false');
    expect(report).not.toHaveProperty('url');
  });

  it('with failOnNoMatch off, sends them anyway for matching by title and lists every one', async () => {
    const report = await harness({ failOnNoMatch: 'false' }).report(noIds());
    const run = await onlyRun();
    expect(run.received.map((t: Kept) => [t.title, t.outcome])).toEqual([
      ['adds to cart', 'added'],
      ['removes from cart', 'added'],
    ]);
    expect(report).toMatchObject({
      status: 'reported',
      sent: 2,
      unmatched: ['Cart › adds to cart', 'Cart › removes from cart'],
    });
    expect(report.message).toBe(
      `Reported 2 tests to Testomat.io run ${run.uid}, none with a test id: ` +
        'Testomat.io matches them by title where it has one.',
    );
  });

  it('with testomatioCreateTests, sends every test with create: true and lists none', async () => {
    await sim.scenario({ matching: 'id', knownTestIds: ['@Ta0b0c0d0'] });
    const report = await harness({ testomatioCreateTests: 'true' }).report(noIds());
    const run = await onlyRun();
    expect(run.received.map((t: Kept) => [t.data.create, t.outcome])).toEqual([
      [true, 'created'],
      [true, 'created'],
    ]);
    expect(report).toMatchObject({ status: 'reported', sent: 2, unmatched: [] });
    expect(report.message).toContain('Testomat.io creates the tests it does not have');
  });

  it('reads the tests a "could not be matched" answer names, keeps going, and finishes', async () => {
    const many = manyCases(50, 'filler');
    const result = sampleResult();
    // The unknown id and the test without one go in the first batch, known ones after.
    result.suites.push({ name: 'More', cases: many });
    await sim.scenario({
      matching: 'id',
      unmatchedAnswer: 'error',
      // Not @Tb1b2b3b4 ("Pay by card"); "sorts by price" has no id to match by.
      knownTestIds: [
        '@Ta0b0c0d0',
        '@Tc3c4c5c6',
        '@Td4d5d6d7',
        ...many.map((c) => c.name.slice(-10)),
      ],
    });
    const report = await harness().report(result);
    const run = await onlyRun();
    const addTests = (await sim.requests()).filter((r) => r.route === 'addTests');
    expect(addTests.map((r) => r.status)).toEqual([422, 200]);
    expect(report).toMatchObject({
      status: 'reported',
      total: 55,
      sent: 53,
      unmatched: ['Checkout › Pay by card', 'Search › sorts by price'],
    });
    expect(report.message).toContain(
      `Sent 55 tests to Testomat.io run ${run.uid} (54 with a test id, 1 without). ` +
        'Testomat.io accepted 53 and could not match 2.',
    );
    expect(run).toMatchObject({ status: 'finished', result: 'failed' });
    expect(run.counts).toMatchObject({ held: 53, unmatched: 2 });
  });
});

describe('Testomat.io sink: the server matches none', () => {
  // Every test carries an id, but none of them is one the project has.
  const strangers = () => resultOf(manyCases(3, 'stranger'));

  it('fails loudly when Testomat.io refuses every test, and marks the run failed', async () => {
    await sim.scenario({ matching: 'id', unmatchedAnswer: 'error', knownTestIds: ['@Tzzzzzzzz'] });
    const report = await harness().report(strangers());
    const run = await onlyRun();
    expect(run).toMatchObject({ status: 'finished', result: 'failed' });
    expect(run.counts).toMatchObject({ held: 0, unmatched: 3 });
    expect(report).toMatchObject({ status: 'failed', total: 3, sent: 0, id: run.uid });
    expect(report.unmatched).toEqual([
      'Bulk › stranger 0 @T00000000',
      'Bulk › stranger 1 @T00000001',
      'Bulk › stranger 2 @T00000002',
    ]);
    expect(report.message).toBe(
      `Testomat.io matched none of the 3 tests sent to run ${run.uid}, so it holds no result. ` +
        'Check that the @T ids belong to this project, or set testomatioCreateTests: true to create the tests. ' +
        'The run was marked failed.',
    );
  });

  it('with failOnNoMatch off, finishes the run as usual and says it was skipped', async () => {
    await sim.scenario({ matching: 'id', unmatchedAnswer: 'error', knownTestIds: ['@Tzzzzzzzz'] });
    const result = strangers();
    result.verdict = 'passed';
    const report = await harness({ failOnNoMatch: 'false' }).report(result);
    const run = await onlyRun();
    expect(run.updates.map((u: Kept) => u.statusEvent)).toEqual(['pass']);
    expect(report).toMatchObject({ status: 'skipped', sent: 0 });
    expect(report.message).toMatch(
      /^Testomat\.io matched none of the 3 tests .*\(failOnNoMatch is off\)\.$/,
    );
  });

  it('counts nothing as accepted from a batch it refused in part without naming the tests', async () => {
    await sim.scenario({
      matching: 'id',
      unmatchedAnswer: 'unnamed',
      knownTestIds: ['@T00000000'],
    });
    const report = await harness().report(strangers());
    const run = await onlyRun();
    expect(run.counts).toMatchObject({ held: 1, unmatched: 2 });
    // Not "matched none": which ones it kept is unknown, so this is no zero-match failure.
    expect(report).toMatchObject({ status: 'reported', total: 3, sent: 0, unmatched: [] });
    expect(report.message).toBe(
      `Sent 3 tests to Testomat.io run ${run.uid} (all with a test id). Testomat.io accepted 0; 3 are not known. ` +
        'Testomat.io said some of the 3 tests of batch 1 could not be matched without naming them ' +
        '(HTTP 422: {"message":"Some tests could not be matched"}).',
    );
  });
});

describe('Testomat.io sink: attach to an existing run', () => {
  async function precreate(): Promise<{ uid: string; url: string }> {
    const answer = await fetch(`${sim.baseUrl}/api/reporter`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: KEY, title: 'Started by Testomat.io' }),
    });
    expect(answer.status).toBe(200);
    await sim.clearRequests();
    return (await answer.json()) as { uid: string; url: string };
  }

  it('attaches with a PUT without status_event, reports into it, and never creates a run', async () => {
    const { uid, url } = await precreate();
    const report = await harness({ testomatioRunId: uid }).report(sampleResult());
    const requests = await sim.requests();
    expect(requests.map((r) => r.route)).toEqual(['updateRun', 'addTests', 'updateRun']);
    expect(requests[0].body).toEqual({ api_key: '***' });
    expect(requests[0].query).toEqual({ shared_run: 'false' });
    const run = await onlyRun();
    expect(run.updates.map((u: Kept) => u.statusEvent)).toEqual([null, 'fail']);
    expect(run.counts.held).toBe(5);
    expect(report).toMatchObject({ status: 'reported', id: uid, url, sent: 5 });
  });

  it('names testomatioRunId when the run does not exist, and sends no test', async () => {
    const h = harness({ testomatioRunId: 'nope1234' });
    const report = await h.report(sampleResult());
    expect((await sim.requests()).map((r) => [r.route, r.status])).toEqual([['updateRun', 404]]);
    expect(report).toMatchObject({ status: 'failed', sent: 0 });
    expect(report.message).toBe(
      'Testomat.io has no run "nope1234" (HTTP 404: {"message":"Run nope1234 not found"}): check testomatioRunId ' +
        '(the run id Testomat.io passes as `run`), or leave it empty to create a run.',
    );
  });

  it('with no test results, closes the given run as failed so it does not stay running', async () => {
    const { uid } = await precreate();
    const report = await harness({ testomatioRunId: uid }).report(resultOf([]));
    const run = await onlyRun();
    expect(run).toMatchObject({ status: 'finished', result: 'failed' });
    expect(run.updates.map((u: Kept) => u.statusEvent)).toEqual([null, 'fail']);
    expect(report).toMatchObject({ status: 'reported', id: uid, total: 0, sent: 0 });
    expect(report.message).toBe(
      `No test results to report: marked Testomat.io run ${uid} failed, so it does not stay "running".`,
    );
  });

  it('a cancelled job marks the given run failed and sends no test', async () => {
    const { uid, url } = await precreate();
    const report = await harness({ testomatioRunId: uid }).cancelled(sampleResult());
    const run = await onlyRun();
    expect(run.received).toEqual([]);
    expect(run).toMatchObject({ status: 'finished', result: 'failed' });
    expect(report).toMatchObject({ status: 'skipped', id: uid, url, sent: 0, total: 5 });
    expect(report?.message).toBe(
      `Not reported: the job was cancelled. Marked Testomat.io run ${uid} failed, so it does not stay "running".`,
    );
  });

  it('a cancelled job without a given run has nothing to tidy up', async () => {
    expect(await harness().cancelled(sampleResult())).toBeUndefined();
    expect(await sim.requests()).toEqual([]);
  });

  it('with no test results and no run id, creates nothing', async () => {
    const report = await harness().report(resultOf([]));
    expect(await sim.requests()).toEqual([]);
    expect(report).toMatchObject({
      status: 'skipped',
      total: 0,
      sent: 0,
      message: 'No test results to report; no run created.',
    });
  });
});

describe('Testomat.io sink: a shared run across parallel jobs', () => {
  it('each job reports its part into one run; closeTestomatioRun finishes it', async () => {
    const first = await harness({ testomatioSharedRun: 'true' }).report(
      resultOf(manyCases(2, 'part one'), { verdict: 'passed' }),
    );
    const second = await harness({ testomatioSharedRun: 'true' }).report(
      resultOf(manyCases(3, 'part two')),
    );
    let run = await onlyRun();
    expect(run).toMatchObject({ sharedRun: true, joins: 1, status: 'running' });
    expect(run.created).toMatchObject({
      shared_run: true,
      title: 'Testsigma plan 2090 · Nightly #42',
    });
    expect(run.parallelParts).toEqual(['pass_parallel', 'fail_parallel']);
    expect(run.updates.map((u: Kept) => u.sharedRun)).toEqual(['true', 'true']);
    expect(first.id).toBe(run.uid);
    expect(second.id).toBe(run.uid);
    expect(second.message).toContain(`closes it with testomatioRunId ${run.uid}`);
    // Both parts named their tests alike: the rids differ by name only, none was replaced.
    expect(run.counts).toMatchObject({ held: 5, updated: 0 });

    const closed = await harness({ testomatioRunId: run.uid }).close();
    run = await onlyRun();
    expect(run).toMatchObject({ status: 'finished', result: 'failed' });
    expect(run.updates.at(-1)).toMatchObject({
      statusEvent: 'finish',
      sharedRun: 'true',
      body: { status_event: 'finish' },
    });
    expect(closed).toEqual({
      sink: 'testomatio',
      displayName: 'Testomat.io',
      status: 'reported',
      id: run.uid,
      url: run.url,
      total: 0,
      sent: 0,
      unmatched: [],
      message: `Closed Testomat.io run ${run.uid}; Testomat.io computes its result from the parts the jobs reported.`,
    });
  });

  it('a job reported twice (a CI re-run) replaces its results instead of adding them again', async () => {
    const result = sampleResult();
    await harness({ testomatioSharedRun: 'true' }).report(result);
    await harness({ testomatioSharedRun: 'true' }).report(result);
    const run = await onlyRun();
    expect(run.counts).toMatchObject({ received: 10, held: 5, updated: 5, retries: 0 });
  });

  it('closing an unknown run fails with a message naming testomatioRunId', async () => {
    const h = harness({ testomatioRunId: 'gone0001' });
    const closed = await h.close();
    expect(closed).toMatchObject({ status: 'failed', sent: 0 });
    expect(closed.message).toMatch(
      /^Testomat\.io has no open run "gone0001" to close \(HTTP 404.*check testomatioRunId\.$/,
    );
  });
});

describe('Testomat.io sink: error answers', () => {
  it.each([
    [{ rejectKey: true }, 401],
    [{ rejectKey: true, forbidden: true }, 403],
  ])(
    'a refused token (%j) says testomatioApiKey was refused and creates nothing',
    async (knobs, status) => {
      await sim.scenario(knobs);
      const h = harness();
      const report = await h.report(sampleResult());
      expect(report).toMatchObject({ status: 'failed', sent: 0 });
      expect(report.message).toBe(
        `Testomat.io refused the token in testomatioApiKey (HTTP ${status}: {"message":"Project API Token is invalid"}). ` +
          "Use the project's reporting token (tstmt_…) from Settings › Project of the project to report into.",
      );
      expect(await keptRuns()).toEqual([]);
      expectNoKey(report, h.lines);
    },
  );

  it('the plan limit on create: 402 with status and body verbatim', async () => {
    await sim.scenario({ paymentRequired: true });
    const report = await harness().report(sampleResult());
    expect(report.status).toBe('failed');
    expect(report.message).toBe(
      "Testomat.io's reporting limit of your plan was reached after 0 results " +
        '(HTTP 402: {"message":"Reporting limit reached for your plan"}).',
    );
  });

  it('the plan limit mid-way: stops, says after how many, and marks the run failed', async () => {
    await sim.scenario({ limitAfterTests: 50 });
    const report = await harness().report(resultOf(manyCases(70), { verdict: 'passed' }));
    const run = await onlyRun();
    expect(report).toMatchObject({ status: 'failed', sent: 50, id: run.uid, url: run.url });
    expect(report.message).toBe(
      "Testomat.io's reporting limit of your plan was reached after 50 results " +
        '(HTTP 402: {"message":"Reporting limit reached for your plan"}). The run was marked failed.',
    );
    expect(run).toMatchObject({ status: 'finished', result: 'failed' });
    expect(run.updates.map((u: Kept) => u.statusEvent)).toEqual(['fail']);
  });

  it('a 422 with an empty body on create is quoted as such', async () => {
    await sim.scenario({ rejectCreate: true });
    const report = await harness().report(sampleResult());
    expect(report.status).toBe('failed');
    expect(report.message).toBe('Testomat.io POST /api/reporter: HTTP 422 with an empty body.');
    expect((await sim.requests()).map((r) => r.route)).toEqual(['createRun']);
  });

  it('never retries create once it may have reached the server (a second run)', async () => {
    await sim.scenario({ faultsAt: 'createRun#1:503' });
    const report = await harness().report(sampleResult());
    expect((await sim.requests()).map((r) => [r.route, r.status])).toEqual([['createRun', 503]]);
    expect(report.status).toBe('failed');
    expect(report.message).toMatch(/^Testomat\.io POST \/api\/reporter: HTTP 503.*not retried/);
  });

  it('a batch the server keeps refusing stops reporting, and the run is still marked failed', async () => {
    await sim.scenario({ faultsAt: 'addTests#1:500,addTests#2:500,addTests#3:500,addTests#4:500' });
    const report = await harness().report(sampleResult({ verdict: 'passed' }));
    const run = await onlyRun();
    expect(run).toMatchObject({ status: 'finished', result: 'failed' });
    expect(run.updates.map((u: Kept) => u.statusEvent)).toEqual(['fail']);
    expect(report).toMatchObject({ status: 'failed', sent: 0, id: run.uid });
    expect(report.message).toMatch(
      new RegExp(
        `^Reporting to Testomat\\.io run ${run.uid} stopped after 0 of 5 results: .*HTTP 500.* The run was marked failed\\.$`,
      ),
    );
  });

  it('a finish that fails is reported, and the run is still marked failed', async () => {
    await sim.scenario({ faultsAt: 'updateRun#1:422' });
    const report = await harness().report(sampleResult({ verdict: 'passed' }));
    const run = await onlyRun();
    expect(report.status).toBe('failed');
    expect(report.message).toMatch(
      new RegExp(
        `^5 results reached Testomat\\.io run ${run.uid}, but finishing it failed: .*HTTP 422.* The run was marked failed\\.$`,
      ),
    );
    expect(run).toMatchObject({ status: 'finished', result: 'failed' });
  });

  it('a job cancelled after the run was created still marks the run failed', async () => {
    const controller = new AbortController();
    const h = harness({}, (line) => {
      if (line.includes('created run')) controller.abort();
    });
    const report = await h.report(sampleResult({ verdict: 'passed' }), controller.signal);
    const run = await onlyRun();
    expect(run.received).toEqual([]);
    expect(run).toMatchObject({ status: 'finished', result: 'failed' });
    expect(report.status).toBe('failed');
    expect(report.message).toBe(
      `Reporting to Testomat.io run ${run.uid} was cancelled after 0 of 5 results. The run was marked failed.`,
    );
  });
  it('a job cancelled before anything was sent sends nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const report = await harness().report(sampleResult(), controller.signal);
    expect(await sim.requests()).toEqual([]);
    expect(report).toMatchObject({
      status: 'failed',
      sent: 0,
      message: 'Reporting to Testomat.io was cancelled before a run was ready; no test was sent.',
    });
  });

  it('never shows the token, even where the server echoes it back', async () => {
    // A token pasted into testomatioRunId by mistake: the 404 body quotes it.
    const h = harness({ testomatioRunId: KEY });
    const report = await h.report(sampleResult());
    expect(report.status).toBe('failed');
    expect(report.message).toContain(
      'Testomat.io has no run "***" (HTTP 404: {"message":"Run *** not found"})',
    );
    expectNoKey(report, h.lines);
    const closed = await h.close();
    expect(closed.message).toContain('no open run "***"');
    expectNoKey(closed);
  });

  it('closing with a refused token says so', async () => {
    await sim.scenario({ rejectKey: true });
    const closed = await harness({ testomatioRunId: 'a0b1c2d3' }).close();
    expect(closed).toMatchObject({ status: 'failed', sent: 0 });
    expect(closed.message).toMatch(
      /^Could not close Testomat\.io run a0b1c2d3: Testomat\.io refused the token in testomatioApiKey \(HTTP 401/,
    );
  });

  it('a create answer without a readable run id is an error that quotes the answer', async () => {
    await sim.scenario({ faultsAt: 'createRun#1:malformed' });
    const report = await harness().report(sampleResult());
    expect(report.status).toBe('failed');
    expect(report.message).toMatch(
      /^Testomat\.io's answer to creating the run holds no readable run id \(\{"uid/,
    );
  });
});

describe('Testomat.io sink: retries never duplicate a result', () => {
  it('503s and a reset after the server stored a batch: every test held once, no retry counted', async () => {
    await sim.scenario({
      faultsAt: 'addTests#1:503,addTests#2:503,addTests#4:reset-after,updateRun#1:503',
    });
    const h = harness();
    const report = await h.report(resultOf(manyCases(120)));
    const run = await onlyRun();
    const addTests = (await sim.requests()).filter((r) => r.route === 'addTests');
    // Batch 0 twice refused, then stored; batch 1 stored but its answer lost, then re-sent.
    expect(addTests.map((r) => [(r.body as Kept).batch_index, r.status])).toEqual([
      [0, 503],
      [0, 503],
      [0, 200],
      [1, 0],
      [1, 200],
      [2, 200],
    ]);
    // Batch 1 arrived twice: its tests replaced themselves (same rid, overwrite) instead of
    // adding a second result or counting a retry.
    expect(run.counts).toMatchObject({ received: 170, duplicates: 50, held: 120, retries: 0 });
    const heldRids = run.tests.map((t: Kept) => t.rid);
    expect(new Set(heldRids).size).toBe(120);
    expect(run).toMatchObject({ status: 'finished', result: 'failed' });
    expect(run.updates.map((u: Kept) => u.statusEvent)).toEqual(['fail']);
    expect(report).toMatchObject({ status: 'reported', sent: 120 });
    expect(h.lines.filter((l) => l.includes('retrying'))).toHaveLength(4);
    expectNoKey(report, h.lines);
  });

  it('with only refused attempts (503 before the server acts), nothing arrives twice', async () => {
    await sim.scenario({ faultsAt: 'addTests#1:503,addTests#3:503' });
    await harness().report(resultOf(manyCases(60)));
    const run = await onlyRun();
    expect(run.counts).toMatchObject({ received: 60, duplicates: 0, held: 60, retries: 0 });
  });
});
