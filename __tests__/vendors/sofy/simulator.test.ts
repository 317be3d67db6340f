// The Sofy simulator, in-process, over real HTTP (global fetch): both API generations on one
// server, the group/row state machine, its variants, abort, build upload, auth and error
// bodies, the request log and scenario control (vendor-apis/sofy.md §2-§6, DESIGN.md
// "The simulators").

import { startSimulator, type RunningSimulator } from '../../../src/vendors/simulators.js';
import { type Answer, answerOf } from '../../helpers/answer.js';

// Keys and schedule ids are GUIDs, as Sofy's are; all made up.
const KEY = 'A3C5E7F9-1B2D-4F60-8A1C-3E5F7A9B1C2D';
const OTHER_KEY = '11111111-2222-4333-8444-555555555555';
const SCHEDULE = '0CF78E5E-05CE-4971-A954-0E3789140DFD';
const OTHER_SCHEDULE = '7D1E2F30-4A5B-4C6D-9E7F-8091A2B3C4D5';
const LEGACY_SCHEDULE = 1888;

const TRIGGERED =
  'Test runs are scheduled and in queue, Login to https://devtest.sofy.ai/ for more info.';
const LEGACY_TRIGGERED =
  'Test runs are scheduled and in queue, Login to https://portal.sofy.ai for more info.';
const GUID_PATTERN = /^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/;

let sim: RunningSimulator;

/** A current-generation call with `x-sofy-auth-key` (unless `key` is null). */
async function call(
  method: string,
  path: string,
  options: { key?: string | null; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key !== null) headers['x-sofy-auth-key'] = options.key ?? KEY;
  return answerOf(await fetch(`${sim.baseUrl}${path}`, { method, headers, body: options.body }));
}

/** A legacy call: POST with the key in the JSON body, as the vendor's curl commands do. */
async function legacy(
  path: string,
  body: Record<string, unknown> | string,
  headers: Record<string, string> = { 'Content-Type': 'application/json' },
): Promise<Answer> {
  const text = typeof body === 'string' ? body : JSON.stringify({ APIKey: KEY, ...body });
  return answerOf(await fetch(`${sim.baseUrl}${path}`, { method: 'POST', headers, body: text }));
}

async function control(method: string, path: string, body?: unknown): Promise<Answer> {
  return answerOf(
    await fetch(`${sim.baseUrl}/__sim${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
}

const scenario = (patch: Record<string, unknown>): Promise<Answer> =>
  control('PUT', '/scenario', patch);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const requests = async (): Promise<any[]> => (await control('GET', '/requests')).json;

const trigger = (schedule = SCHEDULE, query = ''): Promise<Answer> =>
  call('POST', `/scheduler-microservice/scheduled-runs/${schedule}/execute${query}`);
const status = (groupId: number | string, schedule = SCHEDULE): Promise<Answer> =>
  call('GET', `/scheduler-microservice/scheduled-runs/${schedule}/status/${groupId}`);
const groupList = (schedule = SCHEDULE): Promise<Answer> =>
  call('GET', `/scheduler-microservice/scheduled-runs/${schedule}/test-run-groups`);
const abort = (schedule = SCHEDULE, query = '', key?: string | null): Promise<Answer> =>
  call('PUT', `/scheduler-microservice/public/test-run/abort/${schedule}${query}`, { key });

async function triggerId(schedule = SCHEDULE, query = ''): Promise<number> {
  const answer = await trigger(schedule, query);
  expect(answer.status).toBe(200);
  return answer.json.data[0].scheduleTestRunsGroupID as number;
}

/** The row statuses of one status poll, in answer order. */
async function statuses(groupId: number, schedule = SCHEDULE): Promise<string[]> {
  const answer = await status(groupId, schedule);
  expect(answer.status).toBe(200);
  return (answer.json.data as Array<{ status: string }>).map((row) => row.status);
}

/** A small fake build: a zip signature, a manifest name and some non-UTF-8 bytes. */
function fakeBuild(seed: string, size = 64): Uint8Array {
  const bytes = new Uint8Array(size);
  const head = Buffer.from(`PK\u0003\u0004AndroidManifest.xml:${seed}`, 'latin1');
  bytes.set(head.subarray(0, Math.min(head.length, size)));
  for (let i = head.length; i < size; i += 1) bytes[i] = (i * 37 + seed.length) % 256;
  return bytes;
}

async function upload(
  filename: string,
  options: {
    bytes?: Uint8Array;
    fields?: Record<string, string>;
    query?: string;
    path?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  const form = new FormData();
  form.append('applicationFile', new Blob([options.bytes ?? fakeBuild(filename)]), filename);
  for (const [name, value] of Object.entries(options.fields ?? {})) form.append(name, value);
  const path = options.path ?? '/parser-microservice/build-upload';
  const headers = options.headers ?? { 'x-sofy-auth-key': KEY };
  return answerOf(
    await fetch(`${sim.baseUrl}${path}${options.query ?? ''}`, {
      method: 'POST',
      headers,
      body: form,
    }),
  );
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function applications(): Promise<any[]> {
  return (await call('GET', '/application-microservice/public/applications')).json.data;
}

beforeAll(async () => {
  sim = await startSimulator({
    vendor: 'sofy',
    apiKey: KEY,
    scenario: { queuedSeconds: 0, pollsToComplete: 3 },
  });
});

afterAll(() => sim.close());

beforeEach(async () => {
  expect((await control('POST', '/reset')).status).toBe(200);
});

describe('start-up', () => {
  it('serves both generations from the server origin on 127.0.0.1', async () => {
    expect(sim.vendor).toBe('sofy');
    expect(sim.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const root = await fetch(`${sim.baseUrl}/`);
    expect(await root.text()).toContain('TestRelay Sofy simulator');
    expect((await control('GET', '')).json).toMatchObject({ vendor: 'sofy', baseUrl: sim.baseUrl });
  });

  it('rejects an invalid start-up scenario', async () => {
    await expect(
      startSimulator({ vendor: 'sofy', scenario: { devices: 2, incompleteDevice: 3 } }),
    ).rejects.toThrow(/incompleteDevice \(3\) exceeds devices \(2\)/);
    await expect(startSimulator({ vendor: 'sofy', scenario: { platform: 'WEB' } })).rejects.toThrow(
      /platform: expected one of ANDROID, IOS/,
    );
  });
});

describe('current generation: trigger and status', () => {
  it('answers the trigger with data[0].scheduleTestRunsGroupID (default shape)', async () => {
    const answer = await trigger();
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/application\/json/);
    expect(answer.json).toEqual({
      data: [{ scheduleTestRunsGroupID: 240101 }],
      message: TRIGGERED,
    });
    expect(Object.keys(answer.json)).toEqual(['data', 'message']);
    expect((await trigger()).json.data[0].scheduleTestRunsGroupID).toBe(240102);
    // A body is ignored (the route takes none).
    const withBody = await call(
      'POST',
      `/scheduler-microservice/scheduled-runs/${SCHEDULE}/execute`,
      { body: '{"x":1}', headers: { 'Content-Type': 'application/json' } },
    );
    expect(withBody.status).toBe(200);
  });

  it('answers with {"testGroupsRunId": "…"} (a string) when triggerShape says so', async () => {
    await scenario({ triggerShape: 'testGroupsRunId' });
    const answer = await trigger();
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      testGroupsRunId: '240101',
      message: 'Test runs are scheduled and in queue.',
    });
    // The id works on the status route like any other.
    expect((await status(answer.json.testGroupsRunId)).status).toBe(200);
  });

  it('moves rows Queued → Running → Passed, one row per scenario × device', async () => {
    await scenario({ queuedSeconds: 1, pollsToComplete: 4, tests: 3, devices: 2 });
    const id = await triggerId();

    const waiting = await status(id);
    expect(waiting.json.message).toBe('Fetched 6 record(s).');
    expect(waiting.json.data.map((row: { status: string }) => row.status)).toEqual(
      Array(6).fill('Queued'),
    );
    const first = waiting.json.data[0];
    expect(Object.keys(first)).toEqual([
      'scheduledRunName',
      'testRunGroupId',
      'scenarioName',
      'scheduledAt',
      'build',
      'device',
      'status',
    ]);
    expect(first).toMatchObject({
      scheduledRunName: 'Nightly smoke',
      testRunGroupId: String(id),
      scenarioName: 'Login works',
      build: '2.14.0.release-candidate(5768)',
      device: 'Pixel 7',
    });
    expect(new Date(first.scheduledAt).toISOString()).toBe(first.scheduledAt);
    // Device by device, every scenario on each.
    expect(waiting.json.data.map((row: { device: string }) => row.device)).toEqual([
      'Pixel 7',
      'Pixel 7',
      'Pixel 7',
      'Galaxy S23',
      'Galaxy S23',
      'Galaxy S23',
    ]);
    expect(
      waiting.json.data.slice(0, 3).map((row: { scenarioName: string }) => row.scenarioName),
    ).toEqual(['Login works', 'Login rejects a wrong password', 'Logout clears the session']);

    expect(await statuses(id)).toEqual(Array(6).fill('Running'));
    // Halfway: the first scenario of each device is done.
    expect(await statuses(id)).toEqual([
      'Passed',
      'Running',
      'Running',
      'Passed',
      'Running',
      'Running',
    ]);
    expect(await statuses(id)).toEqual(Array(6).fill('Passed'));
    // Final rows stay final.
    expect(await statuses(id)).toEqual(Array(6).fill('Passed'));
  });

  it('reaches every terminal status from the outcome mix', async () => {
    await scenario({ tests: 5, failed: 1, errored: 2, skipped: 1, devices: 1, pollsToComplete: 2 });
    const id = await triggerId();
    expect(await statuses(id)).toEqual(Array(5).fill('Running'));
    expect(await statuses(id)).toEqual([
      'Passed',
      'Failed',
      'Incomplete',
      'Not Executed',
      'Run Stopped',
    ]);
    expect((await groupList()).json[0].status).toBe('Complete with errors');
  });

  it('spells a stopped row "Stopped" with the stopped-spelling variant', async () => {
    await scenario({ tests: 2, skipped: 1, devices: 1, variant: 'stopped-spelling' });
    const id = await triggerId();
    await status(id);
    await status(id);
    expect(await statuses(id)).toEqual(['Passed', 'Stopped']);
  });

  it('counts failed/errored/skipped per device; incompleteDevice ends one device Incomplete', async () => {
    await scenario({ tests: 2, failed: 1, devices: 3, incompleteDevice: 2, pollsToComplete: 1 });
    const id = await triggerId();
    const answer = await status(id);
    expect(
      answer.json.data.map((row: { device: string; status: string }) => [row.device, row.status]),
    ).toEqual([
      ['Pixel 7', 'Passed'],
      ['Pixel 7', 'Failed'],
      ['Galaxy S23', 'Incomplete'],
      ['Galaxy S23', 'Incomplete'],
      ['Pixel 6a', 'Passed'],
      ['Pixel 6a', 'Failed'],
    ]);
  });

  it('a group of only Passed/Failed rows is Complete', async () => {
    await scenario({ tests: 2, failed: 1, pollsToComplete: 1 });
    const id = await triggerId();
    await status(id);
    expect((await groupList()).json[0]).toMatchObject({
      testRunGroupId: String(id),
      status: 'Complete',
    });
  });

  it('answers empty data for the first emptyPolls polls', async () => {
    await scenario({ emptyPolls: 2, pollsToComplete: 4, tests: 1, devices: 1 });
    const id = await triggerId();
    for (let i = 0; i < 2; i += 1) {
      const empty = await status(id);
      expect(empty.status).toBe(200);
      expect(empty.json).toEqual({ data: [], message: 'Fetched 0 record(s).' });
    }
    expect(await statuses(id)).toEqual(['Running']);
    expect(await statuses(id)).toEqual(['Passed']);
  });

  it('rows-one-device-at-a-time: a device’s rows appear when its turn comes', async () => {
    await scenario({
      variant: 'rows-one-device-at-a-time',
      devices: 3,
      tests: 2,
      pollsToComplete: 4,
    });
    const id = await triggerId();
    const devicesSeen: string[][] = [];
    for (let i = 0; i < 4; i += 1) {
      const answer = await status(id);
      devicesSeen.push([
        ...new Set(answer.json.data.map((row: { device: string }) => row.device) as string[]),
      ]);
    }
    expect(devicesSeen).toEqual([
      ['Pixel 7'],
      ['Pixel 7', 'Galaxy S23'],
      ['Pixel 7', 'Galaxy S23', 'Pixel 6a'],
      ['Pixel 7', 'Galaxy S23', 'Pixel 6a'],
    ]);
    // A device whose turn is over has final rows while the next one runs.
    await control('POST', '/reset');
    await scenario({
      variant: 'rows-one-device-at-a-time',
      devices: 2,
      tests: 1,
      pollsToComplete: 3,
    });
    const next = await triggerId();
    expect(await statuses(next)).toEqual(['Running']);
    expect(await statuses(next)).toEqual(['Passed', 'Running']);
    expect(await statuses(next)).toEqual(['Passed', 'Passed']);
  });

  it('ui-labels: UI labels as intermediate statuses, UI spellings for groups', async () => {
    await scenario({
      variant: 'ui-labels',
      queuedSeconds: 1,
      tests: 1,
      devices: 1,
      pollsToComplete: 10,
    });
    const id = await triggerId();
    expect((await groupList()).json[0].status).toBe('In Queue');
    const seen: string[] = [];
    for (let i = 0; i < 10; i += 1) seen.push(...(await statuses(id)));
    expect(seen).toEqual([
      'Waiting for Device',
      'Setting up Device',
      'Downloading App',
      'Parsing App',
      'Loading Scenarios',
      'In Progress',
      'In Progress',
      'In Progress',
      'In Progress',
      'Passed',
    ]);
    await scenario({ errored: 1, pollsToComplete: 1 });
    const withErrors = await triggerId();
    await status(withErrors);
    expect((await groupList()).json[0].status).toBe('Complete with Errors');
  });

  it('unknown-status: rows still going show an unknown status mid-run', async () => {
    await scenario({ variant: 'unknown-status', tests: 2, devices: 1, pollsToComplete: 4 });
    const id = await triggerId();
    expect(await statuses(id)).toEqual(['Running', 'Running']);
    expect(await statuses(id)).toEqual(['Running', 'Running']);
    // The poll before the last: the first scenario is done, the other one shows the unknown.
    expect(await statuses(id)).toEqual(['Passed', 'Device Reconnecting']);
    expect(await statuses(id)).toEqual(['Passed', 'Passed']);
  });

  it('progresses by time when pollsToComplete is null', async () => {
    await scenario({ pollsToComplete: null, queuedSeconds: 0.6, durationSeconds: 0.1, tests: 1 });
    const id = await triggerId();
    // The first half of the queue time: devices not assigned, no rows.
    expect((await status(id)).json.data).toEqual([]);
    expect((await groupList()).json[0].status).toBe('Queued');
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(await statuses(id)).toEqual(['Passed', 'Passed']);
    expect((await groupList()).json[0].status).toBe('Complete');
  });

  it('runs a given appHash, and the devices named by deviceSerials', async () => {
    const [android] = await applications();
    const older = android.application_builds[0];
    const devices = (await call('GET', '/device-microservice/public/devices/ANDROID')).json.data;
    const serials = [devices[2].device_serial, devices[4].device_serial];
    const id = await triggerId(
      SCHEDULE,
      `?appHash=${older.app_hash}&deviceSerials=${serials.join(',')}`,
    );
    await status(id);
    const rows = (await status(id)).json.data;
    expect(new Set(rows.map((row: { build: string }) => row.build))).toEqual(
      new Set([`${older.build_friendly_name}(${older.build_id})`]),
    );
    expect([...new Set(rows.map((row: { device: string }) => row.device))]).toEqual([
      devices[2].device_name,
      devices[4].device_name,
    ]);
    const unknownHash = await trigger(SCHEDULE, '?appHash=0123456789abcdef0123456789abcdef');
    expect(unknownHash.status).toBe(400);
    expect(unknownHash.json.error.message).toBe('The appHash is either invalid or not found.');
    const unknownSerial = await trigger(SCHEDULE, '?deviceSerials=NOPE');
    expect(unknownSerial.status).toBe(400);
  });

  it('uses the iOS application and device pool with platform IOS', async () => {
    await scenario({ platform: 'IOS', devices: 1, tests: 1, pollsToComplete: 1 });
    const id = await triggerId();
    expect((await status(id)).json.data[0]).toMatchObject({
      device: 'iPad 7th Gen',
      build: '2.14.0.release-candidate(5769)',
      status: 'Passed',
    });
  });

  it('400 for an unknown or malformed schedule and for a group of another schedule', async () => {
    const notGuid = await trigger('1888');
    expect(notGuid.status).toBe(400);
    expect(Object.keys(notGuid.json)).toEqual(['error']);
    expect(Object.keys(notGuid.json.error)).toEqual(['message', 'details', 'timestamp']);
    expect(notGuid.json.error.message).toBe('The scheduledRunGuid is either invalid or not found.');
    await scenario({ missingScheduleIds: [OTHER_SCHEDULE.toLowerCase()] });
    expect((await trigger(OTHER_SCHEDULE)).json.error.message).toBe(
      'The scheduledRunGuid is either invalid or not found.',
    );
    expect((await groupList(OTHER_SCHEDULE)).status).toBe(400);
    expect((await status(240101, OTHER_SCHEDULE)).status).toBe(400);

    const id = await triggerId();
    // Lower-case GUIDs name the same schedule.
    expect((await status(id, SCHEDULE.toLowerCase())).status).toBe(200);
    for (const wrong of [
      () => status(id + 1),
      () => status('abc'),
      () => status(id, '7D1E2F30-0000-4C6D-9E7F-8091A2B3C4D5'),
    ]) {
      const answer = await wrong();
      expect(answer.status).toBe(400);
      expect(answer.json.error.message).toBe('Test run ID not found or invalid.');
    }
  });

  it('lists the test-run groups of a schedule, newest first, as a bare array', async () => {
    await scenario({ pollsToComplete: 1 });
    const first = await triggerId();
    await status(first);
    const second = await triggerId();
    await triggerId(OTHER_SCHEDULE);
    const list = await groupList();
    expect(list.status).toBe(200);
    expect(Array.isArray(list.json)).toBe(true);
    expect(list.json).toHaveLength(2);
    expect(list.json.map((group: { testRunGroupId: string }) => group.testRunGroupId)).toEqual([
      String(second),
      String(first),
    ]);
    expect(Object.keys(list.json[0])).toEqual([
      'testRunGroupId',
      'executedAt',
      'status',
      'message',
    ]);
    expect(list.json[0].status).toBe('Queued');
    expect(list.json[1]).toMatchObject({ status: 'Complete', message: 'Test runs completed.' });
  });
});

describe('abort', () => {
  it('stops the rows still going (Run Stopped), then answers "No test runs could be aborted"', async () => {
    await scenario({ tests: 3, devices: 1, pollsToComplete: 3 });
    const id = await triggerId();
    await status(id);
    expect(await statuses(id)).toEqual(['Passed', 'Running', 'Running']);
    const stopped = await abort(SCHEDULE, `?testRunGroupId=${id}`);
    expect(stopped.status).toBe(200);
    expect(Object.keys(stopped.json)).toEqual(['message']);
    expect(stopped.json.message).toMatch(
      new RegExp(`^Scheduled run ${SCHEDULE} aborted by user [0-9A-F-]{36} successfully\\.$`),
    );
    // The user is a GUID of its own, never the key.
    expect(stopped.json.message.split(' ')[6]).toMatch(GUID_PATTERN);
    expect(stopped.json.message).not.toContain(KEY);
    expect(await statuses(id)).toEqual(['Passed', 'Run Stopped', 'Run Stopped']);
    expect((await groupList()).json[0]).toMatchObject({
      status: 'Complete with errors',
      message: 'Aborted by user.',
    });
    const again = await abort(SCHEDULE, `?testRunGroupId=${id}`);
    expect(again.status).toBe(200);
    expect(again.json.message).toBe(
      `No test runs could be aborted for scheduled run ${SCHEDULE}. ` +
        'They may have already completed or are in a non-abortable state.',
    );
  });

  it('an abort before devices are assigned stops every row; UI spelling Stopped by User', async () => {
    await scenario({
      emptyPolls: 1,
      tests: 2,
      devices: 2,
      pollsToComplete: 3,
      variant: 'ui-labels',
    });
    const id = await triggerId();
    expect((await status(id)).json.data).toEqual([]);
    expect((await abort(SCHEDULE, `?testRunGroupId=${id}`)).json.message).toMatch(
      /aborted by user/,
    );
    expect(await statuses(id)).toEqual(Array(4).fill('Run Stopped'));
    expect((await groupList()).json[0].status).toBe('Stopped by User');
  });

  it('nothing to abort once a group is complete', async () => {
    await scenario({ pollsToComplete: 1 });
    const id = await triggerId();
    await status(id);
    const answer = await abort(SCHEDULE, `?testRunGroupId=${id}`);
    expect(answer.status).toBe(200);
    expect(answer.json.message).toMatch(/^No test runs could be aborted for scheduled run /);
  });

  it('without testRunGroupId aborts every active group of the schedule (logged as abortAll)', async () => {
    await scenario({ pollsToComplete: 2, tests: 1, devices: 1 });
    const done = await triggerId();
    await status(done);
    await status(done);
    const active = [await triggerId(), await triggerId()];
    const elsewhere = await triggerId(OTHER_SCHEDULE);
    const answer = await abort(SCHEDULE);
    expect(answer.json.message).toMatch(/aborted by user/);
    for (const id of active) expect(await statuses(id)).toEqual(['Run Stopped']);
    expect(await statuses(done)).toEqual(['Passed']);
    // Another schedule's group is left alone.
    expect(await statuses(elsewhere, OTHER_SCHEDULE)).toEqual(['Running']);
    const list = (await groupList()).json;
    expect(list[0].message).toBe('Aborted by user (every active test run of the scheduled run).');
    expect((await abort(SCHEDULE, '?testRunGroupId=')).json.message).toMatch(/^No test runs/);

    await abort(OTHER_SCHEDULE, `?testRunGroupId=${elsewhere}`);
    const log = await requests();
    const aborts = log.filter((entry) => entry.route === 'abort' || entry.route === 'abortAll');
    expect(aborts.map((entry) => [entry.route, entry.query])).toEqual([
      ['abortAll', {}],
      ['abortAll', { testRunGroupId: '' }],
      ['abort', { testRunGroupId: String(elsewhere) }],
    ]);
  });

  it('400 for an unknown schedule or group, 401 without or with a wrong key', async () => {
    const id = await triggerId();
    const badSchedule = await abort('not-a-guid', `?testRunGroupId=${id}`);
    expect(badSchedule.status).toBe(400);
    expect(badSchedule.json.error.message).toBe('Scheduled run ID not found or invalid.');
    const badGroup = await abort(SCHEDULE, '?testRunGroupId=999');
    expect(badGroup.status).toBe(400);
    expect(badGroup.json.error.message).toBe('Test run ID not found or invalid.');
    const missing = await abort(SCHEDULE, `?testRunGroupId=${id}`, null);
    expect(missing.status).toBe(401);
    expect(missing.json.error.message).toBe('Missing required headers.');
    const wrong = await abort(SCHEDULE, `?testRunGroupId=${id}`, OTHER_KEY);
    expect(wrong.status).toBe(401);
    expect(wrong.json.error.message).toBe('Invalid Auth Key.');
    // Nothing was stopped by the refused calls.
    expect(await statuses(id)).toEqual(Array(10).fill('Running'));
  });
});

describe('build upload', () => {
  it('uploads an .apk to an application and returns its appHash', async () => {
    const [android] = await applications();
    const answer = await upload('ShopEasy-2.15.0.apk', {
      fields: { ApplicationGUID: android.application_guid },
      query: '?userFriendlyBuildName=2.15.0.beta',
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      data: { appHash: expect.stringMatching(/^[0-9a-f]{32}$/) },
      message: 'Application Upload Successful.',
    });
    const builds = (await applications())[0].application_builds;
    expect(builds[builds.length - 1]).toMatchObject({
      app_hash: answer.json.data.appHash,
      build_friendly_name: '2.15.0.beta',
      build_package_name: 'com.shopeasy.android',
    });
    // The schedule now runs the new build by default.
    await scenario({ pollsToComplete: 1 });
    const id = await triggerId();
    expect((await status(id)).json.data[0].build).toBe(
      `2.15.0.beta(${builds[builds.length - 1].build_id})`,
    );
    // And the hash can be passed explicitly.
    expect((await trigger(SCHEDULE, `?appHash=${answer.json.data.appHash}`)).status).toBe(200);
  });

  it('refuses the same file twice with 400 "Build already exists."', async () => {
    const bytes = fakeBuild('twice');
    expect((await upload('app.apk', { bytes })).status).toBe(200);
    const again = await upload('app-copy.apk', { bytes });
    expect(again.status).toBe(400);
    expect(again.json.error.message).toBe('Build already exists.');
    expect(typeof again.json.error.details).toBe('string');
  });

  it('refuses an .aab (only APK/IPA) with 500', async () => {
    const answer = await upload('app-release.aab');
    expect(answer.status).toBe(500);
    expect(answer.json.error.message).toBe(
      'Files with extensions other than APK or IPA not supported.',
    );
  });

  it('takes ApplicationGuid too; an unknown one is 400; none creates an application', async () => {
    const [, ios] = await applications();
    const spelled = await upload('ShopEasy.ipa', {
      fields: { ApplicationGuid: ios.application_guid },
    });
    expect(spelled.status).toBe(200);
    expect((await applications())[1].application_builds).toHaveLength(3);
    const unknown = await upload('other.apk', { fields: { ApplicationGUID: OTHER_SCHEDULE } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.message).toBe('No application exists against this applicationGUID.');
    const created = await upload('FieldNotes.ipa', { fields: { ApplicationGUID: '' } });
    expect(created.status).toBe(200);
    const apps = await applications();
    expect(apps).toHaveLength(3);
    expect(apps[2]).toMatchObject({
      platform_name: 'IOS',
      application_friendly_name: 'FieldNotes',
      application_builds: [
        { app_hash: created.json.data.appHash, build_friendly_name: 'FieldNotes' },
      ],
    });
  });

  it.each([
    ['expired', 400, 'Subscription plan has expired and requires renewal.'],
    ['no-release', 400, 'No active release found for this application.'],
    ['no-application', 400, 'No application exists against this applicationGUID.'],
    ['duplicate', 400, 'Build already exists.'],
    ['no-user', 401, 'No user found.'],
    ['corrupt', 500, 'Corrupt or incomplete data.'],
    ['no-manifest', 500, 'Manifest file could not be found.'],
    ['wrong-type', 500, 'Files with extensions other than APK or IPA not supported.'],
  ])('uploadError %s → %i %s', async (kind, code, message) => {
    await scenario({ uploadError: kind });
    const answer = await upload('app.apk');
    expect(answer.status).toBe(code);
    expect(answer.json.error.message).toBe(message);
    const legacyAnswer = await upload('app.apk', {
      path: '/api/AppTests/buildUpload',
      headers: { SubscriptionKey: KEY },
    });
    expect(legacyAnswer.status).toBe(code);
    expect(legacyAnswer.json).toEqual({ Message: message });
  });

  it('500 for a body that is not multipart or has no applicationFile', async () => {
    const json = await call('POST', '/parser-microservice/build-upload', {
      body: '{}',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(json.status).toBe(500);
    expect(json.json.error.message).toBe('Corrupt or incomplete data.');
    const form = new FormData();
    form.append('ApplicationGUID', '');
    const noFile = await answerOf(
      await fetch(`${sim.baseUrl}/parser-microservice/build-upload`, {
        method: 'POST',
        headers: { 'x-sofy-auth-key': KEY },
        body: form,
      }),
    );
    expect(noFile.status).toBe(500);
  });

  it('accepts builds larger than the framework’s 1 MiB default', async () => {
    const answer = await upload('big.apk', { bytes: fakeBuild('big', 3 * 1024 * 1024) });
    expect(answer.status).toBe(200);
  });

  it('legacy buildUpload: header SubscriptionKey, answer with AppHash', async () => {
    const answer = await upload('legacy.apk', {
      path: '/api/AppTests/buildUpload',
      headers: { SubscriptionKey: KEY },
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      AppHash: expect.stringMatching(/^[0-9a-f]{32}$/),
      Message: 'Application Upload Successful.',
    });
    const denied = await upload('legacy2.apk', { path: '/api/AppTests/buildUpload', headers: {} });
    expect(denied.status).toBe(401);
    expect(denied.json).toEqual({ Message: 'Authorization has been denied for this request.' });
  });
});

describe('discovery', () => {
  it('lists applications with their builds (snake_case) and devices per platform', async () => {
    const answer = await call('GET', '/application-microservice/public/applications');
    expect(answer.status).toBe(200);
    expect(answer.json.message).toBe('Fetched 2 record(s)');
    const [android, ios] = answer.json.data;
    expect(Object.keys(android)).toEqual([
      'application_guid',
      'platform_name',
      'application_friendly_name',
      'application_builds',
    ]);
    expect(android.application_guid).toMatch(GUID_PATTERN);
    expect([android.platform_name, ios.platform_name]).toEqual(['ANDROID', 'IOS']);
    expect(Object.keys(android.application_builds[0])).toEqual([
      'app_hash',
      'build_id',
      'build_friendly_name',
      'build_package_name',
    ]);

    const devices = await call('GET', '/device-microservice/public/devices/IOS');
    expect(devices.status).toBe(200);
    expect(Object.keys(devices.json)).toEqual(['data']);
    expect(devices.json.data[0]).toEqual({
      os_version: '15.7',
      manufacturer: 'Apple',
      device_name: 'iPad 7th Gen',
      device_serial: expect.stringMatching(/^00008030-[0-9A-F]{16}$/),
      STATE: 'ONLINE',
    });
    // Offline devices are listed too.
    const android2 = (await call('GET', '/device-microservice/public/devices/ANDROID')).json.data;
    expect(android2.map((device: { STATE: string }) => device.STATE)).toContain('OFFLINE');
    expect(
      android2.slice(0, 3).map((device: { device_name: string }) => device.device_name),
    ).toEqual(['Pixel 7', 'Galaxy S23', 'Pixel 6a']);
    expect((await call('GET', '/device-microservice/public/devices/WEB')).status).toBe(400);
    // Same answers every time (stable serials and hashes).
    expect((await call('GET', '/device-microservice/public/devices/IOS')).text).toBe(devices.text);
  });
});

describe('auth (current generation)', () => {
  it('400 "Missing required headers." without x-sofy-auth-key', async () => {
    const answer = await call(
      'POST',
      `/scheduler-microservice/scheduled-runs/${SCHEDULE}/execute`,
      { key: null },
    );
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatchObject({ message: 'Missing required headers.' });
    expect(new Date(answer.json.error.timestamp).toISOString()).toBe(answer.json.error.timestamp);
  });

  it('401 "Invalid Auth Key." for another GUID; 500 "Invalid GUID" for a non-GUID key', async () => {
    const wrong = await call('GET', '/application-microservice/public/applications', {
      key: OTHER_KEY,
    });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error.message).toBe('Invalid Auth Key.');
    const notGuid = await call('GET', '/application-microservice/public/applications', {
      key: 'my-api-key',
    });
    expect(notGuid.status).toBe(500);
    expect(notGuid.json.error).toMatchObject({
      message: 'Internal Server Error.',
      details: "Validation failed for parameter 'subscriptionAuth'. Invalid GUID.",
    });
    // GUIDs compare case-blind.
    expect(
      (
        await call('GET', '/application-microservice/public/applications', {
          key: KEY.toLowerCase(),
        })
      ).status,
    ).toBe(200);
    // Refused triggers create nothing.
    expect(await triggerId()).toBe(240101);
    const log = await requests();
    expect(log.map((entry) => [entry.authorized, entry.status])).toEqual([
      [false, 401],
      [false, 500],
      [true, 200],
      [true, 200],
    ]);
  });

  it('without a configured key any GUID is accepted, anything else is a 500', async () => {
    const open = await startSimulator({ vendor: 'sofy' });
    try {
      const get = (key: string): Promise<Response> =>
        fetch(`${open.baseUrl}/application-microservice/public/applications`, {
          headers: { 'x-sofy-auth-key': key },
        });
      expect((await get(OTHER_KEY)).status).toBe(200);
      expect((await get('anything')).status).toBe(500);
    } finally {
      await open.close();
    }
  });
});

describe('legacy generation', () => {
  const TRIGGER = '/api/CICD/ScheduleAutomatedTestRun';
  const STATUS = '/api/CICD/ScheduleAutomatedTestRunStatus';

  it('triggers with APIKey + ScheduledID in the body', async () => {
    const answer = await legacy(TRIGGER, { ScheduledID: LEGACY_SCHEDULE });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ Message: LEGACY_TRIGGERED, ScheduleTestRunsGroupID: 240101 });
    expect(Object.keys(answer.json)).toEqual(['Message', 'ScheduleTestRunsGroupID']);
    // A numeric string binds too (JSON.NET), and property names are case-blind.
    const stringId = await legacy(TRIGGER, { scheduledId: '1888' });
    expect(stringId.json.ScheduleTestRunsGroupID).toBe(240102);
  });

  it('answers the legacy errors in ASP.NET’s {"Message"} shape', async () => {
    const missingId = await legacy(TRIGGER, {});
    expect(missingId.status).toBe(400);
    expect(missingId.json).toEqual({ Message: 'The request is invalid.' });
    expect((await legacy(TRIGGER, `{"APIKey":"${KEY}", "ScheduledID": 18`)).status).toBe(400);
    const form = await legacy(
      TRIGGER,
      { ScheduledID: 1 },
      {
        'Content-Type': 'application/x-www-form-urlencoded',
      },
    );
    expect(form.status).toBe(415);
    expect(form.json.Message).toMatch(/media type 'application\/x-www-form-urlencoded'/);
    const denied = await legacy(TRIGGER, { ScheduledID: 1, APIKey: OTHER_KEY });
    expect(denied.status).toBe(401);
    expect(denied.json).toEqual({ Message: 'Authorization has been denied for this request.' });
    const noKey = await legacy(TRIGGER, JSON.stringify({ ScheduledID: 1 }));
    expect(noKey.status).toBe(401);
    await scenario({ missingScheduleIds: [LEGACY_SCHEDULE] });
    const missing = await legacy(TRIGGER, { ScheduledID: LEGACY_SCHEDULE });
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({ Message: 'The ScheduledID is either invalid or not found.' });
    const badHash = await legacy(TRIGGER, { ScheduledID: 7, AppHash: 'nope' });
    expect(badHash.json).toEqual({ Message: 'The AppHash is either invalid or not found.' });
  });

  it('group status with ?ScheduleTestRunsGroupID: Queued → Running → Complete with errors', async () => {
    await scenario({ queuedSeconds: 1, pollsToComplete: 3, tests: 2, errored: 1, devices: 1 });
    const { json } = await legacy(TRIGGER, { ScheduledID: LEGACY_SCHEDULE });
    const id = json.ScheduleTestRunsGroupID as number;
    const poll = (): Promise<Answer> =>
      legacy(`${STATUS}?ScheduleTestRunsGroupID=${id}`, { ScheduledID: LEGACY_SCHEDULE });
    const seen: unknown[] = [];
    for (let i = 0; i < 3; i += 1) seen.push((await poll()).json);
    expect(seen).toEqual([
      [{ ScheduleTestRunsGroupID: id, ScheduleTestRunsGroupStatus: 'Queued' }],
      [{ ScheduleTestRunsGroupID: id, ScheduleTestRunsGroupStatus: 'Running' }],
      [{ ScheduleTestRunsGroupID: id, ScheduleTestRunsGroupStatus: 'Complete with errors' }],
    ]);
    // Unknown group, or a group of another schedule: an empty list.
    expect(
      (await legacy(`${STATUS}?ScheduleTestRunsGroupID=9`, { ScheduledID: 1888 })).json,
    ).toEqual([]);
    expect(
      (await legacy(`${STATUS}?ScheduleTestRunsGroupID=${id}`, { ScheduledID: 1889 })).json,
    ).toEqual([]);
    expect(
      (await legacy(`${STATUS}?ScheduleTestRunsGroupID=abc`, { ScheduledID: 1888 })).status,
    ).toBe(400);
  });

  it('per-run rows without the query: PascalCase, the latest group, ScheduledAt without zone', async () => {
    await scenario({ platform: 'IOS', tests: 2, failed: 1, devices: 2, pollsToComplete: 2 });
    expect((await legacy(STATUS, { ScheduledID: LEGACY_SCHEDULE })).json).toEqual([]);
    await legacy(TRIGGER, { ScheduledID: LEGACY_SCHEDULE });
    await legacy(TRIGGER, { ScheduledID: LEGACY_SCHEDULE });
    const running = await legacy(STATUS, { ScheduledID: LEGACY_SCHEDULE });
    expect(running.json.map((row: { Statusvalue: string }) => row.Statusvalue)).toEqual(
      Array(4).fill('Running'),
    );
    const rows = (await legacy(STATUS, { ScheduledID: LEGACY_SCHEDULE })).json;
    expect(rows).toHaveLength(4);
    expect(Object.keys(rows[0])).toEqual([
      'Scheduled_Name',
      'ScenarioName',
      'ScheduledAt',
      'Version',
      'CodeName',
      'BuildNumber',
      'Manufacturer',
      'Model',
      'Statusvalue',
    ]);
    expect(rows[0]).toMatchObject({
      Scheduled_Name: 'Nightly smoke',
      ScenarioName: 'Login works',
      Version: '2.14.0',
      CodeName: 'release-candidate',
      BuildNumber: '5769',
      Manufacturer: 'Apple',
      Model: 'iPad7,11',
    });
    expect(rows[0].ScheduledAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?$/);
    expect(
      rows.map((row: { Model: string; Statusvalue: string }) => [row.Model, row.Statusvalue]),
    ).toEqual([
      ['iPad7,11', 'Passed'],
      ['iPad7,11', 'Failed'],
      ['iPhone14,7', 'Passed'],
      ['iPhone14,7', 'Failed'],
    ]);
    // The first group was never polled: only the latest one moves.
    const log = await requests();
    expect(log.filter((entry) => entry.route === 'legacyRows')).toHaveLength(3);
  });

  it('the legacy variant takes the current routes away (404), legacy ones keep working', async () => {
    await scenario({ variant: 'legacy' });
    const current = await trigger();
    expect(current.status).toBe(404);
    expect(current.json.Message).toMatch(
      /^No HTTP resource was found that matches the request URI 'http:\/\/127\.0\.0\.1:\d+\/scheduler-microservice\//,
    );
    expect((await legacy(TRIGGER, { ScheduledID: LEGACY_SCHEDULE })).status).toBe(200);
    expect((await requests()).map((entry) => [entry.route, entry.status])).toEqual([
      ['unknown', 404],
      ['legacyTrigger', 200],
    ]);
  });

  it('404/405 for unknown paths and methods, in each host’s style', async () => {
    const unknownLegacy = await legacy('/api/CICD/Nothing', { ScheduledID: 1 });
    expect(unknownLegacy.status).toBe(404);
    expect(unknownLegacy.json.Message).toMatch(/^No HTTP resource was found/);
    const wrongMethod = await answerOf(await fetch(`${sim.baseUrl}${TRIGGER}`));
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.json).toEqual({
      Message: "The requested resource does not support http method 'GET'.",
    });
    const unknownCurrent = await call('GET', '/scheduler-microservice/nothing');
    expect(unknownCurrent.status).toBe(404);
    expect(unknownCurrent.json.error).toMatchObject({
      message: 'Not Found.',
      details: 'Cannot GET /scheduler-microservice/nothing',
    });
  });
});

describe('request log', () => {
  it('names every route and never holds a key', async () => {
    await upload('a.apk');
    const id = await triggerId();
    await status(id);
    await groupList();
    await abort(SCHEDULE, `?testRunGroupId=${id}`);
    await abort(SCHEDULE);
    await call('GET', '/application-microservice/public/applications');
    await call('GET', '/device-microservice/public/devices/ANDROID');
    const { json } = await legacy('/api/CICD/ScheduleAutomatedTestRun', {
      ScheduledID: LEGACY_SCHEDULE,
    });
    await legacy(
      `/api/CICD/ScheduleAutomatedTestRunStatus?ScheduleTestRunsGroupID=${json.ScheduleTestRunsGroupID}`,
      { ScheduledID: LEGACY_SCHEDULE },
    );
    await legacy('/api/CICD/ScheduleAutomatedTestRunStatus', { ScheduledID: LEGACY_SCHEDULE });
    await upload('b.apk', { path: '/api/AppTests/buildUpload', headers: { SubscriptionKey: KEY } });
    await call('GET', '/nothing');
    // A wrong key is masked as well.
    await call('GET', '/application-microservice/public/applications', { key: OTHER_KEY });

    const log = await requests();
    expect(log.map((entry) => entry.route)).toEqual([
      'upload',
      'trigger',
      'status',
      'groups',
      'abort',
      'abortAll',
      'applications',
      'devices',
      'legacyTrigger',
      'legacyGroupStatus',
      'legacyRows',
      'legacyUpload',
      'unknown',
      'applications',
    ]);
    expect(log[1]).toMatchObject({
      method: 'POST',
      path: `/scheduler-microservice/scheduled-runs/${SCHEDULE}/execute`,
      authorized: true,
      status: 200,
      fault: null,
      headers: { 'x-sofy-auth-key': '***' },
    });
    expect(log[8].body).toEqual({ APIKey: '***', ScheduledID: LEGACY_SCHEDULE });
    expect(log[9].query).toEqual({ ScheduleTestRunsGroupID: String(json.ScheduleTestRunsGroupID) });
    expect(log[11].headers.subscriptionkey).toBe('***');
    const text = JSON.stringify(log);
    for (const secret of [KEY, KEY.toLowerCase(), OTHER_KEY]) expect(text).not.toContain(secret);
  });

  it('faults hit Sofy routes by name; a faulted poll does not advance the group', async () => {
    await scenario({ faultsAt: 'status#1:503', tests: 1, devices: 1, pollsToComplete: 2 });
    const id = await triggerId();
    const faulted = await status(id);
    expect(faulted.status).toBe(503);
    expect(faulted.headers.get('retry-after')).toBe('1');
    expect(await statuses(id)).toEqual(['Running']);
    expect(await statuses(id)).toEqual(['Passed']);
  });
});

describe('scenario control', () => {
  it('shows the Sofy knobs with their defaults', async () => {
    expect((await control('GET', '/scenario')).json).toMatchObject({
      tests: 5,
      devices: 2,
      platform: 'ANDROID',
      scheduleName: 'Nightly smoke',
      emptyPolls: 0,
      incompleteDevice: null,
      triggerShape: 'data',
      uploadError: null,
      missingScheduleIds: [],
      variant: '',
    });
  });

  it.each([
    [{ platform: 'WEB' }, /platform: expected one of ANDROID, IOS/],
    [{ triggerShape: 'id' }, /triggerShape: expected one of data, testGroupsRunId/],
    [{ uploadError: 'boom' }, /uploadError: expected one of expired, no-user/],
    [{ devices: 0 }, /devices: expected an integer from 1 to 20/],
    [{ incompleteDevice: 3 }, /incompleteDevice \(3\) exceeds devices \(2\)/],
    [{ emptyPolls: 3 }, /emptyPolls \(3\) must be less than pollsToComplete \(3\)/],
    [{ variant: 'self-hosted' }, /variant: unknown flag "self-hosted"/],
    [{ scheduleName: '' }, /scheduleName: must not be empty/],
    [{ missingScheduleIds: [true] }, /missingScheduleIds: expected a list of ids/],
  ])('rejects %j with 400', async (patch, message) => {
    const answer = await scenario(patch);
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatch(message);
  });

  it('per-schedule overrides serve several scenarios at once', async () => {
    const override = await control('PUT', `/scenario/overrides/${OTHER_SCHEDULE}`, {
      failed: 1,
      tests: 1,
    });
    expect(override.status).toBe(200);
    await control('PUT', `/scenario/overrides/${LEGACY_SCHEDULE}`, { scheduleName: 'Legacy run' });
    await scenario({ tests: 1, devices: 1, pollsToComplete: 1 });
    const failing = await triggerId(OTHER_SCHEDULE);
    const passing = await triggerId();
    expect(await statuses(failing, OTHER_SCHEDULE)).toEqual(['Failed']);
    expect(await statuses(passing)).toEqual(['Passed']);
    await legacy('/api/CICD/ScheduleAutomatedTestRun', { ScheduledID: LEGACY_SCHEDULE });
    const rows = await legacy('/api/CICD/ScheduleAutomatedTestRunStatus', {
      ScheduledID: LEGACY_SCHEDULE,
    });
    expect(rows.json[0].Scheduled_Name).toBe('Legacy run');
  });

  it('applies to groups triggered after it is set', async () => {
    await scenario({ tests: 1, devices: 1, pollsToComplete: 1 });
    const before = await triggerId();
    await scenario({ failed: 1 });
    expect(await statuses(before)).toEqual(['Passed']);
    expect(await statuses(await triggerId())).toEqual(['Failed']);
  });

  it('reset forgets groups and uploads', async () => {
    await triggerId();
    await upload('x.apk', { fields: { ApplicationGUID: '' } });
    await control('POST', '/reset');
    expect(await applications()).toHaveLength(2);
    expect((await groupList()).json).toEqual([]);
    expect(await triggerId()).toBe(240101);
  });
});
