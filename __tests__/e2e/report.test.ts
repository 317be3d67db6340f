// reportTo end to end: the bundled action and CLI hand results — from JUnit files, and from a
// Testsigma run — to the Testomat.io and Spira simulators on 127.0.0.1, and the tests read
// back from the simulators exactly what arrived.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { startSimulator, type RunningSimulator } from '../../src/vendors/simulators.js';
import { ROOT, runAction, runCli, type StepResult } from '../helpers/github-runner.js';
import { placesHolding } from '../helpers/secrets.js';
import { type SimulatorHandle, startTestsigma } from '../helpers/simulator.js';

const FIXTURES = path.join(ROOT, '__tests__', 'fixtures', 'e2e-report');
const TESTOMATIO_KEY = 'tstmt_e2e-project-token-7f3a';
const SPIRA_USER = 'relay-bot';
const SPIRA_KEY = '{6C8E0C1A-2B3D-4E5F-8A9B-0C1D2E3F4A5B}';
const TESTSIGMA_KEY = 'ts-e2e-key-report-91c2';

let testomatio: RunningSimulator;
let spira: RunningSimulator;

beforeAll(async () => {
  testomatio = await startSimulator({ vendor: 'testomatio' });
  spira = await startSimulator({ vendor: 'spira', apiKey: SPIRA_KEY });
});
afterAll(async () => {
  await testomatio.close();
  await spira.close();
});
beforeEach(async () => {
  for (const sim of [testomatio, spira]) {
    await fetch(`${sim.baseUrl}/__sim/reset`, { method: 'POST' });
  }
  // Only tests with an id match: the one without stays unmatched, as on a real project.
  await scenario(testomatio, { matching: 'id' });
});

async function scenario(sim: RunningSimulator, patch: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${sim.baseUrl}/__sim/scenario`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(patch),
  });
  expect(response.status).toBe(200);
}

// Kept data of the simulators (shapes: testomatio/sim/model.ts runView, spira/sim/state.ts).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function kept(sim: RunningSimulator): Promise<any> {
  return (await fetch(`${sim.baseUrl}/__sim/runs`)).json();
}

async function requestCount(sim: RunningSimulator): Promise<number> {
  const log = (await (await fetch(`${sim.baseUrl}/__sim/requests`)).json()) as unknown[];
  return log.length;
}

function sinkInputs(extra: Record<string, string> = {}): Record<string, string> {
  return {
    reportTo: 'testomatio,spira',
    testomatioApiKey: TESTOMATIO_KEY,
    testomatioUrl: testomatio.baseUrl,
    testomatioEnv: 'Linux, Chrome',
    spiraUrl: spira.baseUrl,
    spiraUsername: SPIRA_USER,
    spiraApiKey: SPIRA_KEY,
    spiraProjectId: '24',
    spiraReleaseId: '155',
    spiraTestSetId: '2',
    spiraMapping: 'spira.cfg',
    ...extra,
  };
}

function withFixtures(step: { workspace: string }): void {
  fs.cpSync(FIXTURES, step.workspace, { recursive: true });
}

function expectNoSecrets(step: Partial<StepResult>): void {
  for (const secret of [TESTOMATIO_KEY, SPIRA_KEY, SPIRA_KEY.slice(1, -1), TESTSIGMA_KEY]) {
    expect(placesHolding(secret, step)).toEqual([]);
  }
}

/** What both simulators must hold after the fixture's five tests were reported. */
async function expectFixtureReported(): Promise<{ runUrl: string }> {
  const { runs } = await kept(testomatio);
  expect(runs).toHaveLength(1);
  const run = runs[0];
  expect(run).toMatchObject({ status: 'finished', result: 'failed', env: 'Linux, Chrome' });
  expect(run.updates.at(-1)).toMatchObject({
    statusEvent: 'fail',
    sharedRun: 'false',
    body: { tests_count: 5, passed_count: 2, failed_count: 2, skipped_count: 1, duration: 5 },
  });
  const byTitle = Object.fromEntries(run.received.map((t: { title: string }) => [t.title, t]));
  expect(Object.keys(byTitle).sort()).toEqual([
    'applies a coupon',
    'finds by name',
    'pays by card',
    'pays by invoice TC:283',
    'sorts by price',
  ]);
  expect(byTitle['pays by card']).toMatchObject({
    matchedTestId: '@Ta1b2c3d4',
    status: 'passed',
    runTime: 1500,
    outcome: 'added',
    suiteTitle: 'Checkout',
  });
  expect(byTitle['pays by invoice TC:283']).toMatchObject({
    matchedTestId: '@Tb2c3d4e5',
    status: 'failed',
    runTime: 2250,
    message: 'Expected receipt page',
  });
  expect(byTitle['applies a coupon']).toMatchObject({
    matchedTestId: '@Tc3d4e5f6',
    status: 'failed',
    runTime: 500,
  });
  expect(byTitle['applies a coupon'].message).toMatch(/^\[error\] NullPointerException/);
  expect(byTitle['finds by name']).toMatchObject({ status: 'skipped', message: 'not on staging' });
  expect(byTitle['sorts by price']).toMatchObject({ outcome: 'unmatched', matchedTestId: null });
  expect(run.counts).toMatchObject({ duplicates: 0, held: 4, passed: 1, failed: 2, skipped: 1 });

  const spiraKept = await kept(spira);
  const recorded = spiraKept.runs
    .map((r: { TestCaseId: number; ExecutionStatusId: number }) => [
      r.TestCaseId,
      r.ExecutionStatusId,
    ])
    .sort((a: number[], b: number[]) => a[0] - b[0]);
  // passed 2, failed 1, error 5 (Blocked), skipped 3 (Not Run); "sorts by price" maps to nothing.
  expect(recorded).toEqual([
    [1, 3],
    [283, 1],
    [290, 2],
    [304, 5],
  ]);
  for (const r of spiraKept.runs) {
    expect(r).toMatchObject({ ProjectId: 24, ReleaseId: 155, TestSetId: 2, TestRunTypeId: 2 });
    expect(r.RunnerName).toBe('TestRelay');
    expect(r.EndDate).toMatch(/^\d{4}-\d\d-\d\dT/);
  }
  expect(spiraKept.counts.duplicates).toBe(0);
  expect(spiraKept.concurrency.peak).toBeLessThanOrEqual(3);
  return { runUrl: run.url };
}

describe('reportTo from JUnit files', () => {
  it('the action reports to both systems: statuses, counts, links, unmatched tests warned', async () => {
    const step = await runAction(
      { junitFiles: 'results.xml', ...sinkInputs() },
      { prepare: withFixtures },
    );
    // One test failed and one errored: the step fails for them, not for the reporting.
    expect(step.exitCode).toBe(1);
    expect(step.outputs).toMatchObject({
      total: '5',
      passed: '2',
      failed: '2',
      skipped: '1',
      verdict: 'failed',
    });
    const { runUrl } = await expectFixtureReported();
    expect(step.outputs.testomatioRunUrl).toBe(runUrl);
    expect(step.outputs.testomatioRunId).toBe(runUrl.split('/').at(-1));
    // The service path pasted into spiraUrl is cut back to the instance for the page link.
    expect(step.outputs.spiraRunUrl).toBe(`${new URL(spira.baseUrl).origin}/24/TestRun/List.aspx`);

    expect(step.stdout).toMatch(
      /::warning::Testomat\.io: 1 of 5 tests matched nothing there: Search › sorts by price/,
    );
    expect(step.stdout).toMatch(
      /::warning::Spira: 1 of 5 tests matched nothing there: Search › sorts by price/,
    );
    expect(step.stdout).toMatch(/::error::2 of 5 tests failed\./);
    expect(step.summary).toContain('### Reported to');
    expect(step.summary).toMatch(/\| Testomat\.io \| ✅ reported \| 5 of 5 \| 1 \|/);
    expect(step.summary).toMatch(/\| Spira \| ✅ reported \| 4 of 5 \| 1 \|/);
    expect(step.summary).toContain('1 test not matched in Spira');
    expectNoSecrets(step);
  });

  it('a job cancelled while reporting keeps its outputs and still closes the run as failed', async () => {
    // The signal comes while the run is created, or (slow) while its tests are on their way.
    await scenario(testomatio, { faultsAt: 'addTests#1:slow', slowMs: 20_000 });
    const step = await runAction(
      { junitFiles: 'results.xml', ...sinkInputs({ reportTo: 'testomatio' }) },
      {
        prepare: withFixtures,
        sendSignal: { signal: 'SIGTERM', when: /Reporting to Testomat\.io/ },
      },
    );
    expect(step.exitAfterSignalMs).toBeLessThan(5000);
    expect(step.exitCode).toBe(1);
    // Set before reporting began: a later step still gets the results.
    expect(step.outputs).toMatchObject({ total: '5', passed: '2', failed: '2', skipped: '1' });
    const { runs } = await kept(testomatio);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'finished', result: 'failed' });
    expect(runs[0].updates.at(-1).statusEvent).toBe('fail');
    expectNoSecrets(step);
  });

  it('the CLI report command does the same, with its outputs file', async () => {
    const flags = Object.entries(sinkInputs()).flatMap(([name, value]) => [
      `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
      value,
    ]);
    const step = await runCli(
      ['report', '--junit-files', 'results.xml', ...flags, '--outputs-file', 'out.env'],
      { prepare: withFixtures },
    );
    expect(step.exitCode).toBe(1);
    const { runUrl } = await expectFixtureReported();
    const outputs = fs.readFileSync(path.join(step.workspace, 'out.env'), 'utf8');
    expect(outputs).toContain(`testomatioRunUrl=${runUrl}`);
    expect(outputs).toMatch(/^spiraRunUrl=http/m);
    expect(outputs).toContain('total=5');
    expectNoSecrets(step);
  });

  it('a sink that matches no test fails loudly, and sends nothing', async () => {
    const step = await runAction(
      {
        junitFiles: 'results.xml',
        ...sinkInputs({ reportTo: 'spira', spiraMapping: '' }),
      },
      {
        prepare: (ws) => {
          fs.writeFileSync(
            path.join(ws.workspace, 'results.xml'),
            '<testsuite name="s"><testcase classname="A" name="one"/><testcase classname="A" name="two"/></testsuite>',
          );
        },
      },
    );
    expect(step.exitCode).toBe(1);
    expect(step.stdout).toMatch(/::error::Reporting to Spira failed: .*2 tests.*spiraMapping/);
    expect(step.outputs).toMatchObject({ total: '2', passed: '2' });
    expect(await requestCount(spira)).toBe(0);
    expect(step.summary).toMatch(/\| Spira \| ❌ failed \| 0 of 2 \| 2 \|/);
  });

  it('failOnNoMatch false: zero matches only warn, and the step passes', async () => {
    const step = await runAction(
      {
        junitFiles: 'one.xml',
        failOnNoMatch: 'false',
        ...sinkInputs({ reportTo: 'spira', spiraMapping: '' }),
      },
      {
        prepare: (ws) => {
          fs.writeFileSync(
            path.join(ws.workspace, 'one.xml'),
            '<testsuite name="s"><testcase classname="A" name="one"/></testsuite>',
          );
        },
      },
    );
    expect(step.exitCode).toBe(0);
    expect(step.summary).toMatch(/\| Spira \| ⏭️ not reported \|/);
  });

  it('a failing sink never costs the results, nor the other sink', async () => {
    const step = await runAction(
      {
        junitFiles: 'results.xml',
        failOnTestFailure: 'false',
        ...sinkInputs({ spiraApiKey: '{00000000-0000-0000-0000-000000000000}' }),
      },
      { prepare: withFixtures },
    );
    expect(step.exitCode).toBe(1);
    expect(step.stdout).toMatch(/::error::Reporting to Spira failed: /);
    expect(fs.existsSync(path.join(step.workspace, step.outputs.junitPath))).toBe(true);
    expect(step.outputs).toMatchObject({ total: '5', failed: '2' });
    expect(step.outputs.testomatioRunUrl).toMatch(/\/runs\//);
    expect((await kept(testomatio)).runs[0].status).toBe('finished');
    expect((await kept(spira)).runs).toHaveLength(0);
    expect(step.summary).toMatch(/\| Spira \| ❌ failed \|/);
    expect(step.summary).toMatch(/\| Testomat\.io \| ✅ reported \|/);
  });
});

describe('reportTo after a vendor run', () => {
  let testsigma: SimulatorHandle;
  beforeAll(async () => {
    testsigma = await startTestsigma(TESTSIGMA_KEY);
  });
  afterAll(() => testsigma.close());

  it('a Testsigma run chained with reportTo testomatio,spira reports its results to both', async () => {
    const names = ['Login works @Ta0b0c0d0', 'Logout works @Ta0b0c0d1', 'Pay by card @Ta0b0c0d2'];
    await testsigma.scenario({
      queuedSeconds: 0,
      durationSeconds: 1,
      tests: 3,
      failed: 1,
      errored: 0,
      skipped: 0,
      testNames: names,
    });
    const step = await runAction({
      vendor: 'testsigma',
      baseUrl: testsigma.baseUrl,
      apiKey: TESTSIGMA_KEY,
      planId: '2090',
      pollInterval: '1s',
      ...sinkInputs({ spiraMapping: 'default = 5', testomatioTags: 'nightly' }),
    });
    expect(step.exitCode).toBe(1);
    expect(step.outputs).toMatchObject({ total: '3', failed: '1' });

    const { runs } = await kept(testomatio);
    expect(runs).toHaveLength(1);
    // The plan's name from Testsigma and the CI run (the runner's workflow and run number).
    expect(runs[0].title).toBe('Nightly regression · e2e #42');
    expect(runs[0].tags).toEqual(['nightly']);
    expect(runs[0].result).toBe('failed');
    expect(runs[0].received.map((t: { matchedTestId: string }) => t.matchedTestId).sort()).toEqual([
      '@Ta0b0c0d0',
      '@Ta0b0c0d1',
      '@Ta0b0c0d2',
    ]);
    expect(runs[0].counts).toMatchObject({ passed: 2, failed: 1, duplicates: 0 });
    const spiraKept = await kept(spira);
    expect(spiraKept.runs).toHaveLength(3);
    expect(spiraKept.runs.every((r: { TestCaseId: number }) => r.TestCaseId === 5)).toBe(true);
    expect(spiraKept.counts.byStatus).toEqual({ '1': 1, '2': 2 });
    expect(step.outputs.testomatioRunUrl).toBe(runs[0].url);
    expectNoSecrets(step);
  });

  it('a job cancelled mid-run still closes the run Testomat.io started the pipeline for', async () => {
    // Queued for the whole job: no poll can have counted tests before the cancel.
    await testsigma.scenario({ queuedSeconds: 60, durationSeconds: 60, tests: 3 });
    const created = await fetch(`${testomatio.baseUrl}/api/reporter`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: TESTOMATIO_KEY, title: 'Started by Testomat.io' }),
    });
    const { uid } = (await created.json()) as { uid: string };
    const step = await runAction(
      {
        vendor: 'testsigma',
        baseUrl: testsigma.baseUrl,
        apiKey: TESTSIGMA_KEY,
        planId: '2090',
        pollInterval: '1s',
        ...sinkInputs({ reportTo: 'testomatio', testomatioRunId: uid }),
      },
      { sendSignal: { signal: 'SIGTERM', when: /Started Testsigma run/ } },
    );
    expect(step.exitAfterSignalMs).toBeLessThan(5000);
    expect(step.exitCode).toBe(1);
    // The vendor's outputs are there even though the job was cut short.
    expect(step.outputs).toMatchObject({ state: 'cancelled', total: '0' });
    const { runs } = await kept(testomatio);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ uid, status: 'finished', result: 'failed', received: [] });
    expect(step.stdout).toContain(
      `Not reported: the job was cancelled. Marked Testomat.io run ${uid} failed, so it does not stay "running".`,
    );
    expectNoSecrets(step);
  });
});

describe('a shared Testomat.io run across parallel jobs', () => {
  it('each CLI job reports its part, and a last job closes the run', async () => {
    const shard = (name: string) => (ws: { workspace: string }) =>
      fs.writeFileSync(
        path.join(ws.workspace, 'part.xml'),
        `<testsuite name="s"><testcase classname="Cart" name="${name}" time="1"/></testsuite>`,
      );
    const common = [
      '--report-to',
      'testomatio',
      '--testomatio-url',
      testomatio.baseUrl,
      '--testomatio-title',
      'Nightly #42',
      '--outputs-file',
      'out.env',
    ];
    const env = { TESTRELAY_TESTOMATIO_API_KEY: TESTOMATIO_KEY };
    const parts = [];
    for (const name of ['adds @Taaaa0001', 'removes @Taaaa0002']) {
      parts.push(
        await runCli(
          ['report', '--junit-files', 'part.xml', '--testomatio-shared-run', ...common],
          { env, prepare: shard(name) },
        ),
      );
    }
    expect(parts.map((p) => p.exitCode)).toEqual([0, 0]);
    let { runs } = await kept(testomatio);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      status: 'running',
      parallelParts: ['pass_parallel', 'pass_parallel'],
    });
    const runId = /testomatioRunId=(\S+)/.exec(
      fs.readFileSync(path.join(parts[1].workspace, 'out.env'), 'utf8'),
    )?.[1];
    expect(runId).toBe(runs[0].uid);

    const close = await runCli(['report', ...common, '--testomatio-run-id', runId ?? ''], { env });
    expect(close.exitCode).toBe(0);
    expect(close.stderr + close.stdout).toContain(`closing Testomat.io run ${runId}`);
    ({ runs } = await kept(testomatio));
    expect(runs[0]).toMatchObject({ status: 'finished', result: 'passed' });
    expect(runs[0].updates.at(-1).statusEvent).toBe('finish');
    expect(runs[0].counts.held).toBe(2);
    expectNoSecrets(close);
  });

  it('the closing job can say the run failed, and takes no other system', async () => {
    const created = await fetch(`${testomatio.baseUrl}/api/reporter`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: TESTOMATIO_KEY, title: 'Nightly #43', shared_run: true }),
    });
    const { uid } = (await created.json()) as { uid: string };
    const env = { TESTRELAY_TESTOMATIO_API_KEY: TESTOMATIO_KEY };
    const close = ['report', '--testomatio-url', testomatio.baseUrl, '--testomatio-run-id', uid];

    const withSpira = await runCli([...close, '--report-to', 'testomatio,spira'], { env });
    expect(withSpira.exitCode).toBe(2);
    expect(withSpira.stderr).toContain(
      `reportTo: with no vendor and no junitFiles this job only closes Testomat.io run ${uid}; spira has nothing to receive`,
    );
    expect(await requestCount(testomatio)).toBe(1);

    const failed = await runCli(
      [...close, '--report-to', 'testomatio', '--testomatio-run-status', 'fail'],
      { env },
    );
    expect(failed.exitCode).toBe(0);
    expect(failed.stdout + failed.stderr).toContain(
      `Closed Testomat.io run ${uid} as failed (testomatioRunStatus).`,
    );
    const { runs } = await kept(testomatio);
    expect(runs[0]).toMatchObject({ status: 'finished', result: 'failed' });
    expect(runs[0].updates.at(-1).statusEvent).toBe('fail');
    expectNoSecrets(failed);
  });
});
