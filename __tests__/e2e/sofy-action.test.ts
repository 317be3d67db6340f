// The bundled GitHub Action (dist/index.js) run as the runner runs it, against the Sofy
// simulator on 127.0.0.1: both API generations, build uploads, cancel and timeout.

import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { parseJunitXml } from '../../src/core/junit-read.js';
import { startSimulator } from '../../src/vendors/simulators.js';
import { runAction, type StepResult } from '../helpers/github-runner.js';
import { placesHolding } from '../helpers/secrets.js';
import { type RecordedRequest, SimulatorHandle } from '../helpers/simulator.js';

// Made-up GUIDs, as Sofy's keys and schedule ids are.
const KEY = '9E8D7C6B-5A49-4382-9170-6F5E4D3C2B1A';
const WRONG_KEY = '1A2B3C4D-5E6F-4A7B-8C9D-0E1F2A3B4C5D';
const SCHEDULE = '0CF78E5E-05CE-4971-A954-0E3789140DFD';
const LEGACY_SCHEDULE = '1888';

let sim: SimulatorHandle;

beforeAll(async () => {
  sim = new SimulatorHandle(await startSimulator({ vendor: 'sofy', apiKey: KEY }));
});
afterAll(() => sim.close());
beforeEach(async () => {
  // Also forgets uploaded builds, so a build is never a duplicate of another test's.
  await fetch(`${sim.baseUrl}/__sim/reset`, { method: 'POST' });
});

function inputs(extra: Record<string, string> = {}): Record<string, string> {
  return {
    vendor: 'sofy',
    baseUrl: sim.baseUrl,
    apiKey: KEY,
    planId: SCHEDULE,
    pollInterval: '1s',
    ...extra,
  };
}

const quick = {
  queuedSeconds: 1,
  durationSeconds: 2,
  devices: 2,
  tests: 3,
  failed: 0,
  errored: 0,
  skipped: 0,
};

type Logged = RecordedRequest & { route: string; headers: Record<string, string> };
async function requests(route?: string): Promise<Logged[]> {
  const all = (await sim.requests()) as Logged[];
  return route ? all.filter((r) => r.route === route) : all;
}

/** No secret in the step (streams, outputs, summary, files) nor in the simulator's log. */
async function expectNoSecret(step: StepResult, secret = KEY): Promise<void> {
  expect(placesHolding(secret, step)).toEqual([]);
  expect(JSON.stringify(await sim.requests())).not.toContain(secret);
}

function annotations(step: StepResult, kind: 'error' | 'notice' | 'warning'): string[] {
  return step.stdout.split('\n').filter((line) => line.startsWith(`::${kind}`));
}

function groupIdOf(body: unknown): string {
  const answer = body as {
    data?: Array<{ scheduleTestRunsGroupID: number }>;
    ScheduleTestRunsGroupID?: number;
  };
  return String(answer.ScheduleTestRunsGroupID ?? answer.data?.[0].scheduleTestRunsGroupID);
}

describe('GitHub Action × Sofy simulator (current API)', () => {
  it('relays a passing run: outputs, a suite per device, one trigger, no secret', async () => {
    await sim.scenario(quick);
    const step = await runAction(inputs());

    expect(step.stderr).toBe('');
    expect(step.exitCode).toBe(0);
    expect(step.outputs).toMatchObject({
      state: 'completed',
      verdict: 'passed',
      total: '6',
      passed: '6',
      failed: '0',
      runUrl: new URL(sim.baseUrl).origin,
      junitPath: 'testrelay-results/junit.xml',
    });
    expect(step.outputs.runId).toMatch(/^\d+$/);
    expect(step.stdout).toContain(`Started Sofy run ${step.outputs.runId}: ${step.outputs.runUrl}`);
    expect(step.stdout).toMatch(/Sofy has no page per run/);

    const junit = fs.readFileSync(path.join(step.workspace, 'testrelay-results/junit.xml'), 'utf8');
    const suites = await parseJunitXml(junit);
    expect(suites.map((s) => s.name)).toEqual(['Pixel 7', 'Galaxy S23']);
    expect(suites[0].cases.map((c) => c.classname)).toEqual(Array(3).fill('Pixel 7'));
    // The summary says plainly that the link is the portal, not a page of the run.
    expect(step.summary).toMatch(/Sofy has no link to a single run/);

    expect(await requests('trigger')).toHaveLength(1);
    expect((await requests()).every((r) => r.authorized !== false)).toBe(true);
    expect((await requests('status'))[0].headers['x-sofy-auth-key']).toBe('***');
    expect((await requests()).filter((r) => r.route.startsWith('abort'))).toHaveLength(0);
    await expectNoSecret(step);
  });

  it('fails the step on failed tests and annotates them', async () => {
    await sim.scenario({ ...quick, failed: 1 });
    const step = await runAction(inputs());
    expect(step.exitCode).toBe(1);
    expect(step.outputs).toMatchObject({ verdict: 'failed', total: '6', failed: '2' });
    const errors = annotations(step, 'error');
    expect(
      errors.some((line) =>
        /title=Failed%3A Pixel 7 › Logout clears the session::Sofy reported "Failed"/.test(line),
      ),
    ).toBe(true);
    expect(errors[errors.length - 1]).toMatch(/2 of 6 tests failed/);
    await expectNoSecret(step);
  });

  it('times out and aborts its own group (testRunGroupId), never the whole schedule', async () => {
    await sim.scenario({ ...quick, durationSeconds: 60 });
    const step = await runAction(inputs({ timeout: '3s', cancelOnTimeout: 'true' }));
    expect(step.exitCode).toBe(1);
    expect(step.outputs).toMatchObject({ state: 'timed_out', verdict: '' });
    expect(step.stdout).toContain(`Asked Sofy to abort test run group ${step.outputs.runId}.`);
    const aborts = (await requests()).filter((r) => r.route.startsWith('abort'));
    expect(aborts).toHaveLength(1);
    expect(aborts[0]).toMatchObject({
      route: 'abort',
      method: 'PUT',
      query: { testRunGroupId: step.outputs.runId },
    });
    await expectNoSecret(step);
  });

  it('aborts the group on SIGTERM and exits within 5 s', async () => {
    await sim.scenario({ ...quick, durationSeconds: 60 });
    const step = await runAction(inputs({ timeout: '5m' }), {
      sendSignal: { signal: 'SIGTERM', when: /Started Sofy run/ },
    });
    expect(step.exitAfterSignalMs).toBeLessThan(5000);
    expect(step.exitCode).toBe(1);
    expect(step.outputs.state).toBe('cancelled');
    const aborts = await requests('abort');
    expect(aborts).toHaveLength(1);
    expect(aborts[0].query).toEqual({ testRunGroupId: step.outputs.runId });
    await expectNoSecret(step);
  });

  it('names bad inputs without echoing the key, and sends nothing', async () => {
    const badKey = 'my-sofy-key-not-a-guid';
    const step = await runAction(inputs({ apiKey: badKey, planId: 'nightly smoke' }));
    expect(step.exitCode).toBe(1);
    expect(step.stdout).toMatch(/apiKey: expected a Sofy API key, which is a GUID/);
    expect(step.stdout).toMatch(
      /planId: expected a Sofy schedule id: a GUID, or a number for the legacy API; got "nightly smoke"/,
    );
    expect(placesHolding(badKey, step)).toEqual([]);
    expect(await sim.requests()).toEqual([]);
  });

  it('explains a rejected key (401) without showing it', async () => {
    const step = await runAction(inputs({ apiKey: WRONG_KEY }));
    expect(step.exitCode).toBe(1);
    expect(step.stdout).toMatch(/Sofy rejected the API key \(HTTP 401: Invalid Auth Key\./);
    expect(step.outputs.state).toBe('error');
    await expectNoSecret(step, WRONG_KEY);
    expect(await requests('trigger')).toHaveLength(1);
  });

  it('uploads a local .apk first and runs that build', async () => {
    await sim.scenario(quick);
    const step = await runAction(inputs({ appPath: 'build/app-release.apk' }), {
      prepare: ({ workspace }) => {
        fs.mkdirSync(path.join(workspace, 'build'));
        fs.writeFileSync(path.join(workspace, 'build/app-release.apk'), `apk ${Date.now()}`);
      },
    });
    expect(step.exitCode).toBe(0);
    const [upload] = await requests('upload');
    expect(upload.headers['content-type']).toMatch(/^multipart\/form-data/);
    const [trigger] = await requests('trigger');
    const hash = (trigger.query as Record<string, string>).appHash;
    expect(step.stdout).toContain(
      `Uploaded app-release.apk: running the build with app hash ${hash}.`,
    );
    await expectNoSecret(step);
  });

  it('downloads an http(s) appPath, then uploads it', async () => {
    await sim.scenario(quick);
    const served: string[] = [];
    const server = http.createServer((request, response) => {
      served.push(request.url ?? '');
      response.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      response.end(`downloaded apk ${Date.now()}`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const url = `http://127.0.0.1:${port}/builds/Shop-1.2.apk?token=signed-secret-123`;
      const step = await runAction(inputs({ appPath: url }));
      expect(step.exitCode).toBe(0);
      expect(served).toEqual(['/builds/Shop-1.2.apk?token=signed-secret-123']);
      expect(step.stdout).toContain(
        `Downloading the build from http://127.0.0.1:${port}/builds/Shop-1.2.apk…`,
      );
      expect(step.stdout).toMatch(/Uploaded Shop-1\.2\.apk: running the build with app hash \w+/);
      // The signed query stays out of every line (TestRelay downloads it itself, as it sends
      // every request), and the runner masks it too: the query value was registered with
      // ::add-mask:: before any request.
      const maskAt = step.stdout.indexOf('::add-mask::signed-secret-123');
      expect(maskAt).toBeGreaterThan(-1);
      expect(maskAt).toBeLessThan(step.stdout.indexOf('Downloading the build'));
      const withoutMask = step.stdout.replace('::add-mask::signed-secret-123', '');
      expect(placesHolding('signed-secret-123', { ...step, stdout: withoutMask })).toEqual([]);
      expect(await requests('upload')).toHaveLength(1);
      await expectNoSecret(step);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('SIGTERM stops a build download that never ends, and the step exits at once', async () => {
    const server = http.createServer((_request, response) => {
      // Headers and a first chunk, then nothing: a stalled download.
      response.writeHead(200, {
        'Content-Type': 'application/octet-stream',
        'Content-Length': '50000000',
      });
      response.write('PK partial build');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const step = await runAction(
        inputs({ appPath: `http://127.0.0.1:${port}/builds/Shop-1.2.apk` }),
        { sendSignal: { signal: 'SIGTERM', when: /Downloading the build/ } },
      );
      // The relay's grace for a trigger in flight (1.5 s), not the 4.5 s safety exit that a
      // download nothing could stop would run into.
      expect(step.exitAfterSignalMs).toBeLessThan(4000);
      expect(step.stdout).not.toContain('Stopping took too long');
      expect(step.exitCode).toBe(1);
      expect(step.outputs.state).toBe('cancelled');
      expect(await requests('upload')).toHaveLength(0);
      expect(await requests('trigger')).toHaveLength(0);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('explains an upload Sofy refuses, and starts nothing', async () => {
    await sim.scenario({ ...quick, uploadError: 'no-release' });
    try {
      const step = await runAction(inputs({ appPath: 'app.apk' }), {
        prepare: ({ workspace }) => fs.writeFileSync(path.join(workspace, 'app.apk'), 'apk'),
      });
      expect(step.exitCode).toBe(1);
      expect(step.stdout).toMatch(
        /Sofy refused the upload of app\.apk \(HTTP 400: No active release found .*create one, then upload again/,
      );
      expect(await requests('trigger')).toHaveLength(0);
    } finally {
      await sim.scenario({ uploadError: null });
    }
  });

  it('attaches to an existing group by runId without triggering', async () => {
    await sim.scenario({ ...quick, failed: 1 });
    const started = await fetch(
      `${sim.baseUrl}/scheduler-microservice/scheduled-runs/${SCHEDULE}/execute`,
      { method: 'POST', headers: { 'x-sofy-auth-key': KEY } },
    );
    const groupId = groupIdOf(await started.json());
    await sim.clearRequests();

    const step = await runAction(inputs({ runId: groupId }));
    expect(step.exitCode).toBe(1);
    expect(step.outputs).toMatchObject({ runId: groupId, verdict: 'failed', total: '6' });
    expect(step.stdout).toContain(`Attached to Sofy run ${groupId}`);
    expect(await requests('trigger')).toHaveLength(0);
  });
});

describe('GitHub Action × Sofy simulator (legacy API)', () => {
  const legacy = { ...quick, variant: 'legacy' };

  it('relays a run with the key in the bodies only, masked in every log', async () => {
    await sim.scenario({ ...legacy, failed: 1 });
    const step = await runAction(inputs({ planId: LEGACY_SCHEDULE }));
    expect(step.exitCode).toBe(1);
    expect(step.outputs).toMatchObject({ state: 'completed', verdict: 'failed', total: '6' });
    const triggers = await requests('legacyTrigger');
    expect(triggers).toHaveLength(1);
    expect(triggers[0].body).toEqual({ APIKey: '***', ScheduledID: 1888 });
    expect((await requests('legacyGroupStatus'))[0].query).toEqual({
      ScheduleTestRunsGroupID: step.outputs.runId,
    });
    expect((await requests('legacyRows')).length).toBeGreaterThan(0);
    await expectNoSecret(step);
  });

  it('has no abort: says so on timeout and sends none', async () => {
    await sim.scenario({ ...legacy, durationSeconds: 60 });
    const step = await runAction(
      inputs({ planId: LEGACY_SCHEDULE, timeout: '3s', cancelOnTimeout: 'true' }),
    );
    expect(step.exitCode).toBe(1);
    expect(step.outputs.state).toBe('timed_out');
    expect(step.stdout).toMatch(/Sofy's legacy API \(numeric ScheduledID\) has no abort/);
    expect((await requests()).filter((r) => r.route.startsWith('abort'))).toHaveLength(0);
    await expectNoSecret(step);
  });

  it('attaches to a legacy group by runId', async () => {
    await sim.scenario(legacy);
    const started = await fetch(`${sim.baseUrl}/api/CICD/ScheduleAutomatedTestRun`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ APIKey: KEY, ScheduledID: 1888 }),
    });
    const groupId = groupIdOf(await started.json());
    await sim.clearRequests();
    const step = await runAction(inputs({ planId: LEGACY_SCHEDULE, runId: groupId }));
    expect(step.exitCode).toBe(0);
    expect(step.outputs).toMatchObject({ runId: groupId, verdict: 'passed', total: '6' });
    expect(await requests('legacyTrigger')).toHaveLength(0);
    await expectNoSecret(step);
  });

  it('shows the request on dryRun with the key masked, and sends nothing', async () => {
    const step = await runAction(inputs({ planId: LEGACY_SCHEDULE, dryRun: 'true' }));
    expect(step.exitCode).toBe(0);
    expect(step.stdout).toContain(
      `Dry run: would POST ${sim.baseUrl}/api/CICD/ScheduleAutomatedTestRun`,
    );
    expect(step.stdout).toContain('"APIKey": "***"');
    expect(step.stdout).toContain('"ScheduledID": 1888');
    expect(await sim.requests()).toEqual([]);
    await expectNoSecret(step);
  });
});
