// The Squish worker mode in-process (relay → module → SquishWorker) against the simulator over
// real HTTP, with real commands (node -e …) and the real clock: concurrency, resets running
// out, the deadline, heartbeats after a slow one, log groups, dry runs and the inputs' checks.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LogPhase } from '../../../src/core/agent.js';
import { relay } from '../../../src/core/relay/index.js';
import { SettingsError } from '../../../src/core/settings.js';
import { startSimulator } from '../../../src/vendors/simulators.js';
import { INPUTS, MODULES } from '../../../src/vendors/registry.js';
import { RecordingAgent } from '../../helpers/recording-agent.js';
import { SimulatorHandle } from '../../helpers/simulator.js';

const TOKEN = 'squish-worker-unit-token-4e7a';
const EXEC = '/execution/v1';
let sim: SimulatorHandle;
let dir: string;

beforeAll(async () => {
  sim = new SimulatorHandle(await startSimulator({ vendor: 'squish', apiKey: TOKEN }));
});
afterAll(() => sim.close());
beforeEach(async () => {
  await fetch(`${sim.baseUrl}/__sim/reset`, { method: 'POST' });
  await sim.scenario({ workers: 0, tests: 4, capabilities: '' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'squish-worker-unit-'));
});

/** The RecordingAgent with the log groups a CI shows. */
class GroupingAgent extends RecordingAgent {
  readonly sections: string[] = [];
  section(phase: LogPhase, title: string): void {
    this.sections.push(`${phase}: ${title}`);
  }
}

/** A command: node running `script`, with the execution's environment. */
const node = (script: string): string => `"${process.execPath}" -e "${script}"`;

async function trigger(): Promise<string> {
  const response = await fetch(`${sim.baseUrl}${EXEC}/executeplan`, {
    method: 'POST',
    headers: { Authorization: `Token ${TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ templateId: 64, title: 'CI', batch: 'ci-9' }),
  });
  return String(((await response.json()) as { id: number }).id);
}

async function status(id: string): Promise<{ open: number; reserved: number; done: number }> {
  const response = await fetch(`${sim.baseUrl}${EXEC}/status/${id}`, {
    headers: { Authorization: `Token ${TOKEN}` },
  });
  return (await response.json()) as { open: number; reserved: number; done: number };
}

async function work(inputs: Record<string, string>, signal?: AbortSignal) {
  const agent = new GroupingAgent({
    vendor: 'squish',
    baseUrl: sim.baseUrl,
    apiKey: TOKEN,
    mode: 'worker',
    reservationTimeout: '1s',
    junitPath: path.join(dir, 'junit.xml'),
    timeout: '30s',
    failOnEmpty: 'true',
    failOnTestFailure: 'true',
    summary: 'true',
    maxAnnotations: '10',
    pollInterval: 'auto',
    onTimeout: 'fail',
    allocateServer: 'false',
    concurrency: '1',
    maxResets: '2',
    ...inputs,
  });
  const outcome = await relay({ agent, modules: MODULES, inputs: INPUTS, signal });
  return { agent, outcome };
}

const routes = async (route: string) => (await sim.requests()).filter((r) => r.route === route);

it('concurrency: 2 runs two executions at once, each with its own reservation', async () => {
  const runId = await trigger();
  const spans = path.join(dir, 'spans.txt');
  const script =
    "const fs=require('fs');const t=Date.now();setTimeout(()=>{fs.appendFileSync(process.env.SPANS," +
    "t+' '+Date.now()+'\\\\n');console.log('done '+process.env.TESTRELAY_SQUISH_TESTCASE)},500)";
  process.env.SPANS = spans;
  try {
    const { agent, outcome } = await work({ runId, concurrency: '2', command: node(script) });
    expect(outcome.conclusion).toBe('success');
    expect(agent.outputs).toMatchObject({ executionsRun: '4', executionsPassed: '4' });
  } finally {
    delete process.env.SPANS;
  }
  const intervals = fs
    .readFileSync(spans, 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(' ').map(Number));
  expect(intervals).toHaveLength(4);
  const overlapping = intervals.some(([start], i) =>
    intervals.some(([s, end], j) => i !== j && s <= start && start < end),
  );
  expect(overlapping).toBe(true);
  expect(await status(runId)).toEqual({ open: 0, reserved: 0, done: 4 });
});

it('prefixes output lines with the test case at concurrency > 1, groups them at 1', async () => {
  const runId = await trigger();
  const command = node("console.log('hello from '+process.env.TESTRELAY_SQUISH_SUITE)");
  const single = await work({ runId, command });
  expect(single.agent.sections).toContain('execution: suite_smoke / tst_login_works');
  expect(single.agent.lines).toContain('hello from suite_smoke');
  expect(single.agent.summary).toContain(
    '| Suite | Test case | Server | Duration | Exit | Result |',
  );
  const again = await trigger();
  const parallel = await work({ runId: again, command, concurrency: '2' });
  expect(parallel.agent.lines).toContain('[tst_login_works] hello from suite_smoke');
  expect(parallel.agent.sections.filter((s) => s.startsWith('execution: suite_'))).toEqual([]);
});

it('resets at most maxResets times, then reports the execution failed', async () => {
  await sim.scenario({ tests: 1 });
  const runId = await trigger();
  const { agent, outcome } = await work({
    runId,
    command: node("console.error('squishserver gone');process.exit(75)"),
    resetOnExitCodes: '75',
    maxResets: '1',
  });
  expect(outcome.conclusion).toBe('failure');
  expect(agent.outputs).toMatchObject({
    executionsRun: '2',
    executionsReset: '1',
    executionsFailed: '1',
    executionsPassed: '0',
  });
  expect((await routes('reset')).length).toBe(1);
  const finished = await routes('finished');
  expect(finished.map((request) => (request.body as { message?: string }).message)).toEqual([
    'Infrastructure failure (exit code 75): reset for a retry',
    'Test execution failed (exit code 75)',
  ]);
  expect(await status(runId)).toEqual({ open: 0, reserved: 0, done: 1 });
});

it('the deadline stops the command and resets its execution (timed_out)', async () => {
  await sim.scenario({ tests: 2 });
  const runId = await trigger();
  const started = Date.now();
  const { agent, outcome } = await work({
    runId,
    timeout: '1500ms',
    command: node('setTimeout(()=>{},30000)'),
  });
  expect(Date.now() - started).toBeLessThan(6000);
  expect(agent.outputs).toMatchObject({ state: 'timed_out', executionsReset: '1' });
  expect(outcome.conclusion).toBe('failure');
  expect(await status(runId)).toEqual({ open: 2, reserved: 0, done: 0 });
});

it('a cancel stops the command and resets its execution (cancelled)', async () => {
  await sim.scenario({ tests: 1 });
  const runId = await trigger();
  const cancel = new AbortController();
  setTimeout(() => cancel.abort(), 700);
  const { agent } = await work({ runId, command: node('setTimeout(()=>{},30000)') }, cancel.signal);
  expect(agent.outputs).toMatchObject({ state: 'cancelled', executionsReset: '1' });
  expect(await status(runId)).toEqual({ open: 1, reserved: 0, done: 0 });
});

it('sends the next heartbeat right after a slow one', async () => {
  await sim.scenario({ tests: 1, faultsAt: 'heartbeat#1:slow', slowMs: 700 });
  const runId = await trigger();
  const { outcome } = await work({
    runId,
    reservationTimeout: '3s',
    command: node('setTimeout(()=>{},3600)'),
  });
  expect(outcome.conclusion).toBe('success');
  const beats = (await routes('heartbeat')).map((request) => Date.parse(request.at));
  expect(beats.length).toBeGreaterThanOrEqual(3);
  // Beats are due every second; the one after the slow one (700 ms) goes at once.
  expect(beats[1] - beats[0]).toBeLessThan(900);
  expect(beats[2] - beats[1]).toBeGreaterThanOrEqual(950);
});

it('with planId instead of runId, the worker starts the plan and works it off', async () => {
  await sim.scenario({ tests: 2 });
  const { agent, outcome } = await work({ planId: '64', command: node('') });
  expect(outcome.conclusion).toBe('success');
  expect(agent.outputs).toMatchObject({ runId: '105', executionsRun: '2', executionsPassed: '2' });
  expect(await routes('trigger')).toHaveLength(1);
  expect(await status('105')).toEqual({ open: 0, reserved: 0, done: 2 });
});

it('a dry run reserves nothing; mode: trigger only starts the plan', async () => {
  const runId = await trigger();
  const dry = await work({ runId, command: node(''), dryRun: 'true' });
  expect(dry.outcome.conclusion).toBe('success');
  expect(await routes('reserve')).toEqual([]);

  const started = await work({ mode: 'trigger', planId: '64' });
  expect(started.outcome).toMatchObject({ conclusion: 'success' });
  expect(started.outcome.reason).toContain('runId 106');
  expect(started.agent.outputs.runId).toBe('106');
  expect(await routes('poll')).toEqual([]);
  expect(await status('106')).toEqual({ open: 4, reserved: 0, done: 0 });
});

it('checks the worker inputs before any request, each by name', async () => {
  const problems = async (inputs: Record<string, string>): Promise<string[]> => {
    try {
      await work(inputs);
    } catch (error) {
      if (error instanceof SettingsError) return error.problems.map((problem) => problem.message);
      throw error;
    }
    throw new Error('accepted');
  };
  expect(
    await problems({
      runId: '105',
      command: '',
      reservationTimeout: '100ms',
      concurrency: '33',
      resetOnExitCodes: '0, 75, x',
      maxResets: '-1',
    }),
  ).toEqual([
    'command: required with mode: worker: the command that runs one execution',
    'reservationTimeout: expected a duration between 300ms and 1h such as 30s, got "100ms"',
    'concurrency: expected a whole number from 1 to 32, got "33"',
    'resetOnExitCodes: expected exit codes from 1 to 255 such as 75,76; got "0"',
    'resetOnExitCodes: expected exit codes from 1 to 255 such as 75,76; got "x"',
    'maxResets: expected a whole number from 0 to 100, got "-1"',
  ]);
  expect(await problems({ runId: '105', mode: 'workers', command: 'x' })).toEqual([
    'mode: expected trigger, worker or wait (the default: trigger or attach, then wait), got "workers"',
    'command: only used with mode: worker',
  ]);
  expect(await problems({ runId: '105', mode: 'trigger' })).toEqual([
    'runId: not used with mode: trigger, which starts a new plan execution',
  ]);
  expect(await sim.requests()).toEqual([]);
});
