// The relay pipeline in-process with the real Testsigma client against the simulator,
// on a fake clock: the vendor's rarer answers, without waiting for them in real time.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { relay } from '../../../src/core/relay/index.js';
import { INPUTS, MODULES } from '../../../src/vendors/registry.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { RecordingAgent } from '../../helpers/recording-agent.js';
import { type SimulatorHandle, startTestsigma } from '../../helpers/simulator.js';

const API_KEY = 'relay-key-123456789';
let sim: SimulatorHandle;
let dir: string;

beforeAll(async () => {
  sim = await startTestsigma(API_KEY);
});
afterAll(() => sim.close());
beforeEach(async () => {
  await fetch(`${sim.baseUrl}/__sim/reset`, { method: 'POST' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relay-'));
});

async function runRelay(scenario: Record<string, unknown>, inputs: Record<string, string> = {}) {
  await sim.scenario({ queuedSeconds: 0, pollsToComplete: 2, ...scenario });
  const agent = new RecordingAgent({
    vendor: 'testsigma',
    baseUrl: sim.baseUrl,
    apiKey: API_KEY,
    planId: '2090',
    junitPath: path.join(dir, 'junit.xml'),
    ...inputs,
  });
  const clock = new FakeClock(Date.now());
  const outcome = await relay({ agent, clock, modules: MODULES, inputs: INPUTS });
  return { agent, outcome, clock };
}

describe('relay × Testsigma simulator (fake clock)', () => {
  it('uses the per-test results to tell aborted and stopped tests from failed ones', async () => {
    const { agent, outcome } = await runRelay({ tests: 6, failed: 1, errored: 2, skipped: 1 });
    expect(agent.outputs).toMatchObject({
      total: '6',
      passed: '2',
      failed: '3',
      skipped: '1',
      verdict: 'failed',
    });
    expect(outcome.conclusion).toBe('failure');
    expect(agent.annotations.filter((a) => a.level === 'error').map((a) => a.title)).toEqual([
      expect.stringMatching(/^Failed: /),
      expect.stringMatching(/^Error: /),
      expect.stringMatching(/^Error: /),
    ]);
  });

  it('falls back to the run counts when the JUnit report never becomes ready (self-hosted)', async () => {
    const { agent } = await runRelay(
      { tests: 4, failed: 1, junitLagSeconds: 3600, variant: 'self-hosted' },
      { apiFlavor: 'self-hosted' },
    );
    expect(agent.outputs).toMatchObject({
      total: '4',
      passed: '3',
      failed: '1',
      verdict: 'failed',
    });
    expect(agent.log()).toMatch(
      /not available: Report generation failed, Test plan run is not completed/,
    );
    expect(agent.log()).toMatch(/totals come from the run counts/);
    expect((await sim.requests()).filter((r) => r.route === 'junit').length).toBe(6);
    // The JUnit file carries the counts as placeholders, with what Testsigma's source knows.
    const junit = fs.readFileSync(path.join(dir, 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<testsuites [^>]*tests="4" failures="1" errors="0" skipped="0"/);
    expect(junit.match(/<testcase /g)).toHaveLength(4);
    expect(junit).toContain(
      'message="Per-test results were not available (Testsigma gave no JUnit report): ',
    );
    expect(agent.summary).toContain(
      'per-test results were not available: Testsigma gave no JUnit report.',
    );
  });

  it('reads reports whose messages carry raw control characters', async () => {
    const { agent } = await runRelay({ tests: 3, failed: 2, variant: 'control-chars' });
    expect(agent.outputs).toMatchObject({ total: '3', failed: '2' });
    // eslint-disable-next-line no-control-regex -- asserting that none got through
    expect(agent.summary).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
  });

  it('waits for the consolidated result of an automatic re-run', async () => {
    const { agent, outcome } = await runRelay({
      tests: 3,
      failed: 1,
      variant: 'rerun',
      pollsToComplete: null,
      durationSeconds: 0,
    });
    // The failed test passed on the re-run: passed, counted as flaky.
    expect(agent.outputs).toMatchObject({
      state: 'completed',
      verdict: 'passed',
      total: '3',
      passed: '3',
      failed: '0',
    });
    expect(agent.summary).toMatch(/Flaky/);
    expect(outcome.conclusion).toBe('success');
  });

  it('rides out a truncated poll answer and a truncated JUnit download', async () => {
    const { agent, outcome } = await runRelay({
      tests: 3,
      pollsToComplete: 3,
      faultsAt: 'poll#2:malformed,junit#1:malformed',
    });
    expect(agent.outputs).toMatchObject({
      state: 'completed',
      verdict: 'passed',
      total: '3',
      passed: '3',
    });
    expect(outcome.conclusion).toBe('success');
    expect((await sim.requests()).filter((r) => r.route === 'junit').length).toBe(2);
  });

  it('reads null counts while the run is in progress', async () => {
    const { agent } = await runRelay({ tests: 2, variant: 'null-counts' });
    expect(agent.outputs).toMatchObject({ verdict: 'passed', total: '2' });
  });

  it('reports a trigger that failed after creating a run, without triggering again', async () => {
    const { agent, outcome } = await runRelay({ triggerFailsAfterCreate: true });
    expect(outcome.conclusion).toBe('failure');
    expect(agent.outputs.state).toBe('error');
    expect(agent.summary).toMatch(/HTTP 500/);
    expect((await sim.requests()).filter((r) => r.route === 'trigger')).toHaveLength(1);
  });

  it('says when the plan does not exist', async () => {
    const { outcome } = await runRelay({ missingPlanIds: ['404404'] }, { planId: '404404' });
    expect(outcome.reason).toMatch(/Testsigma has no test plan 404404 \(HTTP 404\)/);
  });

  it('says when the self-hosted server has its API switched off', async () => {
    const { outcome } = await runRelay(
      { variant: 'self-hosted', apiDisabled: true },
      { apiFlavor: 'self-hosted' },
    );
    expect(outcome.reason).toMatch(/rejected the API key \(HTTP 401: API disabled/);
  });

  it('refuses the retired /rest API before any request', async () => {
    await expect(runRelay({}, { baseUrl: 'https://app.testsigma.com/rest' })).rejects.toThrow(
      /retired \/rest API/,
    );
    expect(await sim.requests()).toEqual([]);
  });

  it('a run stopped on the vendor side fails the step as stopped', async () => {
    const { agent, outcome } = await runRelay({ tests: 3, result: 'STOPPED' });
    expect(agent.outputs.verdict).toBe('stopped');
    expect(outcome.reason).toMatch(/stopped on the Testsigma side/);
  });
});
