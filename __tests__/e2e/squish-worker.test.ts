// Squish Test Center's three-step CI workflow (issue 16) with the bundled action
// (dist/index.js) and CLI (dist/cli/index.js) against the simulator: a job that triggers the
// plan, worker jobs (mode: worker) that reserve its executions, run a command for each with
// heartbeats and report finished or reset, and a job that waits for the plan and reports the
// workers' merged results. The command is __tests__/fixtures/squish-worker/command.mjs.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseJunitXml } from '../../src/core/junit-read.js';
import { startSimulator } from '../../src/vendors/simulators.js';
import { NODE, ROOT, runAction, runCli, type StepResult } from '../helpers/github-runner.js';
import { placesHolding } from '../helpers/secrets.js';
import { SimulatorHandle, type RecordedRequest } from '../helpers/simulator.js';

const TOKEN = 'squish-worker-token-8d41c0';
const COMMAND_SCRIPT = path.join(ROOT, '__tests__/fixtures/squish-worker/command.mjs');
const COMMAND = `"${NODE}" "${COMMAND_SCRIPT}"`;
const EXEC = '/execution/v1';
const EXIT_FAILED = 1;

let sim: SimulatorHandle;
let scratch: string;

beforeAll(async () => {
  sim = new SimulatorHandle(await startSimulator({ vendor: 'squish', apiKey: TOKEN }));
});
afterAll(() => sim.close());
beforeEach(async () => {
  await fetch(`${sim.baseUrl}/__sim/reset`, { method: 'POST' });
  // No simulated Test Center workers: only the jobs under test move the executions.
  await sim.scenario({ workers: 0, tests: 6, capabilities: 'OS=Linux,OS=Windows' });
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'squish-worker-'));
});
afterEach(async () => {
  // No test may leave an execution reserved behind it.
  for (const id of planIds) expect((await status(id)).reserved).toBe(0);
  planIds.clear();
});

const planIds = new Set<string>();

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, checked by the assertions
async function api(method: string, route: string, body?: unknown): Promise<any> {
  const response = await fetch(`${sim.baseUrl}${EXEC}${route}`, {
    method,
    headers: { Authorization: `Token ${TOKEN}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.json();
}

async function trigger(tests?: number): Promise<string> {
  if (tests !== undefined) await sim.scenario({ tests });
  const plan = await api('POST', '/executeplan', { templateId: 64, title: 'CI', batch: 'ci-1' });
  planIds.add(String(plan.id));
  return String(plan.id);
}

const status = (id: string): Promise<{ open: number; reserved: number; done: number }> =>
  api('GET', `/status/${id}`);

function workerInputs(runId: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    vendor: 'squish',
    baseUrl: sim.baseUrl,
    apiKey: TOKEN,
    runId,
    mode: 'worker',
    command: COMMAND,
    reservationTimeout: '1s',
    ...extra,
  };
}

function commandEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { RUN_LOG: path.join(scratch, 'runs.jsonl'), ...extra };
}

interface CommandRecord {
  worker: string;
  pid: number;
  executionId: string;
  suite: string;
  testcase: string;
  testId: string;
  batch: string;
  project: string;
  url: string;
  serverHost?: string;
  serverPort?: string;
}

function commandRuns(): CommandRecord[] {
  const file = path.join(scratch, 'runs.jsonl');
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as CommandRecord);
}

function calls(
  requests: RecordedRequest[],
  route: string,
  executionId?: string,
): RecordedRequest[] {
  return requests.filter(
    (request) =>
      request.route === route &&
      (executionId === undefined || request.path.endsWith(`/${executionId}`)),
  );
}

/** Whether a process has ended (an unreaped zombie counts: it runs nothing any more). */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 20; i += 1) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    const stat = fs.existsSync(`/proc/${pid}/stat`)
      ? fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
      : '';
    if (/^\d+ \(.*\) Z/.test(stat)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

function expectNoSecret(step: Partial<StepResult>): void {
  expect(placesHolding(TOKEN, step)).toEqual([]);
}

async function junitCases(step: StepResult): Promise<string[]> {
  const xml = fs.readFileSync(path.join(step.workspace, 'testrelay-results/junit.xml'), 'utf8');
  const suites = await parseJunitXml(xml);
  return suites.flatMap((suite) => suite.cases.map((c) => `${c.classname}/${c.name}:${c.status}`));
}

describe('trigger → workers → wait (GitHub Action)', () => {
  it('two workers with different capabilities drain the plan; the waiting job reports their results', async () => {
    const triggered = await runAction(
      { vendor: 'squish', baseUrl: sim.baseUrl, apiKey: TOKEN, planId: '64', mode: 'trigger' },
      { env: commandEnv() },
    );
    expect(triggered.exitCode).toBe(0);
    const runId = triggered.outputs.runId;
    expect(runId).toBe('105');
    planIds.add(runId);
    expect(triggered.stdout).toContain(`workers and a waiting job attach to it with runId 105`);
    expect(await status(runId)).toEqual({ open: 6, reserved: 0, done: 0 });

    const [linux, windows, waited] = await Promise.all([
      runAction(workerInputs(runId, { capabilities: 'OS=Linux' }), {
        env: commandEnv({ WORKER: 'linux', BEHAVIOR: 'fail-on:tst_login_works' }),
      }),
      runAction(workerInputs(runId, { capabilities: 'OS=Windows', concurrency: '2' }), {
        env: commandEnv({ WORKER: 'windows' }),
      }),
      runAction(
        { vendor: 'squish', baseUrl: sim.baseUrl, apiKey: TOKEN, runId, pollInterval: '1s' },
        { timeoutMs: 60_000 },
      ),
    ]);

    // Each worker ran exactly the executions that need its capabilities (labels alternate).
    const runs = commandRuns();
    expect(
      runs
        .filter((run) => run.worker === 'linux')
        .map((run) => run.executionId)
        .sort(),
    ).toEqual(['3339', '3341', '3343']);
    expect(
      runs
        .filter((run) => run.worker === 'windows')
        .map((run) => run.executionId)
        .sort(),
    ).toEqual(['3340', '3342', '3344']);
    expect(runs[0]).toMatchObject({ project: 'Shop', batch: 'main #42', url: sim.baseUrl });
    expect(runs.every((run) => run.suite && run.testcase && run.testId)).toBe(true);

    expect(linux.exitCode).toBe(EXIT_FAILED);
    expect(linux.outputs).toMatchObject({
      executionsRun: '3',
      executionsPassed: '2',
      executionsFailed: '1',
      executionsReset: '0',
      runId,
    });
    expect(windows.exitCode).toBe(0);
    expect(windows.outputs).toMatchObject({ executionsRun: '3', executionsPassed: '3' });
    // The output of each execution sits in a group named after its suite and test case.
    expect(linux.stdout).toContain('::group::suite_smoke / tst_login_works');
    expect(linux.stdout).toContain('FAIL: verification point "total" failed at test.py:12');
    expect(await junitCases(linux)).toEqual([
      'suite_smoke/tst_login_works:failed',
      'suite_smoke/tst_logout_clears_the_session:passed',
      expect.stringMatching(/:passed$/),
    ]);
    expect(linux.summary).toContain('| Suite | Test case | Server | Duration | Exit | Result |');
    expect(linux.summary).toMatch(
      /\| suite&#95;smoke \| tst&#95;login&#95;works \| — \| [^|]+ \| exit code 1 \| failed \|/,
    );

    // The waiting job saw the plan through to the end and reports what the workers did.
    expect(waited.outputs).toMatchObject({
      state: 'completed',
      verdict: 'failed',
      total: '6',
      passed: '5',
      failed: '1',
    });
    expect(waited.exitCode).toBe(EXIT_FAILED);

    // Every execution finished exactly once.
    const requests = await sim.requests();
    for (let id = 3339; id <= 3344; id += 1) {
      expect(calls(requests, 'finished', String(id))).toHaveLength(1);
    }
    expect(calls(requests, 'reset')).toHaveLength(0);
    for (const step of [triggered, linux, windows, waited]) expectNoSecret(step);
  }, 90_000);

  it('a listed exit code resets the execution, and another worker picks it up', async () => {
    const runId = await trigger(1);
    const broken = runAction(workerInputs(runId, { resetOnExitCodes: '75, 76', maxResets: '1' }), {
      env: commandEnv({ WORKER: 'broken', BEHAVIOR: 'exit:75', SLEEP_MS: '600' }),
    });
    // The healthy worker comes while the broken one holds the only execution: it waits for it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const healthy = runAction(workerInputs(runId), { env: commandEnv({ WORKER: 'healthy' }) });
    const [bad, good] = await Promise.all([broken, healthy]);

    expect(commandRuns().map((run) => `${run.worker}:${run.executionId}`)).toEqual([
      'broken:3339',
      'healthy:3339',
    ]);
    expect(bad.outputs).toMatchObject({ executionsRun: '1', executionsReset: '1' });
    // Handing back what this machine could not run is no failure of the job.
    expect(bad.exitCode).toBe(0);
    expect(bad.stdout).toContain('exit code 75 means an infrastructure failure; reset it');
    expect(good.outputs).toMatchObject({ executionsRun: '1', executionsPassed: '1' });
    expect(good.exitCode).toBe(0);

    const requests = await sim.requests();
    const finished = calls(requests, 'finished', '3339');
    expect(finished.map((request) => request.body)).toEqual([
      {
        message: 'Infrastructure failure (exit code 75): reset for a retry',
        details: expect.stringContaining('runner problem: exiting with 75'),
      },
      {},
    ]);
    expect(calls(requests, 'reset', '3339')).toHaveLength(1);
    expect(await status(runId)).toEqual({ open: 0, reserved: 0, done: 1 });
    const plan = await api('GET', `/testplans/${runId}`);
    expect(plan).toMatchObject({ count: 1, passes: 1, failed: 0 });
    expectNoSecret(bad);
    expectNoSecret(good);
  }, 60_000);

  it('a command longer than three reservation timeouts keeps its reservation', async () => {
    const runId = await trigger(1);
    const step = await runAction(workerInputs(runId, { reservationTimeout: '500ms' }), {
      env: commandEnv({ SLEEP_MS: '2000' }),
    });
    expect(step.exitCode).toBe(0);
    expect(step.outputs).toMatchObject({ executionsRun: '1', executionsPassed: '1' });
    const requests = await sim.requests();
    const beats = calls(requests, 'heartbeat', '3339');
    expect(beats.length).toBeGreaterThanOrEqual(6);
    expect(beats.every((beat) => beat.status === 200)).toBe(true);
    expect(beats[0].body).toEqual({ timeout: 500 });
    // Two reserve calls (the execution, then "No executions available"): it was never lost to
    // the pool in between, and it was finished once.
    expect(calls(requests, 'reserve')).toHaveLength(2);
    expect(calls(requests, 'finished', '3339')).toEqual([
      expect.objectContaining({ status: 200, body: {} }),
    ]);
    expect(commandRuns()).toHaveLength(1);
  }, 30_000);

  it('SIGTERM mid-command stops it, resets the execution and exits within 5 s', async () => {
    const runId = await trigger(2);
    const step = await runAction(workerInputs(runId), {
      env: commandEnv({ BEHAVIOR: 'hang' }),
      sendSignal: { signal: 'SIGTERM', when: /still running/ },
    });
    expect(step.exitAfterSignalMs).toBeLessThan(5000);
    expect(step.exitCode).not.toBe(0);
    const [run] = commandRuns();
    // The command's process is gone with the job.
    expect(await gone(run.pid)).toBe(true);
    const requests = await sim.requests();
    expect(calls(requests, 'finished', run.executionId)[0].body).toMatchObject({
      message: 'Test execution cancelled',
    });
    expect(calls(requests, 'reset', run.executionId)).toHaveLength(1);
    expect(await status(runId)).toEqual({ open: 2, reserved: 0, done: 0 });
    expect(step.outputs).toMatchObject({
      executionsRun: '1',
      executionsReset: '1',
      state: 'cancelled',
    });
    expectNoSecret(step);
  }, 30_000);
});

describe('worker on the CLI (testrelay run --mode worker)', () => {
  const cliArgs = (runId: string, ...extra: string[]): string[] => [
    'run',
    '--vendor',
    'squish',
    '--base-url',
    sim.baseUrl,
    '--run-id',
    runId,
    '--mode',
    'worker',
    '--command',
    COMMAND,
    '--reservation-timeout',
    '1s',
    ...extra,
  ];

  it('reports a failing command as finished with details; the plan counts it failed', async () => {
    const runId = await trigger(2);
    const step = await runCli(cliArgs(runId, '--json'), {
      env: { TESTRELAY_API_KEY: TOKEN, ...commandEnv({ BEHAVIOR: 'fail-on:tst_login_works' }) },
    });
    expect(step.exitCode).toBe(EXIT_FAILED);
    const outputs = JSON.parse(step.stdout.trim().split('\n').pop()!);
    expect(outputs).toMatchObject({
      executionsRun: 2,
      executionsPassed: 1,
      executionsFailed: 1,
      executionsReset: 0,
      failed: 1,
      passed: 1,
    });
    const requests = await sim.requests();
    expect(calls(requests, 'finished', '3339')[0].body).toEqual({
      message: 'Test execution failed (exit code 1)',
      details: expect.stringContaining('FAIL: verification point "total" failed at test.py:12'),
    });
    expect(calls(requests, 'finished', '3340')[0].body).toEqual({});
    expect(await api('GET', `/testplans/${runId}`)).toMatchObject({ passes: 1, failed: 1 });
    expectNoSecret(step);
  }, 30_000);

  it('"No servers available": backs off, then runs once a server is free, with its address', async () => {
    const runId = await trigger(2);
    // The Windows server (2) is disabled: nothing to allocate until it is enabled.
    const running = runCli(cliArgs(runId, '--capabilities', 'OS=Windows', '--allocate-server'), {
      env: { TESTRELAY_API_KEY: TOKEN, ...commandEnv() },
      timeoutMs: 30_000,
    });
    for (let i = 0; i < 100; i += 1) {
      const refused = (await sim.requests()).filter(
        (r) => r.route === 'reserve' && r.status === 200,
      );
      if (refused.length >= 2) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(commandRuns()).toHaveLength(0);
    await api('PATCH', '/squishservers/2', { enabled: true });
    const step = await running;
    expect(step.exitCode).toBe(0);
    expect(step.stdout + step.stderr).toContain(
      'No servers available that match requested capabilities.',
    );
    expect(commandRuns()).toEqual([
      expect.objectContaining({
        executionId: '3340',
        serverHost: '192.168.1.100',
        serverPort: '4323',
      }),
    ]);
    // The server is taken back once the execution is finished.
    const servers = await api('GET', '/squishservers');
    expect(servers[1]).not.toHaveProperty('testset');
    expectNoSecret(step);
  }, 40_000);

  it('refuses worker inputs that make no sense, before any request', async () => {
    const step = await runCli(
      [
        'run',
        '--vendor',
        'squish',
        '--base-url',
        sim.baseUrl,
        '--run-id',
        '105',
        '--mode',
        'worker',
        '--concurrency',
        '0',
      ],
      { env: { TESTRELAY_API_KEY: TOKEN } },
    );
    expect(step.exitCode).toBe(2);
    expect(step.stderr).toMatch(/command/);
    expect(step.stderr).toMatch(/concurrency/);
    expect(await sim.requests()).toEqual([]);
  });
});
