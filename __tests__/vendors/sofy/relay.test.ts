// The relay pipeline in-process with the real Sofy client against the Sofy simulator, on a
// fake clock: the vendor's rarer answers (vendor-apis/sofy.md §6), without waiting for them.
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { relay } from '../../../src/core/relay/index.js';
import { Redactor } from '../../../src/core/redact.js';
import { startSimulator } from '../../../src/vendors/simulators.js';
import { createSource, INPUTS, MODULES, readSettings } from '../../../src/vendors/registry.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { RecordingAgent } from '../../helpers/recording-agent.js';
import { type RecordedRequest, SimulatorHandle } from '../../helpers/simulator.js';

// Made-up GUIDs, as Sofy's keys and schedule ids are.
const KEY = 'C7D1E2F3-4A5B-4C6D-8E7F-9A0B1C2D3E4F';
const WRONG_KEY = '0D1E2F3A-4B5C-4D6E-8F70-8192A3B4C5D6';
const SCHEDULE = '0CF78E5E-05CE-4971-A954-0E3789140DFD';
const LEGACY_SCHEDULE = '1888';

let sim: SimulatorHandle;
let dir: string;

/**
 * Keeps fake time in whole milliseconds, as the system clock is: the HTTP retry backoff asks
 * for fractions, and AbortSignal.timeout() in the core refuses a fractional remainder.
 */
class WholeMsClock extends FakeClock {
  override sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return super.sleep(Math.ceil(ms), signal);
  }
}

beforeAll(async () => {
  sim = new SimulatorHandle(await startSimulator({ vendor: 'sofy', apiKey: KEY }));
});
afterAll(() => sim.close());
beforeEach(async () => {
  await fetch(`${sim.baseUrl}/__sim/reset`, { method: 'POST' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relay-sofy-'));
});

async function runRelay(scenario: Record<string, unknown>, inputs: Record<string, string> = {}) {
  await sim.scenario({ queuedSeconds: 0, pollsToComplete: 3, devices: 2, tests: 3, ...scenario });
  const agent = new RecordingAgent({
    vendor: 'sofy',
    baseUrl: sim.baseUrl,
    apiKey: KEY,
    planId: SCHEDULE,
    junitPath: path.join(dir, 'junit.xml'),
    ...inputs,
  });
  const clock = new WholeMsClock(Date.now());
  const outcome = await relay({ agent, clock, modules: MODULES, inputs: INPUTS });
  expectNoKey(agent);
  return { agent, outcome, clock };
}

/** The request log with the fields the simulator records beyond the helper's type. */
type Logged = RecordedRequest & { route: string; headers: Record<string, string> };
async function requests(): Promise<Logged[]> {
  return (await sim.requests()) as Logged[];
}

async function expectNoKeyInRequestLog(): Promise<void> {
  expect(JSON.stringify(await sim.requests())).not.toContain(KEY);
}

function expectNoKey(agent: RecordingAgent): void {
  const everything = [agent.log(), agent.summary, JSON.stringify(agent.outputs)].join('\n');
  expect(everything).not.toContain(KEY);
  const junit = path.join(dir, 'junit.xml');
  if (fs.existsSync(junit)) expect(fs.readFileSync(junit, 'utf8')).not.toContain(KEY);
}

function apk(name = 'app-release.apk', content = `apk ${Math.random()}`): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

/** A group started behind TestRelay's back, as another job would have. */
async function triggerDirectly(legacy = false): Promise<string> {
  const response = legacy
    ? await fetch(`${sim.baseUrl}/api/CICD/ScheduleAutomatedTestRun`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ APIKey: KEY, ScheduledID: Number(LEGACY_SCHEDULE) }),
      })
    : await fetch(`${sim.baseUrl}/scheduler-microservice/scheduled-runs/${SCHEDULE}/execute`, {
        method: 'POST',
        headers: { 'x-sofy-auth-key': KEY },
      });
  const body = (await response.json()) as {
    data?: Array<{ scheduleTestRunsGroupID: number }>;
    ScheduleTestRunsGroupID?: number;
  };
  await sim.clearRequests();
  return String(body.ScheduleTestRunsGroupID ?? body.data?.[0].scheduleTestRunsGroupID);
}

describe('relay × Sofy simulator, current API (fake clock)', () => {
  it('waits through empty answers, then relays one suite per device', async () => {
    const { agent, outcome, clock } = await runRelay({ emptyPolls: 3, pollsToComplete: 6 });
    expect(outcome.conclusion).toBe('success');
    expect(agent.outputs).toMatchObject({
      state: 'completed',
      verdict: 'passed',
      total: '6',
      passed: '6',
      runUrl: new URL(sim.baseUrl).origin,
    });
    expect(agent.outputs.runId).toMatch(/^\d+$/);
    expect(agent.log()).toMatch(/Not started — no test runs yet: Sofy has not assigned devices/);
    expect(agent.log()).toMatch(/6 Passed — 6 of 6 test runs done/);
    // Sofy is never polled faster than every 15 s on auto.
    expect(Math.min(...clock.sleeps)).toBeGreaterThanOrEqual(15_000);
    const log = await requests();
    expect(log.filter((r) => r.route === 'trigger')).toHaveLength(1);
    expect(log.filter((r) => r.route === 'status')).toHaveLength(6);
    // The end is confirmed once with the group list.
    expect(log.filter((r) => r.route === 'groups')).toHaveLength(1);
    const junit = fs.readFileSync(path.join(dir, 'junit.xml'), 'utf8');
    expect(junit).toContain('<testsuite name="Pixel 7"');
    expect(junit).toContain('<testsuite name="Galaxy S23"');
    expect(junit).toContain('<property name="sofy.os" value="14"/>');
    expect(agent.summary).toMatch(/Sofy has no link to a single run/);
    await expectNoKeyInRequestLog();
  });

  it('follows rows that appear one device at a time', async () => {
    const { agent } = await runRelay({
      variant: 'rows-one-device-at-a-time',
      devices: 3,
      pollsToComplete: 9,
    });
    expect(agent.outputs).toMatchObject({ verdict: 'passed', total: '9', passed: '9' });
    // The log shows the first device's rows alone before the others appear.
    expect(agent.log()).toMatch(/of 3 test runs done/);
    expect(agent.log()).toMatch(/9 of 9 test runs done/);
  });

  it('reads the UI labels as "still going" without warnings', async () => {
    const { agent } = await runRelay({
      variant: 'ui-labels',
      queuedSeconds: 5,
      pollsToComplete: 9,
    });
    expect(agent.outputs.verdict).toBe('passed');
    for (const label of ['Waiting for Device', 'Setting up Device', 'In Progress']) {
      expect(agent.log()).toContain(label);
    }
    expect(agent.log()).not.toMatch(/warning: Unknown/);
  });

  it('warns once about an unknown status and keeps waiting', async () => {
    const { agent } = await runRelay({ variant: 'unknown-status', pollsToComplete: 6 });
    expect(agent.outputs.verdict).toBe('passed');
    expect(
      agent.lines.filter((line) => /Unknown run status "Device Reconnecting"/.test(line)),
    ).toHaveLength(1);
  });

  it('counts an Incomplete device as errors', async () => {
    const { agent, outcome } = await runRelay({ incompleteDevice: 2 });
    expect(agent.outputs).toMatchObject({ verdict: 'error', total: '6', passed: '3', failed: '3' });
    expect(outcome.conclusion).toBe('failure');
    const errors = agent.annotations.filter((a) => a.level === 'error');
    expect(errors).toHaveLength(3);
    expect(errors[0].title).toMatch(/^Error: Galaxy S23 › /);
    expect(errors[0].message).toMatch(/unavailable or lost its connection/);
  });

  it('failed beats stopped; Not Executed is an error', async () => {
    const { agent } = await runRelay({ tests: 4, failed: 1, errored: 0, skipped: 1 });
    expect(agent.outputs).toMatchObject({ verdict: 'failed', failed: '2', skipped: '2' });
    const errored = await runRelay({ tests: 4, failed: 0, skipped: 0, errored: 2 });
    expect(errored.agent.outputs).toMatchObject({ verdict: 'error', failed: '4' });
    expect(errored.agent.summary).toMatch(/Not Executed/);
  });

  it.each(['', 'stopped-spelling'])(
    'a run stopped in Sofy (%s) fails as stopped',
    async (variant) => {
      const { agent, outcome } = await runRelay({ variant, tests: 3, skipped: 1 });
      expect(agent.outputs).toMatchObject({ verdict: 'stopped', skipped: '2', passed: '4' });
      expect(outcome.reason).toMatch(/stopped on the sofy side/i);
      expect(fs.readFileSync(path.join(dir, 'junit.xml'), 'utf8')).toContain(
        variant
          ? 'Stopped in Sofy (&quot;Stopped&quot;)'
          : 'Stopped in Sofy (&quot;Run Stopped&quot;)',
      );
    },
  );

  it('reads the testGroupsRunId trigger answer', async () => {
    const { agent } = await runRelay({ triggerShape: 'testGroupsRunId' });
    expect(agent.outputs).toMatchObject({ verdict: 'passed', total: '6' });
    expect(agent.outputs.runId).toMatch(/^\d+$/);
  });

  it('times out, keeps what it saw, and aborts the group by its id', async () => {
    const { agent, outcome } = await runRelay(
      { pollsToComplete: 1000 },
      { timeout: '2m', cancelOnTimeout: 'true' },
    );
    expect(agent.outputs).toMatchObject({ state: 'timed_out', verdict: '', total: '6' });
    expect(agent.outputs.skipped).toBe('6');
    expect(outcome.reason).toMatch(/TestRelay stopped it/);
    expect(agent.log()).toContain(`Asked Sofy to abort test run group ${agent.outputs.runId}.`);
    const aborts = (await requests()).filter((r) => r.route.startsWith('abort'));
    expect(aborts).toHaveLength(1);
    expect(aborts[0]).toMatchObject({
      route: 'abort',
      method: 'PUT',
      path: `/scheduler-microservice/public/test-run/abort/${SCHEDULE}`,
      query: { testRunGroupId: agent.outputs.runId },
    });
  });

  it('keeps polling through a failing status read, and never repeats a failed trigger', async () => {
    const flaky = await runRelay({ faultsAt: 'status#2:503,status#3:reset' });
    expect(flaky.agent.outputs.verdict).toBe('passed');

    await sim.clearRequests();
    const { agent, outcome } = await runRelay({ faultsAt: 'trigger#1:503' });
    expect(outcome.conclusion).toBe('failure');
    expect(agent.outputs.state).toBe('error');
    expect(outcome.reason).toMatch(/HTTP 503.*not retried/);
    expect(await sim.count('trigger')).toBe(1);
  });
});

describe('relay × Sofy simulator: errors explained', () => {
  it('a rejected key', async () => {
    const { outcome, agent } = await runRelay({}, { apiKey: WRONG_KEY });
    expect(outcome.reason).toMatch(
      /Sofy rejected the API key \(HTTP 401: Invalid Auth Key\..*\)\. Check apiKey/,
    );
    expect(agent.log()).not.toContain(WRONG_KEY);
    expect(outcome.reason).not.toContain(WRONG_KEY);
  });

  it('an unknown schedule', async () => {
    const { outcome } = await runRelay({ missingScheduleIds: [SCHEDULE] });
    expect(outcome.reason).toMatch(
      new RegExp(
        `Sofy has no scheduled run ${SCHEDULE} \\(HTTP 400: The scheduledRunGuid .*Check planId`,
      ),
    );
    expect(await sim.count('trigger')).toBe(1);
  });

  it('an unknown app hash', async () => {
    const { outcome } = await runRelay({}, { appHash: 'feedfacecafe' });
    expect(outcome.reason).toMatch(/Sofy has no build with app hash feedfacecafe \(HTTP 400/);
    const trigger = (await sim.requests()).find((r) => r.route === 'trigger');
    expect(trigger?.query).toEqual({ appHash: 'feedfacecafe' });
  });

  it('a group that is not in the schedule, on attach', async () => {
    const { outcome } = await runRelay({}, { runId: '999999' });
    expect(outcome.reason).toMatch(
      /Sofy has no test run group 999999 in scheduled run .*Check runId .* and planId/,
    );
  });
});

describe('relay × Sofy simulator: build upload', () => {
  it('uploads a local .apk and runs that build', async () => {
    const { agent } = await runRelay({}, { appPath: apk() });
    expect(agent.outputs.verdict).toBe('passed');
    const log = await requests();
    const upload = log.find((r) => r.route === 'upload');
    expect(upload?.headers['x-sofy-auth-key']).toBe('***');
    expect(upload?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const trigger = log.find((r) => r.route === 'trigger');
    const hash = (trigger?.query as Record<string, string>).appHash;
    expect(hash).toMatch(/\w+/);
    expect(agent.log()).toMatch(/Uploading app-release\.apk \(\d+ B\) to Sofy…/);
    expect(agent.log()).toContain(
      `Uploaded app-release.apk: running the build with app hash ${hash}.`,
    );
  });

  it.each([
    [
      'duplicate',
      /Sofy refused the upload of app-release\.apk \(HTTP 400: Build already exists\..*\)\. Sofy has this build already: .*appHash/,
    ],
    ['expired', /subscription has expired: renew it/],
    ['no-release', /no active release in Sofy: create one/],
    ['wrong-type', /only \.apk and \.ipa builds; an Android App Bundle/],
    ['corrupt', /could not read it as an app package/],
    ['no-manifest', /no application manifest/],
    ['no-user', /Sofy rejected the API key \(HTTP 401: No user found/],
  ])('explains the upload error %s, and starts nothing', async (uploadError, reason) => {
    const { outcome, agent } = await runRelay({ uploadError }, { appPath: apk() });
    expect(outcome.conclusion).toBe('failure');
    expect(outcome.reason).toMatch(reason);
    expect(agent.outputs.state).toBe('error');
    expect(await sim.count('upload')).toBe(1);
    expect(await sim.count('trigger')).toBe(0);
  });

  it('a cancel (SIGTERM) stops the download of an http(s) appPath: nothing uploaded or started', async () => {
    let requested!: () => void;
    const downloading = new Promise<void>((resolve) => (requested = resolve));
    const stalled = http.createServer((_request, response) => {
      response.writeHead(200, { 'Content-Length': String(100 * 1024 * 1024) });
      response.write('PK partial build', () => requested());
    });
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    const appPath = `http://127.0.0.1:${(stalled.address() as AddressInfo).port}/Shop.apk`;
    await sim.scenario({ queuedSeconds: 0, pollsToComplete: 3 });
    const agent = new RecordingAgent({
      vendor: 'sofy',
      baseUrl: sim.baseUrl,
      apiKey: KEY,
      planId: SCHEDULE,
      appPath,
      junitPath: path.join(dir, 'junit.xml'),
    });
    const cancel = new AbortController();
    try {
      const outcome = relay({
        agent,
        clock: new WholeMsClock(Date.now()),
        modules: MODULES,
        inputs: INPUTS,
        signal: cancel.signal,
      });
      await downloading;
      const cancelledAt = Date.now();
      cancel.abort(Object.assign(new Error('Received SIGTERM'), { name: 'AbortError' }));
      expect((await outcome).conclusion).toBe('failure');
      // The trigger path's grace for a request that may start a run (1.5 s), then done.
      expect(Date.now() - cancelledAt).toBeLessThan(3000);
      expect(agent.outputs.state).toBe('cancelled');
      expect(agent.downloads).toEqual([appPath]);
      expect(await sim.count('upload')).toBe(0);
      expect(await sim.count('trigger')).toBe(0);
    } finally {
      stalled.closeAllConnections();
      await new Promise((resolve) => stalled.close(resolve));
    }
  });

  it('the same build twice is a duplicate (the simulator remembers uploads)', async () => {
    const file = apk('app-release.apk', 'same bytes');
    expect((await runRelay({}, { appPath: file })).outcome.conclusion).toBe('success');
    const again = await runRelay({}, { appPath: file });
    expect(again.outcome.reason).toMatch(/Sofy has this build already/);
  });
});

describe('relay × Sofy simulator, legacy API (fake clock)', () => {
  const legacy = { planId: LEGACY_SCHEDULE };

  it('reads the group status and the per-run rows, with the key only in the bodies', async () => {
    const { agent, outcome } = await runRelay(
      { variant: 'legacy', failed: 1, pollsToComplete: 6 },
      legacy,
    );
    expect(outcome.conclusion).toBe('failure');
    expect(agent.outputs).toMatchObject({ verdict: 'failed', total: '6', failed: '2' });
    expect(agent.log()).toMatch(/Running: /);
    const log = await requests();
    expect(log.filter((r) => r.route === 'legacyTrigger')).toHaveLength(1);
    const trigger = log.find((r) => r.route === 'legacyTrigger');
    expect(trigger?.body).toEqual({ APIKey: '***', ScheduledID: 1888 });
    const groupReads = log.filter((r) => r.route === 'legacyGroupStatus');
    expect(groupReads.length).toBeGreaterThan(1);
    expect(groupReads[0].query).toEqual({ ScheduleTestRunsGroupID: agent.outputs.runId });
    expect(log.filter((r) => r.route === 'legacyRows').length).toBe(groupReads.length);
    // Legacy rows name manufacturer and model; the device is both.
    expect(fs.readFileSync(path.join(dir, 'junit.xml'), 'utf8')).toContain(
      '<testsuite name="Google Pixel 7"',
    );
    await expectNoKeyInRequestLog();
  });

  it('reads the UI spelling of group statuses (In Queue, Complete with Errors)', async () => {
    const { agent } = await runRelay(
      { variant: 'legacy,ui-labels', errored: 1, queuedSeconds: 5, pollsToComplete: 8 },
      legacy,
    );
    expect(agent.outputs).toMatchObject({ verdict: 'error', total: '6', failed: '2' });
    expect(agent.log()).toContain('In Queue');
    expect(agent.log()).toContain('Complete with Errors');
  });

  it('uploads with SubscriptionKey and runs that build', async () => {
    const { agent } = await runRelay({ variant: 'legacy' }, { ...legacy, appPath: apk() });
    expect(agent.outputs.verdict).toBe('passed');
    const log = await requests();
    const upload = log.find((r) => r.route === 'legacyUpload');
    expect(upload?.headers.subscriptionkey).toBe('***');
    const trigger = log.find((r) => r.route === 'legacyTrigger');
    expect(trigger?.body).toMatchObject({ APIKey: '***', AppHash: expect.any(String) });
    await expectNoKeyInRequestLog();
  });

  it('has no abort: says so on timeout and sends none', async () => {
    const { agent, outcome } = await runRelay(
      { variant: 'legacy', pollsToComplete: 1000 },
      { ...legacy, timeout: '1m', cancelOnTimeout: 'true' },
    );
    expect(agent.outputs.state).toBe('timed_out');
    expect(agent.log()).toMatch(
      /Sofy's legacy API \(numeric ScheduledID\) has no abort: test run group \d+ goes on/,
    );
    expect(outcome.reason).toMatch(/Attach to it later with runId/);
    expect((await requests()).filter((r) => r.route.startsWith('abort'))).toHaveLength(0);
  });

  it('a rejected key', async () => {
    const { outcome } = await runRelay({ variant: 'legacy' }, { ...legacy, apiKey: WRONG_KEY });
    expect(outcome.reason).toMatch(
      /Sofy rejected the API key \(HTTP 401: Authorization has been denied for this request\.\)/,
    );
  });

  it('attaches to a group and refuses one the schedule does not list', async () => {
    await sim.scenario({ variant: 'legacy', pollsToComplete: 4, devices: 2, tests: 3 });
    const groupId = await triggerDirectly(true);
    const { agent } = await runRelay({ variant: 'legacy' }, { ...legacy, runId: groupId });
    expect(agent.outputs).toMatchObject({ runId: groupId, verdict: 'passed', total: '6' });
    expect(await sim.count('legacyTrigger')).toBe(0);

    const missing = await runRelay({ variant: 'legacy' }, { ...legacy, runId: '424242' });
    expect(missing.outcome.reason).toMatch(
      /Sofy lists no test run group 424242 for ScheduledID 1888/,
    );
  });
});

describe('Sofy attach and abort', () => {
  it('attaches to a running group without triggering', async () => {
    await sim.scenario({ queuedSeconds: 0, pollsToComplete: 4, failed: 1, devices: 2, tests: 3 });
    const groupId = await triggerDirectly();
    const { agent } = await runRelay({ failed: 1 }, { runId: groupId });
    expect(agent.outputs).toMatchObject({
      runId: groupId,
      verdict: 'failed',
      total: '6',
      failed: '2',
    });
    expect(await sim.count('trigger')).toBe(0);
    expect(agent.log()).toContain(`Attached to Sofy run ${groupId}`);
  });

  it('"nothing to abort" is not an error, and not a stop', async () => {
    await sim.scenario({ pollsToComplete: 1 });
    const groupId = await triggerDirectly();
    const settings = readSettings(
      (name) =>
        ({ vendor: 'sofy', baseUrl: sim.baseUrl, apiKey: KEY, planId: SCHEDULE })[name] ?? '',
      { ci: 'test' },
    );
    const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
    const source = createSource(settings, { logger, redactor: new Redactor() });
    const handle = { runId: groupId };
    // Finish it first (the simulator completes on the first poll).
    await source.poll(handle, AbortSignal.timeout(5000));
    await expect(source.cancel(handle, AbortSignal.timeout(5000))).resolves.toEqual({
      stopped: false,
      message: `Sofy had nothing left to abort in test run group ${groupId} (it may have finished already).`,
    });
    await expect(source.cancel({ runId: '31337' }, AbortSignal.timeout(5000))).rejects.toThrow(
      /Sofy has no test run group 31337 in scheduled run/,
    );
  });
});
