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

  const stamps = agent.lines
    .filter((line) => /^\[[^\]]+\] STATUS_CREATED/.test(line))
    .map((line) => line.slice(1, line.indexOf(']')));
  // Polls come every 10 s ± 10 % jitter, so a repeat is logged 27–44 s after the last line
  // for the first 10 minutes, then about 5 minutes after it, until the 20-minute timeout.
  const seconds = stamps.map(toSeconds);
  const gaps = seconds.slice(1).map((at, i) => ({ at, gap: at - seconds[i] }));
  const early = gaps.filter(({ at }) => at < 600);
  const late = gaps.filter(({ at }) => at >= 660);
  expect(early.length).toBeGreaterThanOrEqual(13);
  for (const { gap } of early) expect(gap).toBeLessThanOrEqual(45);
  expect(late.length).toBeGreaterThanOrEqual(1);
  for (const { gap } of late) {
    expect(gap).toBeGreaterThanOrEqual(300);
    expect(gap).toBeLessThanOrEqual(312);
  }
});

/** "0 ms", "39.8 s", "1m 20s", "14m 30s" → seconds. */
function toSeconds(stamp: string): number {
  const ms = /^(\d+) ms$/.exec(stamp);
  if (ms) return Number(ms[1]) / 1000;
  const s = /^([\d.]+) s$/.exec(stamp);
  if (s) return Number(s[1]);
  const m = /^(\d+)m (\d+)s$/.exec(stamp);
  if (m) return Number(m[1]) * 60 + Number(m[2]);
  throw new Error(`unexpected stamp ${stamp}`);
}
