// The bundled CLI (dist/cli/index.js) against the Sofy simulator: run (both API
// generations, flags and TESTRELAY_* variables), cancel, and SIGTERM.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startSimulator } from '../../src/vendors/simulators.js';
import { runCli } from '../helpers/github-runner.js';
import { placesHolding } from '../helpers/secrets.js';
import { type RecordedRequest, SimulatorHandle } from '../helpers/simulator.js';

const KEY = '2F4E6D8C-0B1A-4938-8776-5A4B3C2D1E0F';
const SCHEDULE = '7D1E2F30-4A5B-4C6D-9E7F-8091A2B3C4D5';

let sim: SimulatorHandle;

beforeAll(async () => {
  sim = new SimulatorHandle(await startSimulator({ vendor: 'sofy', apiKey: KEY }));
});
afterAll(() => sim.close());
beforeEach(async () => {
  await fetch(`${sim.baseUrl}/__sim/reset`, { method: 'POST' });
  await sim.scenario({ queuedSeconds: 1, durationSeconds: 2, devices: 2, tests: 2 });
});

type Logged = RecordedRequest & { route: string };
async function requests(route: string): Promise<Logged[]> {
  return ((await sim.requests()) as Logged[]).filter((r) => r.route === route);
}

async function expectNoSecret(step: Parameters<typeof placesHolding>[1]): Promise<void> {
  expect(placesHolding(KEY, step)).toEqual([]);
  expect(JSON.stringify(await sim.requests())).not.toContain(KEY);
}

/** Starts a group behind TestRelay's back (as an earlier job would have); returns its id. */
async function startGroup(legacy = false): Promise<string> {
  const response = legacy
    ? await fetch(`${sim.baseUrl}/api/CICD/ScheduleAutomatedTestRun`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ APIKey: KEY, ScheduledID: 1888 }),
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

const base = () => ['--vendor', 'sofy', '--base-url', sim.baseUrl, '--api-key', KEY];

describe('testrelay CLI × Sofy simulator', () => {
  it('runs a schedule from flags and prints the outputs as JSON', async () => {
    await sim.scenario({ failed: 1 });
    const cli = await runCli([
      'run',
      ...base(),
      '--plan-id',
      SCHEDULE,
      '--poll-interval',
      '1s',
      '--json',
    ]);
    expect(cli.exitCode).toBe(1);
    const outputs = JSON.parse(cli.stdout) as Record<string, unknown>;
    expect(outputs).toMatchObject({
      state: 'completed',
      verdict: 'failed',
      total: 4,
      failed: 2,
    });
    expect(cli.stderr).toContain(
      `Started Sofy run ${outputs.runId}: ${new URL(sim.baseUrl).origin}`,
    );
    expect(await requests('trigger')).toHaveLength(1);
    await expectNoSecret(cli);
  });

  it('runs the legacy API from TESTRELAY_* variables, uploading an .ipa first', async () => {
    await sim.scenario({ variant: 'legacy', platform: 'IOS' });
    const cli = await runCli(['run'], {
      env: {
        TESTRELAY_VENDOR: 'sofy',
        TESTRELAY_BASE_URL: sim.baseUrl,
        TESTRELAY_API_KEY: KEY,
        TESTRELAY_PLAN_ID: '1888',
        TESTRELAY_APP_PATH: 'Shop.ipa',
        TESTRELAY_POLL_INTERVAL: '1s',
      },
      prepare: ({ workspace }) => fs.writeFileSync(path.join(workspace, 'Shop.ipa'), 'ipa bytes'),
    });
    expect(cli.exitCode).toBe(0);
    expect(cli.stdout).toContain('All 4 tests passed');
    expect(cli.stdout).toMatch(/Uploaded Shop\.ipa: running the build with app hash \w+/);
    expect(await requests('legacyUpload')).toHaveLength(1);
    const [trigger] = await requests('legacyTrigger');
    expect(trigger.body).toMatchObject({ APIKey: '***', ScheduledID: 1888 });
    expect(
      fs.readFileSync(path.join(cli.workspace, 'testrelay-results/junit.xml'), 'utf8'),
    ).toContain('classname="Apple iPad7,11"');
    await expectNoSecret(cli);
  });

  it('cancel aborts one group of the schedule given by --plan-id, then finds nothing left', async () => {
    await sim.scenario({ durationSeconds: 60 });
    const groupId = await startGroup();
    // Sofy needs the schedule to abort a group.
    const first = await runCli(['cancel', ...base(), '--plan-id', SCHEDULE, '--run-id', groupId]);
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toContain(`Asked Sofy to abort test run group ${groupId}.`);
    const [abort] = await requests('abort');
    expect(abort.query).toEqual({ testRunGroupId: groupId });

    const again = await runCli(['cancel', ...base(), '--plan-id', SCHEDULE, '--run-id', groupId]);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain(`Sofy had nothing left to abort in test run group ${groupId}`);
    expect(await requests('abortAll')).toHaveLength(0);
    await expectNoSecret(first);
  });

  it('cancel on the legacy API says there is no abort, and sends none', async () => {
    await sim.scenario({ variant: 'legacy', durationSeconds: 60 });
    const groupId = await startGroup(true);
    const cli = await runCli(['cancel', ...base(), '--run-id', groupId], {
      env: { TESTRELAY_PLAN_ID: '1888' },
    });
    expect(cli.exitCode).toBe(0);
    expect(cli.stdout).toMatch(/legacy API \(numeric ScheduledID\) has no abort/);
    expect(await sim.requests()).toEqual([]);
  });

  it('aborts the group on SIGTERM and exits within 5 s', async () => {
    await sim.scenario({ durationSeconds: 60 });
    const cli = await runCli(['run', ...base(), '--plan-id', SCHEDULE, '--poll-interval', '1s'], {
      sendSignal: { signal: 'SIGTERM', when: /Started Sofy run/ },
    });
    expect(cli.exitAfterSignalMs).toBeLessThan(5000);
    expect(cli.exitCode).toBe(130);
    const aborts = await requests('abort');
    expect(aborts).toHaveLength(1);
    expect(await requests('trigger')).toHaveLength(1);
    await expectNoSecret(cli);
  });
});
