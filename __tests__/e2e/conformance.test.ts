// One battery for every source × entrypoint: the same end-to-end cases (passed, failed,
// timeout, cancel, bad input), each checked for its exit status and outputs, exactly one
// trigger, and no secret anywhere. A new vendor or CI gets all of it by adding a row.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { flagName } from '../../src/core/inputs.js';
import { startSimulator } from '../../src/vendors/simulators.js';
import { runAction, runCli, type StepOptions } from '../helpers/github-runner.js';
import { placesHolding } from '../helpers/secrets.js';
import { type RecordedRequest, SimulatorHandle } from '../helpers/simulator.js';

interface SourceRow {
  name: string;
  simulator: 'testsigma' | 'sofy' | 'squish';
  apiKey: string;
  /** The inputs that start a plan on the simulator at baseUrl. */
  inputs(baseUrl: string): Record<string, string>;
  /** A quick run of three tests (the case adds failed/duration). */
  scenario: Record<string, unknown>;
  /** The request log's route of a trigger (default `trigger`). */
  triggerRoute?: string;
  /** The request log's route of a stop, or undefined where the vendor has no stop API. */
  stopRoute?: string;
  /** An input the vendor refuses before any request, and the input the error must name. */
  badInput: { inputs: Record<string, string>; names: string };
}

const SOFY_KEY = '9E8D7C6B-5A49-4382-9170-6F5E4D3C2B1A';

const SOURCES: SourceRow[] = [
  {
    name: 'Testsigma cloud',
    simulator: 'testsigma',
    apiKey: 'ts-conformance-key-4f1b2c',
    inputs: (baseUrl) => ({ vendor: 'testsigma', baseUrl, planId: '2090' }),
    scenario: { queuedSeconds: 0, durationSeconds: 1, tests: 3 },
    stopRoute: 'stop',
    badInput: { inputs: { planId: 'plan-a' }, names: 'planId' },
  },
  {
    name: 'Testsigma self-hosted',
    simulator: 'testsigma',
    apiKey: 'ts-conformance-key-4f1b2c',
    inputs: (baseUrl) => ({
      vendor: 'testsigma',
      baseUrl,
      planId: '2090',
      apiFlavor: 'self-hosted',
    }),
    scenario: { queuedSeconds: 0, durationSeconds: 1, tests: 3, variant: 'self-hosted' },
    stopRoute: 'stop',
    badInput: { inputs: { environmentId: '-3' }, names: 'environmentId' },
  },
  {
    name: 'Sofy',
    simulator: 'sofy',
    apiKey: SOFY_KEY,
    inputs: (baseUrl) => ({
      vendor: 'sofy',
      baseUrl,
      planId: '0CF78E5E-05CE-4971-A954-0E3789140DFD',
    }),
    scenario: { queuedSeconds: 0, durationSeconds: 1, devices: 1, tests: 3 },
    stopRoute: 'abort',
    badInput: { inputs: { apiKey: 'not-a-guid-key' }, names: 'apiKey' },
  },
  {
    name: 'Sofy legacy',
    simulator: 'sofy',
    apiKey: SOFY_KEY,
    inputs: (baseUrl) => ({ vendor: 'sofy', baseUrl, planId: '1888' }),
    scenario: { queuedSeconds: 0, durationSeconds: 1, devices: 1, tests: 3, variant: 'legacy' },
    triggerRoute: 'legacyTrigger',
    badInput: { inputs: { apiFlavor: 'current' }, names: 'planId' },
  },
  {
    name: 'Squish Test Center',
    simulator: 'squish',
    apiKey: 'squish-conformance-token-8d2e',
    inputs: (baseUrl) => ({ vendor: 'squish', baseUrl, planId: '64' }),
    scenario: { queuedSeconds: 0, durationSeconds: 1, tests: 3, workers: 2 },
    badInput: { inputs: { planTitle: 'Nightly' }, names: 'planTitle' },
  },
];

interface Step {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  workspace: string;
  exitAfterSignalMs?: number;
}

interface EntrypointRow {
  name: string;
  /** The exit status of a step refused for bad input, timed out, or cancelled. */
  badInputExit: number;
  timeoutExit: number;
  cancelExit: number;
  run(inputs: Record<string, string>, options?: StepOptions): Promise<Step>;
}

const ENTRYPOINTS: EntrypointRow[] = [
  // GitHub has one failure exit; the step's message says why.
  {
    name: 'GitHub Action',
    badInputExit: 1,
    timeoutExit: 1,
    cancelExit: 1,
    run: (inputs, options) => runAction(inputs, options),
  },
  {
    name: 'CLI',
    // The CLI's exit-status table (src/ci/terminal.ts).
    badInputExit: 2,
    timeoutExit: 4,
    cancelExit: 130,
    async run(inputs, options = {}) {
      // Keys from the environment, as the README says; everything else as flags.
      const { apiKey, ...flags } = inputs;
      const args = ['run', '--outputs-file', 'outputs.env', '--summary-file', 'summary.md'];
      for (const [name, value] of Object.entries(flags)) args.push(`--${flagName(name)}`, value);
      const step = await runCli(args, { ...options, env: { TESTRELAY_API_KEY: apiKey ?? '' } });
      const read = (file: string) =>
        fs.existsSync(path.join(step.workspace, file))
          ? fs.readFileSync(path.join(step.workspace, file), 'utf8')
          : '';
      const outputs = Object.fromEntries(
        read('outputs.env')
          .split('\n')
          .filter((line) => line.includes('='))
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );
      return { ...step, outputs, summary: read('summary.md') };
    },
  },
];

const simulators = new Map<string, SimulatorHandle>();

beforeAll(async () => {
  for (const source of SOURCES) {
    if (simulators.has(source.simulator)) continue;
    const sim = await startSimulator({ vendor: source.simulator, apiKey: source.apiKey });
    simulators.set(source.simulator, new SimulatorHandle(sim));
  }
});
afterAll(async () => {
  for (const sim of simulators.values()) await sim.close();
});

describe.each(SOURCES)('$name', (source) => {
  const sim = () => simulators.get(source.simulator)!;
  const inputs = (extra: Record<string, string> = {}) => ({
    ...source.inputs(sim().baseUrl),
    apiKey: source.apiKey,
    pollInterval: '1s',
    ...extra,
  });
  const triggers = () => routes(source.triggerRoute ?? 'trigger');
  const routes = async (route: string): Promise<RecordedRequest[]> =>
    (await sim().requests()).filter((request) => request.route === route);

  beforeEach(async () => {
    await fetch(`${sim().baseUrl}/__sim/reset`, { method: 'POST' });
    await sim().clearRequests();
    await sim().scenario(source.scenario);
  });

  /** No key in the step's streams, outputs, summary or files. */
  const expectNoSecret = (step: Step) => expect(placesHolding(source.apiKey, step)).toEqual([]);

  describe.each(ENTRYPOINTS)('$name', (entry) => {
    it('passes a passing plan: outputs, one trigger, no secret', async () => {
      const step = await entry.run(inputs());
      expect({ exit: step.exitCode, ...step.outputs }).toMatchObject({
        exit: 0,
        state: 'completed',
        verdict: 'passed',
        total: '3',
        passed: '3',
        failed: '0',
      });
      expect(step.outputs.runId).not.toBe('');
      expect(fs.existsSync(path.join(step.workspace, 'testrelay-results', 'junit.xml'))).toBe(true);
      expect(step.summary).toContain('Passed');
      expect(await triggers()).toHaveLength(1);
      expectNoSecret(step);
    });

    it('fails a plan with a failed test', async () => {
      await sim().scenario({ ...source.scenario, failed: 1 });
      const step = await entry.run(inputs());
      expect({ exit: step.exitCode, ...step.outputs }).toMatchObject({
        exit: 1,
        state: 'completed',
        verdict: 'failed',
        total: '3',
        failed: '1',
      });
      expect(await triggers()).toHaveLength(1);
      expectNoSecret(step);
    });

    it('times out within the deadline and says which run to attach to', async () => {
      await sim().scenario({ ...source.scenario, durationSeconds: 120 });
      const started = Date.now();
      const step = await entry.run(inputs({ timeout: '3s' }));
      expect(Date.now() - started).toBeLessThan(15_000);
      expect({ exit: step.exitCode, state: step.outputs.state }).toEqual({
        exit: entry.timeoutExit,
        state: 'timed_out',
      });
      expect(`${step.stdout}${step.stderr}`).toContain(step.outputs.runId);
      expect(await triggers()).toHaveLength(1);
      expectNoSecret(step);
    });

    it('stops the remote run on SIGTERM where the vendor can, and exits within 5 s', async () => {
      await sim().scenario({ ...source.scenario, durationSeconds: 120 });
      const step = await entry.run(inputs(), {
        sendSignal: { signal: 'SIGTERM', when: /Started .* run/ },
      });
      expect(step.exitAfterSignalMs).toBeLessThan(5000);
      expect({ exit: step.exitCode, state: step.outputs.state }).toEqual({
        exit: entry.cancelExit,
        state: 'cancelled',
      });
      if (source.stopRoute) expect(await routes(source.stopRoute)).toHaveLength(1);
      expect(await triggers()).toHaveLength(1);
      expectNoSecret(step);
    });

    it('refuses bad input before any request, naming the input', async () => {
      const step = await entry.run(inputs(source.badInput.inputs));
      expect(step.exitCode).toBe(entry.badInputExit);
      expect(`${step.stdout}${step.stderr}`).toContain(`${source.badInput.names}:`);
      expect(await sim().requests()).toEqual([]);
      expectNoSecret(step);
    });
  });
});
