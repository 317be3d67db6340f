// A wait whose status does not change still shows life in a plain log: the status again every
// 30 s for the first 10 minutes, then every 5 minutes. The relay in-process with the real
// Testsigma client against its simulator (a plan that stays queued), on a fake clock.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { relay } from '../../src/core/relay/index.js';
import { startSimulator } from '../../src/vendors/simulators.js';
import { INPUTS, MODULES } from '../../src/vendors/registry.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { RecordingAgent } from '../helpers/recording-agent.js';
import { SimulatorHandle } from '../helpers/simulator.js';

const KEY = 'heartbeat-key-0f9e8d';
let sim: SimulatorHandle;

beforeAll(async () => {
  // Queued for far longer than the test runs in real time: every poll says the same.
  sim = new SimulatorHandle(
    await startSimulator({ vendor: 'testsigma', apiKey: KEY, scenario: { queuedSeconds: 86_400 } }),
  );
});
afterAll(() => sim.close());

it('logs an unchanged status every 30 s for 10 minutes, then every 5 minutes', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relay-heartbeat-'));
  const agent = new RecordingAgent({
    vendor: 'testsigma',
    baseUrl: sim.baseUrl,
    apiKey: KEY,
    planId: '2090',
    pollInterval: '10s',
    timeout: '20m',
    onTimeout: 'fail',
    failOnEmpty: 'true',
    failOnTestFailure: 'true',
    junitPath: path.join(dir, 'junit.xml'),
    summary: 'false',
    maxAnnotations: '10',
  });
  const outcome = await relay({
    agent,
    clock: new FakeClock(Date.now()),
    modules: MODULES,
    inputs: INPUTS,
  });
  expect(outcome.cause).toBe('timeout');

  const minutes = agent.lines
    .filter((line) => /^\[[^\]]+\] STATUS_CREATED/.test(line))
    .map((line) => line.slice(1, line.indexOf(']')));
  // The first poll, then each 30 s (polls every 10 s ± 10 % jitter) up to 10 min, then at
  // 5-minute steps: about 20 lines before 10 minutes, and 2 in the 10 minutes after.
  const early = minutes.filter((stamp) => !/^(1\dm|\d\dm)/.test(stamp));
  const late = minutes.filter((stamp) => /^1\dm/.test(stamp));
  expect(early.length).toBeGreaterThanOrEqual(18);
  expect(early.length).toBeLessThanOrEqual(22);
  expect(late.length).toBeGreaterThanOrEqual(1);
  expect(late.length).toBeLessThanOrEqual(3);
});
