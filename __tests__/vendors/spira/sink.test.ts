// The Spira sink against the in-process Spira simulator over real HTTP: mapping (property,
// TC: in the name, mapping lines, default, unmatched, an own id over a `manual` line), the runs
// recorded (ids, statuses, release, test set, build, runner fields, dates), chunks by count and
// size with long text cut, 413 halves, at most three writes in flight, the record fallback,
// deadlock retries without duplicates and no resend after a 5xx, the KB684 manual flow, and the
// failures (no match, Access Denied without the key anywhere, unknown ids, lost answers,
// cancel) — all read back from what the simulator kept (GET <baseUrl>/__sim/runs) and its
// request log.

import { Redactor } from '../../../src/core/redact.js';
import type { Logger } from '../../../src/core/logger.js';
import type { RunResult, TestCase, TestSuite } from '../../../src/core/result.js';
import type { CiContext, Settings } from '../../../src/core/settings.js';
import type { SinkReport } from '../../../src/core/sink.js';
import { renderSummary } from '../../../src/core/summary.js';
import { startSimulator, type RunningSimulator } from '../../../src/vendors/simulators.js';
import { createSinks, readSettings } from '../../../src/vendors/registry.js';
import {
  MAX_BUILD_DESCRIPTION_CHARS,
  MAX_BUILD_NAME_CHARS,
  MAX_MESSAGE_CHARS,
  MAX_STACK_CHARS,
  MAX_TEST_NAME_CHARS,
} from '../../../src/vendors/spira/payload.js';
import { FakeClock } from '../../helpers/fake-clock.js';

// Made-up credentials in Spira's form: the RSS token with its curly braces.
const USER = 'relay-bot';
const GUID = '6C8E0C1A-2B3D-4E5F-8A9B-0C1D2E3F4A5B';
const KEY = `{${GUID}}`;
const NOW = Date.parse('2024-06-01T10:00:00.000Z');
const CI: CiContext = {
  ci: 'github',
  workflow: 'Nightly',
  runNumber: '42',
  runUrl: 'https://github.example/acme/shop/actions/runs/42',
};

let sim: RunningSimulator;
let origin: string;

beforeEach(async () => {
  sim = await startSimulator({ vendor: 'spira', apiKey: KEY, scenario: { spiraUsername: USER } });
  origin = new URL(sim.baseUrl).origin;
});

afterEach(async () => {
  await sim.close();
});

// ---------------------------------------------------------------- helpers

async function scenario(patch: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${sim.baseUrl}/__sim/scenario`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(patch),
  });
  expect(response.status).toBe(200);
}

// The simulator's kept data: runs, builds, counts and the write-concurrency peak.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function kept(): Promise<any> {
  const response = await fetch(`${sim.baseUrl}/__sim/runs`);
  expect(response.status).toBe(200);
  return response.json();
}

interface LoggedRequest {
  method: string;
  path: string;
  route: string;
  status: number | null;
  /** Whether the simulator accepted the credentials. */
  authorized: boolean;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
}

async function requests(): Promise<LoggedRequest[]> {
  return (await (await fetch(`${sim.baseUrl}/__sim/requests`)).json()) as LoggedRequest[];
}

function settingsWith(inputs: Record<string, string> = {}): Settings {
  const all: Record<string, string> = {
    junitFiles: 'x.xml',
    reportTo: 'spira',
    spiraUrl: sim.baseUrl,
    spiraUsername: USER,
    spiraApiKey: KEY,
    spiraProjectId: '24',
    spiraReleaseId: '155',
    ...inputs,
  };
  return readSettings((name) => all[name] ?? '', CI);
}

interface Harness {
  report: SinkReport;
  redactor: Redactor;
  warnings: string[];
  infos: string[];
  /** Every log line of every level, in order. */
  logged: string[];
  clock: FakeClock;
}

async function report(
  settings: Settings,
  result: RunResult,
  signal: AbortSignal = new AbortController().signal,
): Promise<Harness> {
  const warnings: string[] = [];
  const infos: string[] = [];
  const logged: string[] = [];
  const log = (into?: string[]) => (message: string) => {
    logged.push(message);
    into?.push(message);
  };
  const logger: Logger = {
    debug: log(),
    info: log(infos),
    warn: log(warnings),
    error: log(warnings),
  };
  const clock = new FakeClock(NOW);
  const redactor = new Redactor();
  const [sink] = createSinks(settings, { logger, redactor, clock, random: () => 0.5 });
  const answer = await sink.report(result, signal);
  // Never a secret in what a report says, in any form the key travels in.
  const text = JSON.stringify(answer).toLowerCase();
  expect(text).not.toContain(GUID.toLowerCase());
  expect(logged.join('\n').toLowerCase()).not.toContain(GUID.toLowerCase());
  return { report: answer, redactor, warnings, infos, logged, clock };
}

function resultOf(suites: TestSuite[], overrides: Partial<RunResult> = {}): RunResult {
  return {
    vendor: 'testsigma',
    vendorName: 'Testsigma',
    runId: '9001',
    runUrl: 'https://app.testsigma.example/runs/9001',
    title: 'Checkout plan',
    state: 'completed',
    verdict: 'failed',
    suites,
    links: [],
    ...overrides,
  };
}

/** `count` passing cases named `<prefix> <n>` in one suite without a timestamp. */
function manyCases(count: number, prefix = 'case', properties?: Record<string, string>): TestSuite {
  return {
    name: 'bulk',
    cases: Array.from({ length: count }, (_, index) => ({
      name: `${prefix} ${index + 1}`,
      classname: 'bulk.Suite',
      status: 'passed' as const,
      durationSeconds: 1,
      ...(properties ? { properties } : {}),
    })),
  };
}

// A run that maps in every way: a property, TC: in the name (and in the classname), a
// classname.name mapping line and a bare-name one; two tests map to nothing.
const MAPPING = ['shop.Checkout.Coupon = 4', 'Gift card = TC:5'].join('\n');

function mixedResult(overrides: Partial<RunResult> = {}): RunResult {
  const checkout: TestCase[] = [
    {
      name: 'Pay by card',
      classname: 'shop.Checkout',
      status: 'passed',
      durationSeconds: 2,
      properties: { 'Spira.TestCaseId': 'TC:2' },
    },
    {
      name: 'Refund TC:3 works',
      classname: 'shop.Checkout',
      status: 'failed',
      durationSeconds: 1.5,
      message: 'Expected refund receipt',
      details: 'AssertionError: expected refund receipt\n  at refund.spec.ts:12',
    },
    { name: 'Unmapped one', classname: 'shop.Checkout', status: 'passed', durationSeconds: 4 },
    {
      name: 'Coupon',
      classname: 'shop.Checkout',
      status: 'error',
      durationSeconds: 0.5,
      message: 'TypeError: coupon is undefined',
    },
  ];
  const misc: TestCase[] = [
    { name: 'Gift card', classname: 'shop.Misc', status: 'skipped', message: 'not on staging' },
    { name: 'Loyalty', classname: 'shop.TC:1', status: 'passed', durationSeconds: 3 },
    { name: 'Unmapped two', status: 'failed', message: 'nope' },
  ];
  return resultOf(
    [
      { name: 'Checkout', timestamp: '2024-05-14T14:00:00', cases: checkout },
      { name: 'Misc', cases: misc },
    ],
    overrides,
  );
}

// ---------------------------------------------------------------- mapping and runs

describe('automated runs', () => {
  it('records one run per mapped test with the right ids, statuses, runner fields and dates', async () => {
    const settings = settingsWith({ spiraMapping: MAPPING, spiraTestSetId: 'TX:2' });
    const { report: answer } = await report(settings, mixedResult());

    const data = await kept();
    const runs = [...data.runs].sort(
      (a: { TestCaseId: number }, b: { TestCaseId: number }) => a.TestCaseId - b.TestCaseId,
    );
    const pick = (run: Record<string, unknown>) => ({
      TestCaseId: run.TestCaseId,
      ExecutionStatusId: run.ExecutionStatusId,
      TestRunTypeId: run.TestRunTypeId,
      ReleaseId: run.ReleaseId,
      TestSetId: run.TestSetId,
      BuildId: run.BuildId,
      TestRunFormatId: run.TestRunFormatId,
      RunnerName: run.RunnerName,
      RunnerTestName: run.RunnerTestName,
      RunnerMessage: run.RunnerMessage,
      RunnerStackTrace: run.RunnerStackTrace,
      RunnerAssertCount: run.RunnerAssertCount,
      StartDate: run.StartDate,
      EndDate: run.EndDate,
      via: run.via,
    });
    const common = {
      TestRunTypeId: 2,
      ReleaseId: 155,
      TestSetId: 2,
      BuildId: null,
      TestRunFormatId: 1,
      RunnerName: 'TestRelay',
      via: 'record-multiple',
    };
    expect(runs.map(pick)).toEqual([
      {
        ...common,
        // classname "shop.TC:1": the token in the classname.
        TestCaseId: 1,
        ExecutionStatusId: 2,
        RunnerTestName: 'shop.TC:1.Loyalty',
        RunnerMessage: 'Passed',
        RunnerStackTrace: '',
        RunnerAssertCount: 0,
        // No suite timestamp: ends at the report time, starts its duration earlier.
        StartDate: '2024-06-01T09:59:57.000Z',
        EndDate: '2024-06-01T10:00:00.000Z',
      },
      {
        ...common,
        TestCaseId: 2,
        ExecutionStatusId: 2,
        RunnerTestName: 'shop.Checkout.Pay by card',
        RunnerMessage: 'Passed',
        RunnerStackTrace: '',
        RunnerAssertCount: 0,
        // The suite timestamp has no zone: read as UTC.
        StartDate: '2024-05-14T14:00:00.000Z',
        EndDate: '2024-05-14T14:00:02.000Z',
      },
      {
        ...common,
        TestCaseId: 3,
        ExecutionStatusId: 1,
        RunnerTestName: 'shop.Checkout.Refund TC:3 works',
        RunnerMessage: 'Expected refund receipt',
        RunnerStackTrace: 'AssertionError: expected refund receipt\n  at refund.spec.ts:12',
        RunnerAssertCount: 1,
        // After the 2 s of the case before it.
        StartDate: '2024-05-14T14:00:02.000Z',
        EndDate: '2024-05-14T14:00:03.500Z',
      },
      {
        ...common,
        TestCaseId: 4,
        ExecutionStatusId: 5,
        RunnerTestName: 'shop.Checkout.Coupon',
        RunnerMessage: 'TypeError: coupon is undefined',
        RunnerStackTrace: '',
        RunnerAssertCount: 1,
        // After 2 + 1.5 + 4 s (the unmapped case ran too).
        StartDate: '2024-05-14T14:00:07.500Z',
        EndDate: '2024-05-14T14:00:08.000Z',
      },
      {
        ...common,
        TestCaseId: 5,
        ExecutionStatusId: 3,
        RunnerTestName: 'shop.Misc.Gift card',
        RunnerMessage: 'not on staging',
        RunnerStackTrace: '',
        RunnerAssertCount: 0,
        StartDate: '2024-06-01T10:00:00.000Z',
        EndDate: '2024-06-01T10:00:00.000Z',
      },
    ]);
    expect(data.counts.duplicates).toBe(0);
    expect(data.builds).toEqual([]);

    expect(answer).toEqual({
      sink: 'spira',
      displayName: 'Spira',
      status: 'reported',
      message:
        'Recorded 5 test runs in Spira product 24, release 155; 2 tests map to no test case.',
      url: `${origin}/24/TestRun/List.aspx`,
      total: 7,
      sent: 5,
      unmatched: ['shop.Checkout › Unmapped one', 'Unmapped two'],
    });

    // One record-multiple request, with the credentials Spira wants as headers.
    const log = await requests();
    expect(log.map((r) => `${r.method} ${r.route} ${r.status}`)).toEqual([
      'POST recordMultiple 200',
    ]);
    expect(log[0].path).toBe(
      '/Services/v7_0/RestService.svc/projects/24/test-runs/record-multiple',
    );
    expect(log[0].headers).toMatchObject({
      username: USER,
      'api-key': '***',
      accept: 'application/json',
      'content-type': 'application/json',
    });
  });

  it('maps the rest to the default line, and applies spiraStatuses over the defaults', async () => {
    const settings = settingsWith({
      spiraMapping: `${MAPPING}\ndefault = 283`,
      spiraStatuses: 'skipped=4, error=6',
      spiraReleaseId: '',
    });
    const { report: answer } = await report(settings, mixedResult());
    const runs = (await kept()).runs as Array<Record<string, unknown>>;
    const byName = Object.fromEntries(
      runs.map((run) => [run.RunnerTestName, [run.TestCaseId, run.ExecutionStatusId]]),
    );
    expect(byName).toEqual({
      'shop.Checkout.Pay by card': [2, 2],
      'shop.Checkout.Refund TC:3 works': [3, 1],
      'shop.Checkout.Unmapped one': [283, 2],
      'shop.Checkout.Coupon': [4, 6],
      'shop.Misc.Gift card': [5, 4],
      'shop.TC:1.Loyalty': [1, 2],
      'Unmapped two': [283, 1],
    });
    // No release configured: none sent.
    expect(runs.every((run) => run.ReleaseId === null && run.TestSetId === null)).toBe(true);
    expect(answer.status).toBe('reported');
    expect(answer.message).toBe('Recorded 7 test runs in Spira product 24.');
    expect(answer.unmatched).toEqual([]);
  });

  it('prefers the property over a TC: token, and the token over a mapping line', async () => {
    const settings = settingsWith({
      spiraMapping: 'a.Suite.Both TC:3 = 5\na.Suite.Line only = 5',
    });
    const suite: TestSuite = {
      name: 'a',
      cases: [
        {
          name: 'Both TC:3',
          classname: 'a.Suite',
          status: 'passed',
          properties: { spiraTestCaseId: '4' },
        },
        { name: 'Token TC:3', classname: 'a.Suite', status: 'passed' },
        { name: 'Line only', classname: 'a.Suite', status: 'passed' },
        // Not an id: warned about, and the other rules apply (here: nothing).
        {
          name: 'Bad property',
          classname: 'a.Suite',
          status: 'passed',
          properties: { spira: 'x' },
        },
      ],
    };
    const { report: answer, warnings } = await report(settings, resultOf([suite]));
    const runs = (await kept()).runs as Array<Record<string, unknown>>;
    expect(runs.map((run) => [run.RunnerTestName, run.TestCaseId])).toEqual([
      ['a.Suite.Both TC:3', 4],
      ['a.Suite.Token TC:3', 3],
      ['a.Suite.Line only', 5],
    ]);
    expect(answer.unmatched).toEqual(['a.Suite › Bad property']);
    expect(warnings.join('\n')).toMatch(/1 test has a test case property .* that is not an id/);
  });

  it("says in one info line when a test's own id wins over a mapping line saying manual", async () => {
    const settings = settingsWith({
      spiraMapping: [
        'shop.Manual.Login TC:290 = 283 manual',
        'shop.Manual.Logout = 283 manual',
        'shop.Manual.Plain = 304 manual',
      ].join('\n'),
    });
    const cases: TestCase[] = [
      { name: 'Login TC:290', classname: 'shop.Manual', status: 'passed' },
      {
        name: 'Logout',
        classname: 'shop.Manual',
        status: 'passed',
        properties: { 'spira.testCaseId': '1' },
      },
      // Its line applies: a manual run, nothing to say.
      { name: 'Plain', classname: 'shop.Manual', status: 'passed' },
    ];
    const { report: answer, infos } = await report(settings, resultOf([{ name: 'Manual', cases }]));
    const runs = (await kept()).runs as Array<Record<string, unknown>>;
    expect(runs.map((run) => [run.TestCaseId, run.via]).sort()).toEqual([
      [1, 'record-multiple'],
      [290, 'record-multiple'],
      [304, 'manual'],
    ]);
    const said = infos.filter((line) => line.includes('saying manual'));
    expect(said).toEqual([
      'Spira: 2 tests have their own test case id, which wins over their spiraMapping lines saying ' +
        'manual: they are recorded as automated runs, e.g. shop.Manual › Login TC:290 (test case 290, from its TC: token).',
    ]);
    expect(answer).toMatchObject({ status: 'reported', sent: 3 });
  });

  it('creates the build first (passed verdict → BuildStatusId 2) and records the runs in it', async () => {
    const settings = settingsWith({
      spiraMapping: `${MAPPING}\ndefault = 1`,
      spiraBuildName: 'Nightly #42',
    });
    const { report: answer } = await report(settings, mixedResult({ verdict: 'passed' }));
    const data = await kept();
    expect(data.builds).toHaveLength(1);
    const build = data.builds[0];
    expect(build).toMatchObject({
      BuildId: 1,
      ProjectId: 24,
      ReleaseId: 155,
      BuildStatusId: 2,
      Name: 'Nightly #42',
    });
    expect(build.Description).toContain(
      'Nightly #42 https://github.example/acme/shop/actions/runs/42',
    );
    expect(build.Description).toContain(
      'Testsigma run 9001 (Checkout plan) https://app.testsigma.example/runs/9001',
    );
    expect(build.Description).not.toMatch(/<[a-z]/i);
    expect(data.runs).toHaveLength(7);
    expect(data.runs.every((run: { BuildId: number }) => run.BuildId === 1)).toBe(true);

    const log = await requests();
    expect(log.map((r) => r.route)).toEqual(['createBuild', 'recordMultiple']);
    // ReleaseId in the body as well as the path (§5).
    expect(log[0].body).toMatchObject({ ProjectId: 24, ReleaseId: 155, BuildStatusId: 2 });

    expect(answer).toMatchObject({
      status: 'reported',
      message: 'Recorded 7 test runs in Spira product 24, release 155 (build 1).',
      url: `${origin}/24/Build/1.aspx`,
      id: '1',
      sent: 7,
    });
  });

  it.each([
    ['a failed verdict', { verdict: 'failed' as const }],
    ['a timed-out run', { verdict: 'passed' as const, state: 'timed_out' as const }],
  ])('marks the build failed (BuildStatusId 1) for %s', async (_name, overrides) => {
    const settings = settingsWith({ spiraMapping: 'default = 1', spiraBuildName: 'b' });
    await report(settings, mixedResult(overrides));
    expect((await kept()).builds[0].BuildStatusId).toBe(1);
  });

  it('cuts test names, the build name and its description to the limits Spira stores', async () => {
    const longName = `Pay by card ${'with a very long parameter list '.repeat(20)}`;
    const settings = settingsWith({
      spiraMapping: 'default = 2',
      spiraBuildName: `Nightly ${'#'.repeat(400)}`,
    });
    const tests: TestSuite = {
      name: 'long',
      cases: [
        { name: longName, classname: `shop.${'Nested.'.repeat(60)}Checkout`, status: 'passed' },
        { name: 'Short', classname: 'shop.Checkout', status: 'passed' },
      ],
    };
    const { report: answer } = await report(
      settings,
      resultOf([tests], { verdict: 'passed', title: `Plan ${'x'.repeat(10_000)}` }),
    );
    expect(answer).toMatchObject({ status: 'reported', sent: 2 });
    const data = await kept();
    const [long, short] = data.runs as Array<{ RunnerTestName: string; RunnerName: string }>;
    expect(long.RunnerTestName.length).toBeLessThanOrEqual(MAX_TEST_NAME_CHARS);
    expect(long.RunnerTestName).toMatch(/^shop\.Nested\.Nested\..*… \[[\d,]+ more characters\]$/);
    expect(short.RunnerTestName).toBe('shop.Checkout.Short');
    expect(long.RunnerName).toBe('TestRelay');
    const [build] = data.builds as Array<{ Name: string; Description: string }>;
    expect(build.Name.length).toBeLessThanOrEqual(MAX_BUILD_NAME_CHARS);
    expect(build.Name).toMatch(/^Nightly #+… \[[\d,]+ more characters\]$/);
    expect(build.Description.length).toBeLessThanOrEqual(MAX_BUILD_DESCRIPTION_CHARS);
    expect(build.Description).toMatch(/^Test results recorded by TestRelay\.\nCI run: /);
  });

  it('sends record-multiple in chunks of 25, at most 3 in flight at once', async () => {
    await scenario({ latencyMs: 40 });
    const settings = settingsWith({ spiraMapping: 'default = 2' });
    const { report: answer } = await report(settings, resultOf([manyCases(190)]));
    const data = await kept();
    expect(data.runs).toHaveLength(190);
    expect(data.counts.duplicates).toBe(0);
    expect(new Set(data.runs.map((r: { RunnerTestName: string }) => r.RunnerTestName)).size).toBe(
      190,
    );
    // Three at once: more would risk Spira's deadlocks, fewer would waste the pool.
    expect(data.concurrency.peak).toBe(3);
    const log = await requests();
    expect(log.map((r) => (r.body as unknown[]).length).sort((a, b) => a - b)).toEqual([
      15, 25, 25, 25, 25, 25, 25, 25,
    ]);
    expect(answer).toMatchObject({ status: 'reported', sent: 190, total: 190 });
  });

  it('records 300 tests with 50 KB stack traces fully, in more and smaller requests, text cut to its limits', async () => {
    // Mostly two-byte characters: bytes, not the count of runs, must decide where a chunk ends.
    const trace = 'Ошибка: ожидался чек, получено ничего\n    at checkout.spec.ts:12\n'
      .repeat(800)
      .slice(0, 50_000);
    const message = `Expected receipt ${'x'.repeat(10_000)}`;
    const failing: TestSuite = {
      name: 'bulk',
      cases: manyCases(300).cases.map((testCase) => ({
        ...testCase,
        status: 'failed' as const,
        message,
        details: trace,
      })),
    };
    const { report: answer } = await report(
      settingsWith({ spiraMapping: 'default = 2' }),
      resultOf([failing]),
    );
    expect(answer).toMatchObject({ status: 'reported', sent: 300, total: 300 });

    const data = await kept();
    expect(data.runs).toHaveLength(300);
    expect(data.counts.duplicates).toBe(0);
    expect(new Set(data.runs.map((r: { RunnerTestName: string }) => r.RunnerTestName)).size).toBe(
      300,
    );
    for (const run of data.runs as Array<{ RunnerMessage: string; RunnerStackTrace: string }>) {
      expect(run.RunnerMessage.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
      expect(run.RunnerMessage).toMatch(/^Expected receipt x+… \[[\d,]+ more characters\]$/);
      expect(run.RunnerStackTrace.length).toBeLessThanOrEqual(MAX_STACK_CHARS);
      expect(run.RunnerStackTrace.length).toBeGreaterThan(MAX_STACK_CHARS - 100);
      expect(run.RunnerStackTrace.startsWith(trace.slice(0, 1000))).toBe(true);
      expect(run.RunnerStackTrace).toMatch(/… \[[\d,]+ more characters\]$/);
    }

    const log = (await requests()).filter((r) => r.route === 'recordMultiple');
    expect(log.every((r) => r.status === 200)).toBe(true);
    // More requests than chunks of 25 would make: the size budget cut them.
    expect(log.length).toBeGreaterThan(300 / 25);
    expect(log.reduce((sum, r) => sum + (r.body as unknown[]).length, 0)).toBe(300);
    for (const r of log) {
      const bytes = Number(r.headers['content-length']);
      expect(bytes).toBe(Buffer.byteLength(JSON.stringify(r.body)));
      expect(bytes).toBeLessThan(512 * 1024);
    }
  });

  it('sends a chunk refused as too large (413) again as two halves, each once', async () => {
    await scenario({ faultsAt: 'recordMultiple#1:413' });
    const { report: answer, infos } = await report(
      settingsWith({ spiraMapping: 'default = 1' }),
      resultOf([manyCases(50)]),
    );
    expect(answer).toMatchObject({ status: 'reported', sent: 50 });
    const log = (await requests()).filter((r) => r.route === 'recordMultiple');
    expect(log.map((r) => [(r.body as unknown[]).length, r.status])).toEqual([
      [25, 413],
      [25, 200],
      [13, 200],
      [12, 200],
    ]);
    const data = await kept();
    expect(data.runs).toHaveLength(50);
    expect(data.counts.duplicates).toBe(0);
    expect(infos.join('\n')).toContain('sending it again as two chunks of 13 and 12');
  });

  it('does not split a half again when it is refused as too large too', async () => {
    // The first chunk and then one of its halves (the third request) are refused.
    await scenario({ faultsAt: 'recordMultiple#1:413,recordMultiple#3:413' });
    const { report: answer } = await report(
      settingsWith({ spiraMapping: 'default = 1' }),
      resultOf([manyCases(50)]),
    );
    const log = (await requests()).filter((r) => r.route === 'recordMultiple');
    expect(log.map((r) => r.status)).toEqual([413, 200, 413, 200]);
    expect(answer.status).toBe('failed');
    expect(answer.message).toContain(
      'Spira refused recording test runs for test case 1 in product 24 (release 155); it said HTTP 413',
    );
    expect(answer.message).toContain('37 of 50 test runs were recorded.');
    expect(answer.sent).toBe(37);
    expect((await kept()).runs).toHaveLength(37);
  });

  it('falls back to record, one run per request and still at most 3 in flight, on a server without record-multiple', async () => {
    await scenario({ latencyMs: 20, spiraRecordMultiple: false });
    const settings = settingsWith({ spiraMapping: 'default = 3' });
    const { report: answer, infos } = await report(settings, resultOf([manyCases(60)]));
    const data = await kept();
    expect(data.runs).toHaveLength(60);
    expect(data.counts.duplicates).toBe(0);
    expect(data.runs.every((run: { via: string }) => run.via === 'record')).toBe(true);
    expect(data.concurrency.peak).toBe(3);
    const log = await requests();
    const multiple = log.filter((r) => r.path.endsWith('/record-multiple'));
    // The chunks already in flight learn it too; nothing of theirs was recorded.
    expect(multiple.length).toBeGreaterThanOrEqual(1);
    expect(multiple.length).toBeLessThanOrEqual(3);
    expect(multiple.every((r) => r.status === 404)).toBe(true);
    expect(log.filter((r) => r.route === 'record')).toHaveLength(60);
    expect(log.filter((r) => r.route === 'record').every((r) => !Array.isArray(r.body))).toBe(true);
    expect(infos.join('\n')).toContain('recording one run per request instead');
    expect(answer).toMatchObject({ status: 'reported', sent: 60 });
  });
});

// ---------------------------------------------------------------- retries without duplicates

describe('retries without duplicates', () => {
  it('sends deadlock victims again (backoff, fewer in flight) and records every result once', async () => {
    await scenario({ latencyMs: 30, spiraWriteLimit: 1, spiraDeadlockProbability: 1 });
    const settings = settingsWith({ spiraMapping: 'default = 1' });
    const { report: answer, clock, infos } = await report(settings, resultOf([manyCases(100)]));
    const data = await kept();
    // The first three writes overlap: two lose, and each loss lets one fewer out at once, so
    // the retries go one at a time instead of deadlocking again until the attempts run out.
    expect(data.concurrency.deadlocks).toBeGreaterThanOrEqual(2);
    expect(data.runs).toHaveLength(100);
    expect(data.counts.duplicates).toBe(0);
    expect(new Set(data.runs.map((r: { RunnerTestName: string }) => r.RunnerTestName)).size).toBe(
      100,
    );
    // Backoff with jitter (random pinned at 0.5: 0.75 × 500 ms on the first retry).
    expect(clock.sleeps.length).toBeGreaterThan(0);
    expect(clock.sleeps[0]).toBe(375);
    expect(infos.join('\n')).toContain('deadlock victim');
    expect(infos.join('\n')).toContain('with at most 1 write(s) in flight');
    expect(answer).toMatchObject({ status: 'reported', sent: 100 });
  });

  it('lets the HTTP client retry a 429 (nothing was written) and records once', async () => {
    await scenario({ faultsAt: 'recordMultiple#1:429' });
    const { report: answer } = await report(
      settingsWith({ spiraMapping: 'default = 1' }),
      resultOf([manyCases(3)]),
    );
    expect(answer.status).toBe('reported');
    const log = await requests();
    expect(log.map((r) => r.status)).toEqual([429, 200]);
    expect((await kept()).runs).toHaveLength(3);
  });

  it.each([
    ['a 500 answer (not a deadlock)', 'recordMultiple#1:500', /HTTP 500/],
    ['a 502 answer', 'recordMultiple#1:502', /HTTP 502/],
    // 503 comes with Retry-After: 1; the HTTP client would retry it for a read.
    ['a 503 answer with Retry-After', 'recordMultiple#1:503', /HTTP 503/],
    [
      'a connection reset after the write was done',
      'recordMultiple#1:reset-after',
      /ECONNRESET|socket hang up/,
    ],
  ])(
    'does not send again after %s, and says the chunk may or may not be recorded',
    async (_name, fault, said) => {
      await scenario({ faultsAt: fault });
      const { report: answer } = await report(
        settingsWith({ spiraMapping: 'default = 1' }),
        resultOf([manyCases(50)]),
      );
      const log = await requests();
      // Two chunks, each sent exactly once.
      expect(log.map((r) => r.route)).toEqual(['recordMultiple', 'recordMultiple']);
      expect(answer.status).toBe('failed');
      expect(answer.sent).toBe(25);
      expect(answer.message).toMatch(said);
      expect(answer.message).toContain('25 of 50 test runs were recorded');
      expect(answer.message).toContain('the last 25 runs sent may or may not have been recorded');
      expect(answer.message).toContain('not sent again, so that no run is recorded twice');
      expect(answer.url).toBe(`${origin}/24/TestRun/List.aspx`);
      expect((await kept()).counts.duplicates).toBe(0);
    },
  );

  it('does not send again a chunk Spira stored before a 5xx answer: every result is held once', async () => {
    // The first write to succeed is stored, but a gateway answers 504 for it: a client that
    // resent 5xx answers to record-multiple would record those 25 runs twice.
    await scenario({ spiraLostWrite: 1 });
    const {
      report: answer,
      clock,
      infos,
    } = await report(settingsWith({ spiraMapping: 'default = 1' }), resultOf([manyCases(50)]));
    const log = (await requests()).filter((r) => r.route === 'recordMultiple');
    // Two chunks, each sent exactly once; no backoff, no "retrying" from the HTTP client.
    expect(log.map((r) => r.status).sort()).toEqual([200, 504]);
    expect(clock.sleeps).toEqual([]);
    expect(infos.join('\n')).not.toMatch(/retrying/i);

    const data = await kept();
    expect(data.runs).toHaveLength(50);
    expect(data.counts.duplicates).toBe(0);
    expect(new Set(data.runs.map((r: { RunnerTestName: string }) => r.RunnerTestName)).size).toBe(
      50,
    );
    expect(answer).toMatchObject({ status: 'failed', sent: 25 });
    expect(answer.message).toBe(
      'Spira failed while recording test runs for test case 1 in product 24 (release 155) ' +
        '(HTTP 504: 504 Gateway Time-out); not sent again, so that no run is recorded twice. ' +
        '25 of 50 test runs were recorded; the last 25 runs sent may or may not have been recorded ' +
        '(check the test runs in Spira before reporting again).',
    );
  });
});

// ---------------------------------------------------------------- manual runs (KB684)

describe('manual runs (KB684)', () => {
  const MANUAL = [
    'shop.Manual.Login = TC:290 manual',
    'shop.Manual.Logout = 283 manual',
    'shop.Manual.Skipped = 304 manual',
    'shop.Manual.Auto = 1',
  ].join('\n');

  function manualResult(): RunResult {
    return resultOf([
      {
        name: 'Manual',
        timestamp: '2024-05-14T15:00:00Z',
        cases: [
          { name: 'Login', classname: 'shop.Manual', status: 'passed', durationSeconds: 60 },
          {
            name: 'Logout',
            classname: 'shop.Manual',
            status: 'failed',
            durationSeconds: 30,
            message: 'Logout button missing',
          },
          { name: 'Skipped', classname: 'shop.Manual', status: 'skipped' },
          { name: 'Auto', classname: 'shop.Manual', status: 'passed' },
        ],
      },
    ]);
  }

  it('creates shells, sets every step, lets Spira compute the run status, and PUTs them back', async () => {
    const settings = settingsWith({
      spiraMapping: MANUAL,
      spiraTestSetId: '2',
      spiraBuildName: 'Nightly #42',
    });
    const { report: answer } = await report(settings, manualResult());
    const data = await kept();
    const byCase = Object.fromEntries(
      (data.runs as Array<Record<string, unknown>>).map((run) => [run.TestCaseId, run]),
    );
    expect(Object.keys(byCase).sort()).toEqual(['1', '283', '290', '304']);

    for (const [id, status, actual] of [
      [290, 2, 'Passed'],
      [283, 1, 'Logout button missing'],
    ] as const) {
      const run = byCase[id] as Record<string, unknown> & {
        TestRunSteps: Array<Record<string, unknown>>;
      };
      expect(run).toMatchObject({
        via: 'manual',
        TestRunTypeId: 1,
        ReleaseId: 155,
        TestSetId: 2,
        BuildId: 1,
        // Computed by Spira from the steps: the run-level status was deleted before the PUT.
        ExecutionStatusId: status,
        sentRunStatus: null,
      });
      expect(run.TestRunSteps).toHaveLength(2);
      expect(
        run.TestRunSteps.map((s) => [s.TestStepId, s.ExecutionStatusId, s.ActualResult]),
      ).toEqual([
        [id * 100 + 1, status, actual],
        [id * 100 + 2, status, actual],
      ]);
    }
    expect(byCase[290]).toMatchObject({
      StartDate: '2024-05-14T15:00:00.000Z',
      EndDate: '2024-05-14T15:01:00.000Z',
    });
    expect(byCase[283]).toMatchObject({
      StartDate: '2024-05-14T15:01:00.000Z',
      EndDate: '2024-05-14T15:01:30.000Z',
    });
    // Skipped goes the automated way: Spira refuses an all-Not-Run manual run.
    expect(byCase[304]).toMatchObject({
      via: 'record-multiple',
      TestRunTypeId: 2,
      ExecutionStatusId: 3,
    });
    expect(byCase[1]).toMatchObject({ via: 'record-multiple', ExecutionStatusId: 2 });

    const log = await requests();
    const create = log.find((r) => r.route === 'createShells')!;
    expect(create.query).toEqual({ release_id: '155' });
    expect(create.body).toEqual([290, 283]);
    const put = log.find((r) => r.route === 'saveRuns')!;
    expect(put.status).toBe(200);
    expect(put.query).toEqual({ end_date: '2024-05-14T15:01:30.000Z' });
    const sent = put.body as Array<
      Record<string, unknown> & { TestRunSteps: Array<Record<string, unknown>> }
    >;
    for (const run of sent) {
      expect(run.TestRunId).toBe(0);
      expect('ExecutionStatusId' in run).toBe(false);
      expect(run.ConcurrencyDate).toEqual(expect.any(String));
      expect(run.TestRunSteps.every((step) => step.TestRunStepId === 0)).toBe(true);
    }
    expect(answer).toMatchObject({
      status: 'reported',
      message:
        'Recorded 4 test runs (2 as manual runs) in Spira product 24, release 155 (build 1).',
      sent: 4,
    });
  });

  it('keeps the run-level status for test cases without steps, and omits release_id when unset', async () => {
    await scenario({ spiraStepsPerTestCase: 0 });
    const settings = settingsWith({ spiraMapping: MANUAL, spiraReleaseId: '' });
    const { report: answer } = await report(settings, manualResult());
    const runs = (await kept()).runs as Array<Record<string, unknown>>;
    const manual = runs.filter((run) => run.via === 'manual');
    expect(manual.map((run) => [run.TestCaseId, run.ExecutionStatusId, run.sentRunStatus])).toEqual(
      [
        [290, 2, 2],
        [283, 1, 1],
      ],
    );
    const create = (await requests()).find((r) => r.route === 'createShells')!;
    expect(create.query).toEqual({});
    expect(answer.status).toBe('reported');
  });

  it('sends skipped tests the automated way even when skipped maps to N/A', async () => {
    const settings = settingsWith({ spiraMapping: MANUAL, spiraStatuses: 'skipped=4' });
    await report(settings, manualResult());
    const runs = (await kept()).runs as Array<Record<string, unknown>>;
    const skipped = runs.find((run) => run.TestCaseId === 304);
    expect(skipped).toMatchObject({
      via: 'record-multiple',
      TestRunTypeId: 2,
      ExecutionStatusId: 4,
    });
    expect(runs.filter((run) => run.via === 'manual').map((run) => run.TestCaseId)).toEqual([
      290, 283,
    ]);
  });

  it('reports an unknown manual test case with the ids involved, and nothing recorded', async () => {
    const settings = settingsWith({ spiraMapping: 'shop.Manual.Login = 999 manual' });
    const { report: answer } = await report(settings, manualResult());
    expect(answer.status).toBe('failed');
    expect(answer.message).toContain(
      'creating manual-run shells for test case 999 in product 24 (release 155)',
    );
    expect(answer.message).toContain('Unable to find test case TC with id 999');
    expect(answer.message).toContain('No test run was recorded (of 1).');
    expect((await kept()).runs).toHaveLength(0);
  });
});

// ---------------------------------------------------------------- nothing to send, failures

describe('nothing to send', () => {
  it('skips a result without tests', async () => {
    const { report: answer } = await report(settingsWith(), resultOf([]));
    expect(answer).toMatchObject({ status: 'skipped', total: 0, sent: 0 });
    expect(answer.message).toMatch(/no test results to report/i);
    expect(await requests()).toEqual([]);
  });

  it('fails without sending a request when no test maps (failOnNoMatch, the default)', async () => {
    const result = resultOf([
      {
        name: 's',
        cases: [
          { name: 'a', classname: 'x', status: 'passed' },
          { name: 'b', status: 'failed' },
        ],
      },
    ]);
    const { report: answer } = await report(settingsWith({ spiraBuildName: 'b' }), result);
    expect(answer.status).toBe('failed');
    expect(answer.message).toContain(
      'None of the 2 tests maps to a Spira test case, so nothing was sent.',
    );
    for (const way of [
      'spiraMapping',
      'default = 123',
      'TC:123',
      'spira.testCaseId',
      'failOnNoMatch: false',
    ]) {
      expect(answer.message).toContain(way);
    }
    expect(answer.unmatched).toEqual(['x › a', 'b']);
    expect(answer.url).toBeUndefined();
    // Not even the build.
    expect(await requests()).toEqual([]);
  });

  it('skips with the explanation when failOnNoMatch is off', async () => {
    const result = resultOf([{ name: 's', cases: [{ name: 'a', status: 'passed' }] }]);
    const { report: answer } = await report(settingsWith({ failOnNoMatch: 'false' }), result);
    expect(answer.status).toBe('skipped');
    expect(answer.message).toContain('maps to no Spira test case');
    expect(answer.message).not.toContain('failOnNoMatch');
    expect(await requests()).toEqual([]);
  });
});

describe('failures', () => {
  it("says Spira refused spiraUsername's API key on Access Denied", async () => {
    const other = '{00000000-0000-4000-8000-000000000000}';
    const { report: answer } = await report(
      settingsWith({ spiraApiKey: other, spiraMapping: 'default = 1', spiraBuildName: 'b' }),
      mixedResult(),
    );
    expect(answer.status).toBe('failed');
    expect(answer.message).toBe(
      'Spira refused the API key of spiraUsername "relay-bot" (HTTP 401: Access Denied): check spiraApiKey ' +
        "(the user's RSS token from My Profile, with its curly braces) and that RSS/API access is enabled for that user. " +
        'No test run was recorded (of 7).',
    );
    expect(answer.message).not.toContain('00000000-0000-4000');
    expect(answer.id).toBeUndefined();
    expect((await requests()).map((r) => r.route)).toEqual(['createBuild']);
  });

  it.each([
    ['braced', KEY],
    ['bare', GUID],
  ])(
    'never shows the %s API key in the log, the report or the summary when Spira answers 401',
    async (_form, key) => {
      // The right key, for a user Spira does not know: the key goes out and is refused, and
      // the answer quotes it back.
      await scenario({ spiraEchoKey: true });
      const settings = settingsWith({
        spiraApiKey: key,
        spiraUsername: 'someone-else',
        spiraMapping: 'default = 1',
      });
      const result = resultOf([manyCases(3)]);
      const { report: answer, logged } = await report(settings, result);
      expect(answer.status).toBe('failed');
      // Spira's text is kept, with the key it quoted masked.
      expect(answer.message).toMatch(/HTTP 401: Access Denied \(api-key "\{?\*\*\*\}?"\)/);
      const log = await requests();
      expect(log.map((r) => r.status)).toEqual([401]);
      expect(log[0].authorized).toBe(false);

      const summary = renderSummary(result, { sinks: [answer] });
      expect(summary).toContain('Access Denied');
      const everything = [logged.join('\n'), JSON.stringify(answer), summary].join('\n');
      for (const secret of [KEY, GUID, GUID.toLowerCase()]) {
        expect(everything).not.toContain(secret);
      }
    },
  );

  it('adds the braces to a key given without them, and gives the key to the redactor', async () => {
    const { report: answer, redactor } = await report(
      settingsWith({ spiraApiKey: GUID, spiraMapping: 'default = 1' }),
      resultOf([manyCases(2)]),
    );
    expect(answer.status).toBe('reported');
    expect(redactor.redact(`key ${KEY} and ${GUID.toLowerCase()}`)).toBe('key *** and ***');
  });

  it('reports a 404 for an unknown test case with Spira text and the ids, after what was recorded', async () => {
    const suites = [manyCases(50), { ...manyCases(10, 'gone'), name: 'gone' }];
    const settings = settingsWith({
      spiraMapping: 'default = 1\nbulk.Suite.gone 3 = 999',
      spiraTestSetId: '2',
    });
    const { report: answer } = await report(settings, resultOf(suites));
    expect(answer.status).toBe('failed');
    expect(answer.message).toContain(
      'Spira found no such artifact while recording test runs for test cases 1, 999 in product 24 (release 155, test set 2); it said',
    );
    expect(answer.message).toContain('HTTP 404: Unable to find test case TC with id 999');
    // The three chunks went out together; the two without 999 were recorded.
    expect(answer.message).toContain('50 of 60 test runs were recorded.');
    expect(answer.sent).toBe(50);
    expect((await kept()).runs).toHaveLength(50);
  });

  it('reports an unknown release when creating the build', async () => {
    const { report: answer } = await report(
      settingsWith({ spiraReleaseId: '7', spiraBuildName: 'b', spiraMapping: 'default = 1' }),
      mixedResult(),
    );
    expect(answer.status).toBe('failed');
    expect(answer.message).toBe(
      'Spira found no such artifact while creating build "b" in product 24 (release 7); it said ' +
        'HTTP 404: Unable to find release RL with id 7. Check spiraProjectId and spiraReleaseId. ' +
        'No test run was recorded (of 7).',
    );
    expect(await requests()).toHaveLength(1);
  });

  it('stops on cancel mid-way: the writes in flight are in doubt, the queued ones are never sent', async () => {
    await scenario({ latencyMs: 150 });
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 50);
    const { report: answer } = await report(
      settingsWith({ spiraMapping: 'default = 1' }),
      resultOf([manyCases(100)]),
      controller.signal,
    );
    clearTimeout(timer);
    expect(answer.status).toBe('failed');
    expect(answer.message).toBe(
      'Reporting to Spira was cancelled while recording test runs. No test run was recorded (of 100); ' +
        'the last 75 runs sent may or may not have been recorded (check the test runs in Spira before reporting again).',
    );
    // Three chunks were in flight; the fourth never left.
    expect((await requests()).map((r) => r.route)).toEqual([
      'recordMultiple',
      'recordMultiple',
      'recordMultiple',
    ]);
  });

  it("says when the relay's time budget ran out rather than a cancel", async () => {
    await scenario({ latencyMs: 150 });
    const { report: answer } = await report(
      settingsWith({ spiraMapping: 'default = 1' }),
      resultOf([manyCases(3)]),
      AbortSignal.timeout(40),
    );
    expect(answer.status).toBe('failed');
    expect(answer.message).toMatch(
      /^Reporting to Spira was stopped: it ran out of time while recording test runs\. No test run was recorded \(of 3\); the last 3 runs sent may or may not have been recorded/,
    );
  });

  it('does not create a build twice when its answer is lost', async () => {
    await scenario({ faultsAt: 'createBuild#1:502' });
    const { report: answer } = await report(
      settingsWith({ spiraMapping: 'default = 1', spiraBuildName: 'b' }),
      mixedResult(),
    );
    expect(answer.status).toBe('failed');
    expect(answer.message).toContain(
      'the build may or may not have been created (not sent again, so that there are not two)',
    );
    expect(answer.message).toContain('No test run was recorded (of 7).');
    expect((await requests()).map((r) => r.route)).toEqual(['createBuild']);
  });

  it('respects the abort signal: a cancelled report sends nothing more and says so', async () => {
    const controller = new AbortController();
    controller.abort();
    const { report: answer } = await report(
      settingsWith({ spiraMapping: 'default = 1' }),
      resultOf([manyCases(3)]),
      controller.signal,
    );
    expect(answer.status).toBe('failed');
    expect(answer.message).toBe(
      'Reporting to Spira was cancelled while recording test runs. No test run was recorded (of 3).',
    );
    expect(await requests()).toEqual([]);
  });
});
