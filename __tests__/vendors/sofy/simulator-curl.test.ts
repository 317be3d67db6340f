// Sofy's own published curl commands (seed 001, kept verbatim in
// fixtures/vendor-scripts/sofy/schedule-run-status-api.curl) run with the real `curl` against
// the simulator, adapted only in host and placeholders: if the vendor's documented calls work
// against the simulator, its legacy wire format is faithful where those calls depend on it.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  startSimulator,
  type RequestRecord,
  type RunningSimulator,
} from '../../../src/vendors/simulators.js';

const KEY = '5ACD1A78-18FF-4213-B5F5-671C4B2F2B9D';
const SCHEDULED_ID = '1888';
const FIXTURE = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../fixtures/vendor-scripts/sofy/schedule-run-status-api.curl',
);
const FIXTURE_SHA256 = '429102824d9f7960ba55175a99986354bb4e1911c437b007ad45c58697a22e05';

let sim: RunningSimulator;

interface Placeholders {
  key: string;
  groupId?: number;
  appHash?: string;
}

/** The fixture's four commands, in the page's order. */
function commands(): string[] {
  return fs
    .readFileSync(FIXTURE, 'utf8')
    .split(/\n\n/)
    .map((command) => command.trim())
    .filter((command) => command !== '');
}

/** Points a command at the simulator and fills in its placeholders; nothing else changes. */
function adapt(command: string, values: Placeholders): string {
  expect(command.split('https://api.sofy.ai').length).toBe(2);
  const adapted = command
    .replace('https://api.sofy.ai', sim.baseUrl)
    .replaceAll('<SUBSCRIPTION_API_KEY>', values.key)
    .replaceAll('SUBSCRIPTION_API_KEY', values.key)
    .replaceAll('SCHEDULED_TESTRUN_GROUP_ID', String(values.groupId ?? 'missing'))
    .replaceAll('SCHEDULED_ID', SCHEDULED_ID)
    .replaceAll('APP_HASH_FROM_BUILD_UPLOAD', values.appHash ?? 'missing');
  expect(adapted).not.toMatch(/SUBSCRIPTION|SCHEDULED_|APP_HASH|missing/);
  return adapted;
}

/** Runs one command with bash and the real curl; no proxy settings reach it. */
function run(command: string): Promise<{ exitCode: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.resume();
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, stdout });
    });
  });
}

async function runJson(command: string): Promise<unknown> {
  const result = await run(command);
  expect(result.exitCode).toBe(0);
  return JSON.parse(result.stdout) as unknown;
}

/** A build to trigger by hash, uploaded as Sofy's upload scripts do (SubscriptionKey header). */
async function uploadBuild(): Promise<string> {
  const form = new FormData();
  form.append(
    'applicationFile',
    new Blob([Buffer.from('PK\u0003\u0004 ShopEasy 2.15.0')]),
    'app-release.apk',
  );
  const response = await fetch(`${sim.baseUrl}/api/AppTests/buildUpload`, {
    method: 'POST',
    headers: { SubscriptionKey: KEY },
    body: form,
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { AppHash: string }).AppHash;
}

async function requests(): Promise<RequestRecord[]> {
  return (await (await fetch(`${sim.baseUrl}/__sim/requests`)).json()) as RequestRecord[];
}

beforeAll(async () => {
  sim = await startSimulator({
    vendor: 'sofy',
    apiKey: KEY,
    scenario: { queuedSeconds: 0, pollsToComplete: 2, tests: 2, failed: 1, devices: 2 },
  });
});

afterAll(() => sim.close());

beforeEach(async () => {
  await fetch(`${sim.baseUrl}/__sim/reset`, { method: 'POST' });
});

describe("Sofy's own curl commands (seed 001) against the simulator", () => {
  it('the fixture is the copy its README describes', () => {
    const bytes = fs.readFileSync(FIXTURE);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(FIXTURE_SHA256);
    const list = commands();
    expect(list).toHaveLength(4);
    for (const command of list)
      expect(command.startsWith('curl --location --request POST')).toBe(true);
  });

  it('trigger (latest build, then a given build), group status, per-run statuses', async () => {
    const [latest, withBuild, groupStatus, perRun] = commands();
    const appHash = await uploadBuild();

    const first = await runJson(adapt(latest, { key: KEY }));
    expect(first).toEqual({
      Message:
        'Test runs are scheduled and in queue, Login to https://portal.sofy.ai for more info.',
      ScheduleTestRunsGroupID: 240101,
    });
    const second = (await runJson(adapt(withBuild, { key: KEY, appHash }))) as {
      ScheduleTestRunsGroupID: number;
    };
    const groupId = second.ScheduleTestRunsGroupID;
    expect(groupId).toBe(240102);

    const statusCommand = adapt(groupStatus, { key: KEY, groupId });
    expect(await runJson(statusCommand)).toEqual([
      { ScheduleTestRunsGroupID: groupId, ScheduleTestRunsGroupStatus: 'Running' },
    ]);
    expect(await runJson(statusCommand)).toEqual([
      { ScheduleTestRunsGroupID: groupId, ScheduleTestRunsGroupStatus: 'Complete' },
    ]);

    // Per-run rows of the schedule's latest group: the one with the uploaded build.
    const rows = (await runJson(adapt(perRun, { key: KEY }))) as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(4);
    expect(rows.map((row) => [row.Model, row.Statusvalue])).toEqual([
      ['Pixel 7', 'Passed'],
      ['Pixel 7', 'Failed'],
      ['SM-S911U', 'Passed'],
      ['SM-S911U', 'Failed'],
    ]);
    expect(rows[0]).toMatchObject({
      Scheduled_Name: 'Nightly smoke',
      ScenarioName: 'Login works',
      Version: 'app-release',
      BuildNumber: '5801',
      Manufacturer: 'Google',
    });
    expect(String(rows[0].ScheduledAt)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?$/);

    const log = await requests();
    expect(log.map((entry) => [entry.route, entry.status])).toEqual([
      ['legacyUpload', 200],
      ['legacyTrigger', 200],
      ['legacyTrigger', 200],
      ['legacyGroupStatus', 200],
      ['legacyGroupStatus', 200],
      ['legacyRows', 200],
    ]);
    // The key travels in the body; the log masks it.
    expect(log[1].body).toEqual({ APIKey: '***', ScheduledID: 1888 });
    expect(log[2].body).toEqual({ APIKey: '***', ScheduledID: 1888, AppHash: appHash });
    expect(log[3].query).toEqual({ ScheduleTestRunsGroupID: String(groupId) });
    expect(log[1].headers['user-agent']).toMatch(/^curl\//);
    expect(JSON.stringify(log)).not.toContain(KEY);
  });

  it('a wrong key gets ASP.NET’s 401 body and starts nothing', async () => {
    const [latest] = commands();
    const result = await run(adapt(latest, { key: '00000000-0000-4000-8000-000000000000' }));
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      Message: 'Authorization has been denied for this request.',
    });
    const log = await requests();
    expect(log.map((entry) => [entry.route, entry.authorized, entry.status])).toEqual([
      ['legacyTrigger', false, 401],
    ]);
  });
});
