// The bundled GitHub Action (dist/index.js) and CLI (dist/cli/index.js) run as a runner or a
// user runs them, against the Squish Test Center simulator on 127.0.0.1.

import * as fs from 'node:fs';
import * as path from 'node:path';
import xml2js from 'xml2js';
import { parseJunitXml } from '../../src/core/junit-read.js';
import { startSimulator } from '../../src/vendors/simulators.js';
import { runAction, runCli, type StepResult } from '../helpers/github-runner.js';
import { placesHolding } from '../helpers/secrets.js';
import { SimulatorHandle } from '../helpers/simulator.js';

const TOKEN = 'squish-e2e-token-3b9d7f1a';
const AUTOMATION_TOKEN = 'squish-e2e-automation-6c2e';
const USER = 'ci-bot@example.com';
const PASSWORD = 'squish-e2e-pa55word';
const BASIC = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
const SHA = '0123456789abcdef0123456789abcdef01234567';
let sim: SimulatorHandle;

beforeAll(async () => {
  sim = new SimulatorHandle(await startSimulator({ vendor: 'squish', apiKey: TOKEN }));
});
afterAll(() => sim.close());
beforeEach(async () => {
  await fetch(`${sim.baseUrl}/__sim/reset`, { method: 'POST' });
  await sim.scenario(quick);
});

const quick = { queuedSeconds: 0, durationSeconds: 1, tests: 4, workers: 2 };

function inputs(extra: Record<string, string> = {}): Record<string, string> {
  return {
    vendor: 'squish',
    baseUrl: sim.baseUrl,
    apiKey: TOKEN,
    planId: '64',
    automationToken: AUTOMATION_TOKEN,
    pollInterval: '1s',
    ...extra,
  };
}

function expectNoSecret(step: Partial<StepResult>): void {
  for (const secret of [TOKEN, AUTOMATION_TOKEN, PASSWORD, BASIC]) {
    expect(placesHolding(secret, step)).toEqual([]);
  }
}

function annotations(step: StepResult, kind: 'error' | 'notice' | 'warning'): string[] {
  return step.stdout.split('\n').filter((line) => line.startsWith(`::${kind}`));
}

async function triggers() {
  return (await sim.requests()).filter((r) => r.route === 'trigger');
}

describe('GitHub Action × Squish Test Center simulator', () => {
  it('relays a passing plan by template id: outputs, JUnit, summary, one executeplan, no secret', async () => {
    const step = await runAction(inputs());

    expect(step.stderr).toBe('');
    expect(step.exitCode).toBe(0);
    expect(step.outputs).toMatchObject({
      state: 'completed',
      verdict: 'passed',
      total: '4',
      passed: '4',
      failed: '0',
      runId: '105',
      runUrl: `${sim.baseUrl}/project/Shop`,
    });
    expect(step.stdout).toContain(
      `Started Squish Test Center run 105: ${sim.baseUrl}/project/Shop`,
    );
    expect(step.stdout).toContain('results go to batch "main #42"');
    expect(step.stdout).toMatch(/in progress — \d open, \d running, \d done/);

    const junit = fs.readFileSync(path.join(step.workspace, 'testrelay-results/junit.xml'), 'utf8');
    const suites = await parseJunitXml(junit);
    expect(suites.flatMap((s) => s.cases)).toHaveLength(4);
    expect(suites.map((s) => s.name).sort()).toEqual([
      expect.stringMatching(/\[OS=Linux\]$/),
      expect.stringMatching(/\[OS=Windows\]$/),
    ]);
    expect(step.summary).toContain(`${sim.baseUrl}/project/Shop`);

    // The executeplan body: title and batch from the CI run, nothing else unasked.
    const sent = await triggers();
    expect(sent).toHaveLength(1);
    expect(sent[0].body).toEqual({ templateId: 64, title: 'e2e #42', batch: 'main #42' });
    expect(sent[0].status).toBe(201);
    const requests = await sim.requests();
    expect(requests.every((r) => r.authorized)).toBe(true);
    expect(requests.filter((r) => r.route === 'tests')).toHaveLength(1);
    expectNoSecret(step);
  });

  it('fails on a failed plan found by project and title, and annotates the failures', async () => {
    await sim.scenario({ tests: 5, failed: 2 });
    const step = await runAction(
      inputs({ planId: '', project: 'Shop', planTitle: 'CI Tests master' }),
    );
    expect(step.exitCode).toBe(1);
    expect(step.outputs).toMatchObject({ verdict: 'failed', total: '5', failed: '2', passed: '3' });
    expect(annotations(step, 'error').filter((a) => /title=Failed/.test(a))).toHaveLength(2);
    expect(annotations(step, 'error').join('\n')).toMatch(/2 of 5 tests failed/);
    const lookups = (await sim.requests()).filter((r) => r.route === 'lookup');
    expect(lookups.map((r) => r.query)).toEqual([
      { project: 'Shop', title: 'CI Tests master', type: 'template' },
    ]);
    expect(await triggers()).toHaveLength(1);
    expectNoSecret(step);
  });

  it('sends the schedule time and linked repositories (CI commit for a bare id)', async () => {
    // Test Center–driven mode: its own workers only run plans given a time and repositories.
    await sim.scenario({ requireSchedule: true });
    const before = Date.now();
    const step = await runAction(
      inputs({
        scheduleTime: 'now',
        linkedRepos: '7\n8=release/2.0',
        title: 'Nightly',
        batch: 'b-9',
      }),
    );
    expect(step.exitCode).toBe(0);
    const [sent] = await triggers();
    expect(sent.body).toEqual({
      templateId: 64,
      title: 'Nightly',
      batch: 'b-9',
      time: expect.any(Number),
      linkedRepos: [
        { id: 7, branch: SHA },
        { id: 8, branch: 'release/2.0' },
      ],
    });
    const time = (sent.body as { time: number }).time;
    expect(time).toBeGreaterThanOrEqual(before - 1000);
    expect(time).toBeLessThanOrEqual(Date.now());
  });

  it('times out when no worker comes: says it cannot stop the plan, and where it is', async () => {
    await sim.scenario({ workers: 0 });
    const step = await runAction(inputs({ timeout: '3s' }));
    expect(step.exitCode).toBe(1);
    expect(step.outputs).toMatchObject({ state: 'timed_out', verdict: '', runId: '105' });
    expect(step.stdout).toMatch(/waiting for a worker — 4 open, 0 running, 0 done/);
    expect(step.summary).toMatch(
      /Squish Test Center has no API to stop a plan execution: test plan 105 goes on there/,
    );
    expect(step.summary).toContain(`${sim.baseUrl}/project/Shop`);
    expect(step.stdout).toContain('attach to it with runId 105');
    expectNoSecret(step);
  });

  it('times out neutrally; asked to stop, says plainly that it cannot', async () => {
    await sim.scenario({ workers: 0 });
    const step = await runAction(
      inputs({ timeout: '3s', onTimeout: 'neutral', cancelOnTimeout: 'true' }),
    );
    expect(step.exitCode).toBe(0);
    expect(step.outputs.state).toBe('timed_out');
    expect(annotations(step, 'warning').join('\n')).toMatch(/Timed out/);
    expect(step.stdout).toContain(
      `Squish Test Center has no API to stop a plan execution: test plan 105 goes on there (${sim.baseUrl}/project/Shop).`,
    );
    // Nothing but reads after the one executeplan.
    const requests = await sim.requests();
    expect(requests.filter((r) => r.method !== 'GET').map((r) => r.route)).toEqual(['trigger']);
  });

  it('on SIGTERM mid-wait exits within 5 s and says the plan goes on', async () => {
    await sim.scenario({ workers: 0 });
    const step = await runAction(inputs({ timeout: '5m' }), {
      sendSignal: { signal: 'SIGTERM', when: /Started Squish Test Center run/ },
    });
    expect(step.exitAfterSignalMs).toBeLessThan(5000);
    expect(step.exitCode).toBe(1);
    expect(step.outputs.state).toBe('cancelled');
    expect(step.stdout).toContain('Squish Test Center has no API to stop a plan execution');
    expect(await triggers()).toHaveLength(1);
    expectNoSecret(step);
  });

  it('authenticates with username and password, without leaking either', async () => {
    await sim.scenario({ username: USER, password: PASSWORD });
    const step = await runAction(inputs({ apiKey: '', username: USER, password: PASSWORD }));
    expect(step.exitCode).toBe(0);
    expect(step.outputs.verdict).toBe('passed');
    const requests = await sim.requests();
    expect(requests.length).toBeGreaterThan(3);
    expect(requests.every((r) => r.authorized)).toBe(true);
    expectNoSecret(step);
  });

  it('explains rejected credentials (401) and starts nothing', async () => {
    const wrong = 'squish-wrong-token-00000';
    const step = await runAction(inputs({ apiKey: wrong }));
    expect(step.exitCode).toBe(1);
    expect(step.outputs.state).toBe('error');
    expect(step.stdout).toMatch(
      /Test Center rejected the access token \(HTTP 401: Invalid access token\)\. Check apiKey/,
    );
    expect(placesHolding(wrong, step)).toEqual([]);
    expect(await triggers()).toHaveLength(0);

    await sim.scenario({ username: USER, password: PASSWORD });
    const badPassword = 'not-the-password-42';
    const basic = await runAction(inputs({ apiKey: '', username: USER, password: badPassword }));
    expect(basic.exitCode).toBe(1);
    expect(basic.stdout).toMatch(/rejected the user name and password \(HTTP 401/);
    expect(placesHolding(badPassword, basic)).toEqual([]);
    expect(placesHolding(Buffer.from(`${USER}:${badPassword}`).toString('base64'), basic)).toEqual(
      [],
    );
  });

  it('names each bad input and sends nothing', async () => {
    const step = await runAction(
      inputs({
        planId: 'nightly',
        planTitle: 'Nightly',
        username: USER,
        linkedRepos: 'main',
        scheduleTime: 'tonight',
      }),
    );
    expect(step.exitCode).toBe(1);
    for (const pattern of [
      /planId: expected a numeric Test Center template id, got "nightly"/,
      /planTitle: set either planId or planTitle, not both/,
      /project: required with planTitle/,
      /username: set either apiKey \(a token\) or username and password, not both/,
      /password: required with username/,
      /linkedRepos: expected "<repository id>=<branch or commit>" lines, got "main"/,
      /scheduleTime: expected now, an ISO 8601 time/,
    ]) {
      expect(step.stdout).toMatch(pattern);
    }
    expect(await sim.requests()).toEqual([]);
  });

  it('without automationToken: passes on the counts and shows the server text verbatim', async () => {
    const step = await runAction(inputs({ automationToken: '' }));
    expect(step.exitCode).toBe(0);
    expect(step.outputs).toMatchObject({ verdict: 'passed', total: '4', passed: '4' });
    expect(step.stdout).toContain('Only known clients permitted for REST access');
    expect(step.summary).toContain('Only known clients permitted for REST access');
    const junit = fs.readFileSync(path.join(step.workspace, 'testrelay-results/junit.xml'), 'utf8');
    // One placeholder per counted test (was: no <testcase>, which readers show as an empty run).
    expect(junit.match(/<testcase /g)).toHaveLength(4);
    expect(junit).toContain(
      'name="Squish Test Center run 105 · passed result 1 of 4 (per-test results not available)"',
    );
    expect(junit).toContain(
      'name="testrelay.perTestResults.reason" value="per-test results need automationToken"',
    );
    expect(junit).toContain('name="testrelay.reported.passed" value="4"');
  });

  it('counts only (no Results API): the JUnit file reads as the counted run in any JUnit reader', async () => {
    await sim.scenario({ tests: 6, failed: 2, skipped: 1, resultsApi: false });
    const step = await runAction(inputs());
    expect(step.exitCode).toBe(1);
    expect(step.outputs).toMatchObject({
      verdict: 'failed',
      total: '6',
      passed: '3',
      failed: '2',
      skipped: '1',
    });
    expect(step.summary).toContain(
      'per-test results were not available: the server has no Results API',
    );
    const junit = fs.readFileSync(path.join(step.workspace, 'testrelay-results/junit.xml'), 'utf8');

    // Our own reader: the same totals as the outputs.
    const cases = (await parseJunitXml(junit)).flatMap((s) => s.cases);
    expect(cases).toHaveLength(6);
    const statuses = cases.map((c) => c.status);
    expect(statuses.filter((s) => s === 'passed')).toHaveLength(3);
    expect(statuses.filter((s) => s === 'failed')).toHaveLength(2);
    expect(statuses.filter((s) => s === 'skipped')).toHaveLength(1);
    expect(cases.every((c) => c.name.endsWith('(per-test results not available)'))).toBe(true);

    // A third-party reader (xml2js, as report tools use it): attributes and <testcase> elements agree.
    const doc = await xml2js.parseStringPromise(junit);
    const counts = { tests: '6', failures: '2', errors: '0', skipped: '1' };
    expect(doc.testsuites.$).toMatchObject(counts);
    const [suite] = doc.testsuites.testsuite;
    expect(suite.$).toMatchObject(counts);
    expect(suite.testcase).toHaveLength(6);
    type Case = { failure?: unknown[]; error?: unknown[]; skipped?: unknown[] };
    expect(suite.testcase.filter((c: Case) => c.failure)).toHaveLength(2);
    expect(suite.testcase.filter((c: Case) => c.skipped)).toHaveLength(1);
    expect(suite.testcase.filter((c: Case) => c.error)).toHaveLength(0);
    const properties = suite.properties[0].property.map(
      (p: { $: { name: string; value: string } }) => p.$,
    );
    expect(properties).toContainEqual({ name: 'testrelay.perTestResults', value: 'unavailable' });
  });

  it('attaches to a running plan by runId without starting another', async () => {
    await sim.scenario({ tests: 3, failed: 1, durationSeconds: 2 });
    const started = await fetch(`${sim.baseUrl}/execution/v1/executeplan`, {
      method: 'POST',
      headers: { Authorization: `Token ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ templateId: 65, title: 'other job', batch: 'other-7' }),
    });
    const { id } = (await started.json()) as { id: number };
    await sim.clearRequests();
    const step = await runAction(inputs({ planId: '', runId: String(id) }));
    expect(step.exitCode).toBe(1);
    expect(step.outputs).toMatchObject({ runId: String(id), verdict: 'failed', total: '3' });
    expect(step.stdout).toContain(`Attached to Squish Test Center run ${id}`);
    expect(await triggers()).toHaveLength(0);
    const tests = (await sim.requests()).find((r) => r.route === 'tests');
    expect(tests?.query).toMatchObject({ project0: 'Shop', batch0: 'other-7' });
  });
});

describe('CLI × Squish Test Center simulator', () => {
  it('runs a plan by title from TESTRELAY_* variables with Basic auth', async () => {
    await sim.scenario({ username: USER, password: PASSWORD, tests: 3 });
    const cli = await runCli(['run', '--json'], {
      env: {
        TESTRELAY_VENDOR: 'squish',
        TESTRELAY_BASE_URL: sim.baseUrl,
        TESTRELAY_USERNAME: USER,
        TESTRELAY_PASSWORD: PASSWORD,
        TESTRELAY_PROJECT: 'Mobile',
        TESTRELAY_PLAN_TITLE: 'CI Tests master',
        TESTRELAY_AUTOMATION_TOKEN: AUTOMATION_TOKEN,
        TESTRELAY_POLL_INTERVAL: '1s',
        TESTRELAY_BATCH: 'cli-batch-1',
      },
    });
    expect(cli.exitCode).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({
      verdict: 'passed',
      total: 3,
      runUrl: `${sim.baseUrl}/project/Mobile`,
    });
    const [sent] = await triggers();
    expect(sent.body).toMatchObject({ templateId: 67, batch: 'cli-batch-1' });
    expect(sent.body).toHaveProperty('title', expect.stringMatching(/^TestRelay \d{4}-/));
    expectNoSecret(cli);
  });

  it('times out with the plain message and the URL', async () => {
    await sim.scenario({ workers: 0 });
    const cli = await runCli([
      'run',
      '--vendor',
      'squish',
      '--base-url',
      sim.baseUrl,
      '--api-key',
      TOKEN,
      '--plan-id',
      '64',
      '--poll-interval',
      '1s',
      '--timeout',
      '3s',
    ]);
    expect(cli.exitCode).toBe(4);
    expect(cli.stdout).toContain(
      `The run goes on: ${sim.baseUrl}/project/Shop. A later job can attach to it with --run-id 105 (TESTRELAY_RUN_ID=105).`,
    );
    const summary = fs.readFileSync(
      path.join(cli.workspace, 'testrelay-results', 'summary.md'),
      'utf8',
    );
    expect(summary).toMatch(/Squish Test Center has no API to stop a plan execution/);
    expectNoSecret(cli);
  });

  it('cancel says Test Center cannot stop a plan, with its URL', async () => {
    await sim.scenario({ workers: 0 });
    const started = await fetch(`${sim.baseUrl}/execution/v1/executeplan`, {
      method: 'POST',
      headers: { Authorization: `Token ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ templateId: 67, title: 'x', batch: 'y' }),
    });
    const { id } = (await started.json()) as { id: number };
    const cli = await runCli([
      'cancel',
      '--vendor',
      'squish',
      '--base-url',
      sim.baseUrl,
      '--api-key',
      TOKEN,
      '--run-id',
      String(id),
    ]);
    expect(cli.exitCode).toBe(0);
    expect(cli.stdout).toContain(
      `Squish Test Center has no API to stop a plan execution: test plan ${id} goes on there (${sim.baseUrl}/project/Mobile).`,
    );
    expectNoSecret(cli);
  });
});
