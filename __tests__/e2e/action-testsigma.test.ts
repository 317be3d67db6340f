// The bundled GitHub Action (dist/index.js) run as the runner runs it, against the
// Testsigma simulator on 127.0.0.1.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseJunitXml } from '../../src/core/junit-read.js';
import { startArtifactService } from '../helpers/artifact-service.js';
import { runAction, type StepResult } from '../helpers/github-runner.js';
import { placesHolding } from '../helpers/secrets.js';
import { type SimulatorHandle, startTestsigma } from '../helpers/simulator.js';

const API_KEY = 'ts-e2e-key-5f3c9a1b7d';
let sim: SimulatorHandle;

beforeAll(async () => {
  sim = await startTestsigma(API_KEY);
});
afterAll(() => sim.close());
beforeEach(async () => {
  await sim.clearRequests();
});

function inputs(extra: Record<string, string> = {}): Record<string, string> {
  return {
    vendor: 'testsigma',
    baseUrl: sim.baseUrl,
    apiKey: API_KEY,
    planId: '2090',
    pollInterval: '1s',
    ...extra,
  };
}

const quick = {
  queuedSeconds: 0,
  durationSeconds: 1,
  failed: 0,
  errored: 0,
  skipped: 0,
  testNames: [] as string[],
};

function expectNoSecret(step: StepResult): void {
  expect(placesHolding(API_KEY, step)).toEqual([]);
}

function annotations(step: StepResult, kind: 'error' | 'notice' | 'warning'): string[] {
  return step.stdout.split('\n').filter((line) => line.startsWith(`::${kind}`));
}

describe('GitHub Action × Testsigma simulator', () => {
  it('relays a passing run: outputs, JUnit, summary, one trigger, no secret', async () => {
    await sim.scenario({ ...quick, tests: 6 });
    const step = await runAction(inputs());

    expect(step.stderr).toBe('');
    expect(step.exitCode).toBe(0);
    expect(step.outputs).toMatchObject({
      state: 'completed',
      verdict: 'passed',
      total: '6',
      passed: '6',
      failed: '0',
      skipped: '0',
      junitPath: 'testrelay-results/junit.xml',
    });
    expect(step.outputs.runId).toMatch(/^\d+$/);
    expect(step.outputs.runUrl).toBe(
      `${new URL(sim.baseUrl).origin}/ui/td/runs/${step.outputs.runId}`,
    );
    expect(step.stdout).toContain(
      `Started Testsigma run ${step.outputs.runId}: ${step.outputs.runUrl}`,
    );

    const junit = fs.readFileSync(path.join(step.workspace, 'testrelay-results/junit.xml'), 'utf8');
    const suites = await parseJunitXml(junit);
    expect(suites.flatMap((s) => s.cases).map((c) => c.status)).toEqual(Array(6).fill('passed'));

    expect(step.summary).toMatch(/passed/i);
    expect(step.summary).toContain(step.outputs.runUrl);

    const requests = await sim.requests();
    const triggers = requests.filter((r) => r.route === 'trigger');
    expect(triggers).toHaveLength(1);
    // buildNo defaults to the CI run number, sent as a string; runtimeData links back to the CI run.
    expect(triggers[0].body).toMatchObject({
      executionId: 2090,
      buildNo: '42',
      runtimeData: { ciRunUrl: 'https://github.com/acme/shop/actions/runs/987654321' },
    });
    expect(requests.every((r) => r.authorized !== false)).toBe(true);
    expect(requests.filter((r) => r.route === 'stop')).toHaveLength(0);
    expectNoSecret(step);
  });

  it('fails the step on a failing run and annotates failed tests within the cap', async () => {
    await sim.scenario({ ...quick, tests: 20, failed: 12, errored: 2 });
    const step = await runAction(inputs());

    expect(step.exitCode).toBe(1);
    expect(step.outputs).toMatchObject({
      verdict: 'failed',
      total: '20',
      passed: '6',
      failed: '14',
      state: 'completed',
    });
    // 9 test annotations + the step failure itself = GitHub's 10 per step.
    const errors = annotations(step, 'error');
    expect(errors).toHaveLength(10);
    expect(errors[errors.length - 1]).toMatch(/14 of 20 tests failed/);
    expect(annotations(step, 'notice').join('\n')).toMatch(/5 more failed tests are not annotated/);
    // Failed tests come first in the summary.
    const firstFailed = step.summary.search(/fail/i);
    expect(firstFailed).toBeGreaterThan(-1);
    expectNoSecret(step);
  });

  it('passes a failing run when failOnTestFailure is false', async () => {
    await sim.scenario({ ...quick, tests: 3, failed: 1 });
    const step = await runAction(inputs({ failOnTestFailure: 'false' }));
    expect(step.exitCode).toBe(0);
    expect(step.outputs.verdict).toBe('failed');
    expect(annotations(step, 'warning').join('\n')).toMatch(/1 of 3 tests failed/);
  });

  it('times out: fails, leaves the run going, and says how to attach', async () => {
    await sim.scenario({ ...quick, durationSeconds: 60, tests: 4 });
    const step = await runAction(inputs({ timeout: '3s' }));
    expect(step.exitCode).toBe(1);
    expect(step.outputs.state).toBe('timed_out');
    expect(step.outputs.verdict).toBe('');
    expect(step.stdout).toContain(`attach to it with runId ${step.outputs.runId}`);
    expect(await sim.count('stop')).toBe(0);
    expectNoSecret(step);
  });

  it('times out neutrally and stops the remote run when asked', async () => {
    await sim.scenario({ ...quick, durationSeconds: 60, tests: 4 });
    const step = await runAction(
      inputs({ timeout: '3s', onTimeout: 'neutral', cancelOnTimeout: 'true' }),
    );
    expect(step.exitCode).toBe(0);
    expect(step.outputs.state).toBe('timed_out');
    expect(annotations(step, 'warning').join('\n')).toMatch(/Timed out/);
    expect(await sim.count('stop')).toBe(1);
  });

  it('stops the remote run on SIGTERM and exits within 5 s', async () => {
    await sim.scenario({ ...quick, durationSeconds: 60, tests: 4 });
    const step = await runAction(inputs({ timeout: '5m' }), {
      sendSignal: { signal: 'SIGTERM', when: /Started Testsigma run/ },
    });
    expect(step.exitAfterSignalMs).toBeLessThan(5000);
    expect(step.exitCode).toBe(1);
    expect(step.outputs.state).toBe('cancelled');
    const stops = (await sim.requests()).filter((r) => r.route === 'stop');
    expect(stops).toHaveLength(1);
    expect(stops[0].path).toMatch(new RegExp(`/${step.outputs.runId}$`));
    expectNoSecret(step);
  });

  it('on SIGTERM during a slow trigger, still learns the run and stops it within 5 s', async () => {
    await sim.scenario({ ...quick, durationSeconds: 60, faultsAt: 'trigger#1:slow', slowMs: 800 });
    try {
      const step = await runAction(inputs({ timeout: '5m' }), {
        sendSignal: { signal: 'SIGTERM', when: /Starting Testsigma test plan/ },
      });
      expect(step.exitAfterSignalMs).toBeLessThan(5000);
      expect(step.exitCode).toBe(1);
      expect(step.outputs).toMatchObject({ state: 'cancelled', verdict: '' });
      expect(step.outputs.runId).toMatch(/^\d+$/);
      expect(await sim.count('stop')).toBe(1);
    } finally {
      await sim.scenario({ faultsAt: '', slowMs: 1500 });
    }
  });

  it('on SIGTERM during a trigger that does not answer in time, says a run may have started', async () => {
    await sim.scenario({ ...quick, durationSeconds: 60, faultsAt: 'trigger#1:slow', slowMs: 4000 });
    try {
      const step = await runAction(inputs({ timeout: '5m' }), {
        sendSignal: { signal: 'SIGTERM', when: /Starting Testsigma test plan/ },
      });
      expect(step.exitAfterSignalMs).toBeLessThan(5000);
      expect(step.exitCode).toBe(1);
      expect(step.outputs).toMatchObject({ state: 'cancelled', verdict: '' });
      expect(step.stdout).toMatch(/A run may have started there without TestRelay learning its id/);
      expect(await sim.count('trigger')).toBe(1);
    } finally {
      await sim.scenario({ faultsAt: '', slowMs: 1500 });
    }
  });

  it('attaches to an existing run by runId without triggering', async () => {
    await sim.scenario({ ...quick, tests: 3, failed: 1 });
    const triggered = await fetch(`${sim.baseUrl}/execution_results`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ executionId: 77 }),
    });
    const { id } = (await triggered.json()) as { id: number };
    await sim.clearRequests();

    const step = await runAction(inputs({ planId: '', runId: String(id) }));
    expect(step.exitCode).toBe(1);
    expect(step.outputs).toMatchObject({
      runId: String(id),
      verdict: 'failed',
      total: '3',
      failed: '1',
    });
    expect(await sim.count('trigger')).toBe(0);
  });

  it('explains a rejected API key without showing it', async () => {
    const wrong = 'ts-wrong-key-0000000000';
    const step = await runAction(inputs({ apiKey: wrong }));
    expect(step.exitCode).toBe(1);
    expect(step.stdout).toMatch(/Testsigma rejected the API key \(HTTP 401/);
    expect(step.outputs.state).toBe('error');
    expect(placesHolding(wrong, step)).toEqual([]);
    expect(await sim.count('trigger')).toBe(1);
  });

  it('explains a plan that is already running, and triggers once', async () => {
    await sim.scenario({ ...quick, durationSeconds: 60, rejectParallel: true });
    await fetch(`${sim.baseUrl}/execution_results`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ executionId: 3058 }),
    });
    await sim.clearRequests();
    const step = await runAction(inputs({ planId: '3058' }));
    expect(step.exitCode).toBe(1);
    expect(step.stdout).toMatch(/Testsigma plan 3058 is already running/);
    expect(await sim.count('trigger')).toBe(1);
    await sim.scenario({ rejectParallel: false });
  });

  it('names each bad input and sends nothing', async () => {
    const step = await runAction(
      inputs({
        planId: 'checkout',
        timeout: '30',
        pollInterval: 'fast',
        onTimeout: 'skip',
        apiKey: '',
        environmentId: 'qa',
      }),
    );
    expect(step.exitCode).toBe(1);
    for (const pattern of [
      /apiKey: required for vendor testsigma/,
      /planId: expected a numeric testsigma test plan id, got "checkout"/,
      /timeout: expected a duration/,
      /pollInterval: expected auto or a duration/,
      /onTimeout: expected one of fail, neutral, got "skip"/,
      /environmentId: expected a positive integer, got "qa"/,
    ]) {
      expect(step.stdout).toMatch(pattern);
    }
    expect(await sim.requests()).toEqual([]);
  });

  it('works with the self-hosted flavour (snake_case, X-TS-API-KEY)', async () => {
    await sim.scenario({ ...quick, tests: 2, variant: 'self-hosted' });
    try {
      const step = await runAction(inputs({ apiFlavor: 'self-hosted' }));
      expect(step.exitCode).toBe(0);
      expect(step.outputs).toMatchObject({ verdict: 'passed', total: '2', passed: '2' });
      const trigger = (await sim.requests()).find((r) => r.route === 'trigger');
      expect(trigger?.path).toBe('/api/v1/test_plan_results');
      expect(trigger?.body).toMatchObject({ testPlanId: 2090 });
    } finally {
      await sim.scenario({ variant: '' });
    }
  });

  it('accepts the documented PASSED/FAILED spelling and a late JUnit report', async () => {
    await sim.scenario({
      ...quick,
      tests: 3,
      failed: 1,
      variant: 'docs-spelling',
      junitLagSeconds: 2,
    });
    try {
      const step = await runAction(inputs());
      expect(step.exitCode).toBe(1);
      expect(step.outputs).toMatchObject({
        verdict: 'failed',
        total: '3',
        failed: '1',
        passed: '2',
      });
      expect((await sim.requests()).filter((r) => r.route === 'junit').length).toBeGreaterThan(1);
    } finally {
      await sim.scenario({ variant: '', junitLagSeconds: 0 });
    }
  });

  it('keeps waiting through an unknown status and transient vendor faults', async () => {
    await sim.scenario({
      ...quick,
      durationSeconds: 3,
      tests: 3,
      variant: 'unknown-status',
      faults: '503:0.3',
      faultMethods: 'GET',
      seed: 7,
    });
    try {
      const step = await runAction(inputs());
      expect(step.exitCode).toBe(0);
      expect(step.outputs.verdict).toBe('passed');
      expect(await sim.count('trigger')).toBe(1);
    } finally {
      await sim.scenario({ variant: '', faults: '' });
    }
  });

  it('uploads the JUnit file and summary as a workflow artifact when artifactName is set', async () => {
    await sim.scenario({ ...quick, tests: 3, failed: 1 });
    const service = await startArtifactService();
    try {
      const step = await runAction(inputs({ artifactName: 'testsigma-results' }), {
        env: service.env,
      });
      expect(step.exitCode).toBe(1);
      const [artifact] = service.artifacts();
      expect(artifact.name).toBe('testsigma-results');
      expect(Object.keys(artifact.files).sort()).toEqual(['junit.xml', 'summary.md']);
      expect(artifact.files['junit.xml'].toString()).toBe(
        fs.readFileSync(path.join(step.workspace, 'testrelay-results/junit.xml'), 'utf8'),
      );
      expect(artifact.files['summary.md'].toString().trim()).toBe(step.summary.trim());
      expect(artifact.files['summary.md'].toString()).toContain('Failed');
      expect(step.stdout).toContain('Uploaded artifact testsigma-results');
      expectNoSecret(step);
    } finally {
      await service.close();
    }
  });

  it('shows the request on dryRun without sending it', async () => {
    const step = await runAction(
      inputs({ dryRun: 'true', runtimeData: 'url=https://staging.example.com' }),
    );
    expect(step.exitCode).toBe(0);
    expect(step.stdout).toContain(`Dry run: would POST ${sim.baseUrl}/execution_results`);
    expect(step.stdout).toContain('"url": "https://staging.example.com"');
    expect(await sim.requests()).toEqual([]);
    expectNoSecret(step);
  });
});
