// The Squish Test Center simulator, in-process, over real HTTP (global fetch): template lookup,
// executeplan, the open/reserved/done model with simulated and explicit workers, counts with
// result lag, Squish servers, auth, the Results API subset, the request log, the scenario
// knobs and the ready line of `testrelay simulate` (vendor-apis/squish-test-center.md §2-§7).

import { EventEmitter } from 'node:events';
import {
  runSimulateCommand,
  startSimulator,
  type RunningSimulator,
  type SimulateCommandIo,
} from '../../../src/vendors/simulators.js';
import { type Answer, answerOf } from '../../helpers/answer.js';

const TOKEN = 'squish-test-token-5e0b';
const AUTOMATION = { AutomationToken: 'automation-token-placeholder' };
const EXEC = '/execution/v1';

let sim: RunningSimulator;

async function call(
  method: string,
  path: string,
  options: {
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
    auth?: boolean;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.auth !== false && !('Authorization' in headers)) {
    headers.Authorization = `Token ${TOKEN}`;
  }
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['Content-Type'] ??= 'application/json';
  const response = await fetch(`${sim.baseUrl}${path}`, { method, headers, body });
  return answerOf(response);
}

const scenario = async (patch: Record<string, unknown>): Promise<void> => {
  const answer = await call('PUT', '/__sim/scenario', { body: patch, auth: false });
  expect(answer.status).toBe(200);
};
const lookup = (query: string): Promise<Answer> => call('GET', `${EXEC}/testplans?${query}`);
const executePlan = (body: Record<string, unknown> = {}): Promise<Answer> =>
  call('POST', `${EXEC}/executeplan`, {
    body: { templateId: 64, title: 'CI run 4711', batch: 'ci-4711', ...body },
  });
const status = (id: number, query = ''): Promise<Answer> =>
  call('GET', `${EXEC}/status/${id}${query}`);
const testplan = (id: number | string): Promise<Answer> => call('GET', `${EXEC}/testplans/${id}`);
const reserve = (id: number, body: Record<string, unknown>): Promise<Answer> =>
  call('POST', `${EXEC}/reserve/${id}`, { body });
const results = (path: string, headers: Record<string, string> = AUTOMATION): Promise<Answer> =>
  call('GET', `/api/v1${path}`, { headers });
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const requests = async (): Promise<any[]> =>
  (await call('GET', '/__sim/requests', { auth: false })).json;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const LINUX = [{ key: 'OS', value: 'Linux' }];

/** Triggers a plan and polls its status until open == 0 && reserved == 0 (§4). */
async function runToCompletion(
  body: Record<string, unknown> = {},
): Promise<{ id: number; polls: Answer[] }> {
  const started = await executePlan(body);
  expect(started.status).toBe(201);
  const id = started.json.id as number;
  const polls: Answer[] = [];
  for (let i = 0; i < 20; i += 1) {
    const answer = await status(id);
    polls.push(answer);
    if (answer.json.open === 0 && answer.json.reserved === 0) return { id, polls };
  }
  throw new Error('plan did not complete');
}

beforeAll(async () => {
  sim = await startSimulator({
    vendor: 'squish',
    apiKey: TOKEN,
    scenario: { queuedSeconds: 0, pollsToComplete: 3, tests: 4 },
  });
});

afterAll(() => sim.close());

beforeEach(async () => {
  expect((await call('POST', '/__sim/reset', { auth: false })).status).toBe(200);
});

describe('start-up', () => {
  it('prints the server origin as base URL', async () => {
    expect(sim.vendor).toBe('squish');
    expect(sim.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const root = await fetch(`${sim.baseUrl}/`);
    expect(await root.text()).toContain('TestRelay Squish Test Center simulator');
  });
});

describe('template lookup (GET /testplans)', () => {
  it('answers one Test Plan Response object, keys as the server writes them', async () => {
    const answer = await lookup('project=Shop&title=CI%20Tests%20master&type=template');
    expect(answer.status).toBe(200);
    expect(Array.isArray(answer.json)).toBe(false);
    expect(Object.keys(answer.json)).toEqual([
      'batch_name',
      'count',
      'description',
      'failed',
      'id',
      'passes',
      'planned_dt',
      'project',
      'repository_information',
      'server_dt',
      'skipped',
      'tags',
      'title',
      'type',
    ]);
    expect(answer.json).toMatchObject({
      id: 64,
      title: 'CI Tests master',
      type: 'template',
      project: 'Shop',
      batch_name: '',
      planned_dt: null,
      count: 0,
      passes: 0,
      failed: 0,
      skipped: 0,
      repository_information: [],
      tags: [],
    });
    expect(Math.abs(answer.json.server_dt - Date.now())).toBeLessThan(5000);
  });

  it('matches the documented "CI-Tests-master" → "CI Tests master"; the project decides', async () => {
    expect((await lookup('project=Shop&title=CI-Tests-master&type=template')).json.id).toBe(64);
    expect((await lookup('project=Shop&title=ci_tests_MASTER&type=template')).json.id).toBe(64);
    expect((await lookup('project=Mobile&title=CI%20Tests%20master&type=template')).json.id).toBe(
      67,
    );
  });

  it.each(['project', 'title', 'type'])('400 without %s', async (missing) => {
    const query = new URLSearchParams({ project: 'Shop', title: 'Nightly', type: 'template' });
    query.delete(missing);
    const answer = await lookup(query.toString());
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({
      code: 400,
      message: `Missing required query parameter '${missing}'`,
    });
  });

  it('400 for an unknown type, 404 when nothing matches', async () => {
    expect((await lookup('project=Shop&title=Nightly&type=plan')).status).toBe(400);
    const missing = await lookup('project=Shop&title=Weekly&type=template');
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({
      code: 404,
      message: "Test plan template 'Weekly' not found in project 'Shop'",
    });
    expect((await lookup('project=Nope&title=Nightly&type=template')).status).toBe(404);
  });

  it('several matches: the lowest id, or 400 with variant ambiguous-title', async () => {
    const first = await lookup('project=Shop&title=Nightly&type=template');
    expect(first.status).toBe(200);
    expect(first.json.id).toBe(65);
    await scenario({ variant: 'ambiguous-title' });
    const refused = await lookup('project=Shop&title=Nightly&type=template');
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({
      code: 400,
      message:
        "More than one test plan template matches title 'Nightly' in project 'Shop' (ids 65, 66)",
    });
    // A unique title is unaffected.
    expect((await lookup('project=Shop&title=CI%20Tests%20master&type=template')).status).toBe(200);
  });

  it('finds instances by title with type=instance', async () => {
    const { json: created } = await executePlan({ title: 'Release 2.4 run' });
    const found = await lookup('project=Shop&title=Release%202.4%20run&type=instance');
    expect(found.status).toBe(200);
    expect(found.json).toMatchObject({ id: created.id, type: 'instance', batch_name: 'ci-4711' });
    expect((await lookup('project=Shop&title=CI%20Tests%20master&type=instance')).status).toBe(404);
  });

  it('templates come from the templates knob', async () => {
    await scenario({ templates: ['12:Kiosk:Smoke: touch screen'] });
    const answer = await lookup('project=Kiosk&title=Smoke:%20touch%20screen&type=template');
    expect(answer.json).toMatchObject({ id: 12, project: 'Kiosk', title: 'Smoke: touch screen' });
    expect((await lookup('project=Shop&title=Nightly&type=template')).status).toBe(404);
  });
});

describe('GET /testplans/{id}', () => {
  it('answers templates and instances; 400 (never 404) for invalid or unknown ids', async () => {
    expect((await testplan(65)).json).toMatchObject({ id: 65, type: 'template', title: 'Nightly' });
    const { json: created } = await executePlan();
    expect((await testplan(created.id)).json).toMatchObject({ id: created.id, type: 'instance' });
    for (const id of ['abc', '999999', '-1']) {
      const answer = await testplan(id);
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({ code: 400, message: `Invalid test plan ID: ${id}` });
    }
  });
});

describe('POST /executeplan', () => {
  it('answers 201 with the new instance, as in the vendor example (no tags)', async () => {
    const answer = await executePlan({
      title: 'Nightly Regression Run',
      batch: 'Nightly_Tests_2025',
    });
    expect(answer.status).toBe(201);
    expect(answer.text).not.toContain('\n');
    expect(Object.keys(answer.json)).toEqual([
      'batch_name',
      'count',
      'description',
      'failed',
      'id',
      'passes',
      'planned_dt',
      'project',
      'repository_information',
      'server_dt',
      'skipped',
      'title',
      'type',
    ]);
    expect(answer.json).toMatchObject({
      id: 105,
      type: 'instance',
      title: 'Nightly Regression Run',
      batch_name: 'Nightly_Tests_2025',
      project: 'Shop',
      count: 0,
      planned_dt: null,
    });
    expect((await executePlan()).json.id).toBe(106);
    // The instance answers with tags like any other Test Plan Response.
    expect((await testplan(105)).json.tags).toEqual([]);
  });

  it('takes time and linkedRepos; the request log keeps the exact body', async () => {
    const time = Date.now() + 60_000;
    const body = {
      templateId: 65,
      title: 'CI run 4712',
      batch: 'ci-4712',
      time,
      linkedRepos: [
        { id: 3, branch: 'main' },
        { id: 4, branch: '9fceb02d0ae598e95dc970b74767f19372d61af8' },
      ],
    };
    const answer = await call('POST', `${EXEC}/executeplan`, { body });
    expect(answer.status).toBe(201);
    expect(answer.json.planned_dt).toBe(time);
    expect(answer.json.repository_information).toEqual([
      { branch: 'main', enabled: true, hash: expect.stringMatching(/^[0-9a-f]{40}$/), id: 3 },
      {
        branch: '9fceb02d0ae598e95dc970b74767f19372d61af8',
        enabled: true,
        hash: '9fceb02d0ae598e95dc970b74767f19372d61af8',
        id: 4,
      },
    ]);
    const [record] = await requests();
    expect(record).toMatchObject({
      method: 'POST',
      path: '/execution/v1/executeplan',
      route: 'trigger',
      status: 201,
      authorized: true,
      body,
    });
  });

  it.each([
    [{ templateId: '64' }, "'templateId' must be an integer"],
    [{ templateId: undefined }, "'templateId' must be an integer"],
    [{ title: '' }, "'title' must be a non-empty string"],
    [{ title: '   ' }, "'title' must be a non-empty string"],
    [{ batch: '' }, "'batch' must be a non-empty string"],
    [{ batch: 7 }, "'batch' must be a non-empty string"],
    [{ time: '2025-08-22' }, "'time' must be a timestamp in epoch milliseconds"],
    [{ linkedRepos: { id: 1 } }, "'linkedRepos' must be an array"],
    [{ linkedRepos: [{ id: 1 }] }, "'linkedRepos' entries must be"],
    [{ templateId: 999 }, 'no test plan template with id 999'],
  ])('400 for %j (and no instance is created)', async (patch, message) => {
    const answer = await executePlan(patch);
    expect(answer.status).toBe(400);
    expect(answer.json.code).toBe(400);
    expect(answer.json.message).toContain(message);
    expect((await executePlan()).json.id).toBe(105);
  });

  it('400 for a missing or malformed body', async () => {
    const none = await call('POST', `${EXEC}/executeplan`);
    expect(none.json).toEqual({ code: 400, message: 'Missing JSON payload' });
    const broken = await call('POST', `${EXEC}/executeplan`, { rawBody: '{"templateId": 64' });
    expect(broken.status).toBe(400);
    expect(broken.json.message).toMatch(/^Invalid JSON request format/);
  });

  it('variant executeplan-200 answers 200', async () => {
    await scenario({ variant: 'executeplan-200' });
    expect((await executePlan()).status).toBe(200);
  });
});

describe('status and completion', () => {
  it('counts move open → reserved → done; complete on the pollsToComplete-th poll', async () => {
    await scenario({ tests: 6, workers: 2, pollsToComplete: 4 });
    const { polls } = await runToCompletion();
    expect(polls).toHaveLength(4);
    for (const poll of polls) {
      expect(Object.keys(poll.json)).toEqual(['open', 'reserved', 'done']);
      expect(poll.json.open + poll.json.reserved + poll.json.done).toBe(6);
    }
    expect(polls[0].json).toEqual({ open: 4, reserved: 2, done: 0 });
    expect(polls[1].json).toEqual({ open: 2, reserved: 2, done: 2 });
    expect(polls[2].json).toEqual({ open: 0, reserved: 2, done: 4 });
    expect(polls[3].json).toEqual({ open: 0, reserved: 0, done: 6 });
  });

  it('with queuedSeconds the first poll still sees every execution open', async () => {
    await scenario({ tests: 2, workers: 2, pollsToComplete: 3, queuedSeconds: 1 });
    const { polls } = await runToCompletion();
    expect(polls.map((poll) => poll.json)).toEqual([
      { open: 2, reserved: 0, done: 0 },
      { open: 0, reserved: 2, done: 0 },
      { open: 0, reserved: 0, done: 2 },
    ]);
  });

  it.each([
    ['finished-key', ['open', 'reserved', 'finished']],
    ['both-keys', ['open', 'reserved', 'finished', 'done']],
  ])('variant %s', async (variant, keys) => {
    await scenario({ variant });
    const { polls } = await runToCompletion();
    const last = polls[polls.length - 1].json;
    expect(Object.keys(last)).toEqual(keys);
    expect(last.finished).toBe(4);
    if (variant === 'both-keys') expect(last.done).toBe(4);
  });

  it('capability query parameters narrow the counts (case-insensitive)', async () => {
    await scenario({ tests: 5, capabilities: 'OS=Linux&browser=chrome,OS=Windows', workers: 0 });
    const { json: created } = await executePlan();
    expect((await status(created.id)).json).toEqual({ open: 5, reserved: 0, done: 0 });
    expect((await status(created.id, '?OS=Linux')).json).toEqual({ open: 3, reserved: 0, done: 0 });
    expect((await status(created.id, '?os=LINUX&browser=Chrome')).json.open).toBe(3);
    expect((await status(created.id, '?OS=Windows')).json.open).toBe(2);
    expect((await status(created.id, '?OS=Windows&browser=chrome')).json.open).toBe(0);
    expect((await status(created.id, '?OS=macOS')).json.open).toBe(0);
  });

  it('progresses by time without pollsToComplete (queuedSeconds first)', async () => {
    // Two workers, two waves of 200 ms after 150 ms in the queue.
    await scenario({ pollsToComplete: null, queuedSeconds: 0.15, durationSeconds: 0.4, tests: 4 });
    const { json: created } = await executePlan();
    expect((await status(created.id)).json).toEqual({ open: 4, reserved: 0, done: 0 });
    await sleep(200);
    const running = (await status(created.id)).json;
    expect(running.reserved).toBe(2);
    await sleep(500);
    expect((await status(created.id)).json).toEqual({ open: 0, reserved: 0, done: 4 });
  });

  it('400 for an unknown instance, a template id or a bad id', async () => {
    for (const id of ['999', '64', 'x']) {
      const answer = await call('GET', `${EXEC}/status/${id}`);
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({ code: 400, message: `Invalid test plan ID: ${id}` });
    }
  });

  it('workers: 0 never completes (the timeout scenario)', async () => {
    await scenario({ workers: 0 });
    const { json: created } = await executePlan();
    for (let i = 0; i < 8; i += 1) {
      expect((await status(created.id)).json).toEqual({ open: 4, reserved: 0, done: 0 });
    }
  });

  it('requireSchedule: workers run only instances with time and linkedRepos', async () => {
    await scenario({ requireSchedule: true, pollsToComplete: 1 });
    const { json: plain } = await executePlan();
    expect((await status(plain.id)).json.open).toBe(4);
    const { json: scheduled } = await executePlan({
      time: Date.now(),
      linkedRepos: [{ id: 1, branch: 'main' }],
    });
    expect((await status(scheduled.id)).json).toEqual({ open: 0, reserved: 0, done: 4 });
  });

  it('a schedule time in the future holds the workers back (time mode)', async () => {
    await scenario({ pollsToComplete: null, durationSeconds: 0 });
    const { json: later } = await executePlan({ time: Date.now() + 60_000 });
    expect((await status(later.id)).json.open).toBe(4);
    const { json: now } = await executePlan({ time: Date.now() - 1000 });
    expect((await status(now.id)).json.done).toBe(4);
  });
});

describe('testplans counts', () => {
  // Positions: PASS, XFAIL, FAIL, XPASS, errored ×3 (infrastructure, script error, NONE), SKIPPED.
  const MIX = { tests: 8, failed: 2, xpass: 1, xfail: 1, errored: 3, skipped: 1 };

  it('count the uploaded results: passes/failed/skipped, NONE only in count', async () => {
    await scenario({ ...MIX, workers: 3 });
    const { id, polls } = await runToCompletion();
    expect(polls[polls.length - 1].json).toEqual({ open: 0, reserved: 0, done: 8 });
    expect((await testplan(id)).json).toMatchObject({
      passes: 2, // PASS + XFAIL
      failed: 3, // FAIL + XPASS + script error
      skipped: 1,
      count: 7, // the infrastructure failure uploaded nothing
    });
  });

  it('counts grow during the run and lag resultLagSeconds behind "finished"', async () => {
    await scenario({ resultLagSeconds: 0.3 });
    const started = Date.now();
    const { id } = await runToCompletion();
    const early = (await testplan(id)).json;
    if (Date.now() - started < 250) expect(early.count).toBe(0);
    await sleep(350);
    expect((await testplan(id)).json).toMatchObject({ count: 4, passes: 4, failed: 0 });
  });

  it('variant count-planned: count is the number of planned tests from the start', async () => {
    await scenario({ variant: 'count-planned' });
    const created = await executePlan();
    expect(created.json.count).toBe(4);
    expect((await testplan(created.json.id)).json).toMatchObject({ count: 4, passes: 0 });
  });

  it('transient infrastructure failures are reset and retried by the workers', async () => {
    await scenario({ transientErrors: 2, workers: 1 });
    const { id } = await runToCompletion();
    expect((await testplan(id)).json).toMatchObject({ passes: 4, count: 4 });
  });

  it('a crashed worker holds its reservation until it times out (time mode)', async () => {
    await scenario({
      pollsToComplete: null,
      tests: 1,
      workers: 1,
      durationSeconds: 0.2,
      workerCrashes: 1,
      reservationTimeoutMs: 400,
    });
    const { json: created } = await executePlan();
    await sleep(300);
    // Without the crash it would be done after 200 ms.
    expect((await status(created.id)).json).toEqual({ open: 0, reserved: 1, done: 0 });
    for (let i = 0; i < 30; i += 1) {
      if ((await status(created.id)).json.done === 1) break;
      await sleep(50);
    }
    expect((await status(created.id)).json).toEqual({ open: 0, reserved: 0, done: 1 });
    expect((await testplan(created.id)).json.passes).toBe(1);
  });
});

describe('simulated workers, edge cases', () => {
  it('jumps over long crash timeouts instead of walking every step', async () => {
    await scenario({
      tests: 3,
      workers: 1,
      durationSeconds: 0.003,
      workerCrashes: 2,
      reservationTimeoutMs: 3_600_000,
      pollsToComplete: 2,
    });
    const started = Date.now();
    const { id, polls } = await runToCompletion();
    expect(polls).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await testplan(id)).json).toMatchObject({ passes: 3, count: 3 });
  });

  it('tests: 0 gives an instance that is complete at once, with count 0', async () => {
    await scenario({ tests: 0 });
    const { id, polls } = await runToCompletion();
    expect(polls[0].json).toEqual({ open: 0, reserved: 0, done: 0 });
    expect((await testplan(id)).json.count).toBe(0);
  });

  it('400, not a crash, for an id that is not valid percent-encoding', async () => {
    const answer = await call('GET', `${EXEC}/testplans/%E0%A4%A`);
    expect(answer.status).toBe(400);
    expect(answer.json.code).toBe(400);
  });
});

describe('explicit workers (reserve / heartbeat / finished / reset)', () => {
  beforeEach(() => scenario({ workers: 0 }));

  it('walks one execution through failure, reset and a successful retry', async () => {
    const { json: plan } = await executePlan();
    const reserved = await reserve(plan.id, { capabilities: LINUX, timeout: 10_000 });
    expect(reserved.status).toBe(200);
    expect(Object.keys(reserved.json)).toEqual([
      'batch',
      'execution_id',
      'project_name',
      'status',
      'suite',
      'test_id',
      'testcase',
    ]);
    expect(reserved.json).toMatchObject({
      status: 'Reservation successful',
      execution_id: 3339,
      project_name: 'Shop',
      batch: 'ci-4711',
      testcase: 'tst_login_works',
      suite: 'suite_smoke',
    });
    expect(typeof reserved.json.test_id).toBe('number');
    const execution = reserved.json.execution_id as number;
    expect((await status(plan.id)).json).toEqual({ open: 3, reserved: 1, done: 0 });

    const beat = await call('POST', `${EXEC}/heartbeat/${execution}`, {
      body: { timeout: 10_000 },
    });
    expect(beat.status).toBe(200);

    const failed = await call('POST', `${EXEC}/finished/${execution}`, {
      body: { message: 'Test execution failed', details: 'squishrunner not found' },
    });
    expect(failed.json).toEqual({ status: 'Execution marked as finished' });
    expect((await status(plan.id)).json).toEqual({ open: 3, reserved: 0, done: 1 });
    // The worker's failure stands in for the FAIL its command would have uploaded.
    expect((await testplan(plan.id)).json).toMatchObject({ count: 1, failed: 1, passes: 0 });

    const reset = await call('POST', `${EXEC}/reset/${execution}`);
    expect(reset.status).toBe(200);
    expect((await status(plan.id)).json).toEqual({ open: 4, reserved: 0, done: 0 });
    // A reset execution's result is gone with it: the retry decides.
    expect((await testplan(plan.id)).json).toMatchObject({ count: 0, failed: 0 });

    const again = await reserve(plan.id, { capabilities: LINUX });
    expect(again.json.execution_id).toBe(execution);
    const ok = await call('POST', `${EXEC}/finished/${execution}`, { body: {} });
    expect(ok.json).toEqual({ status: 'Execution marked as finished' });
    expect((await testplan(plan.id)).json).toMatchObject({ count: 1, passes: 1 });
    // A finished execution cannot be finished, reset or kept alive again.
    expect((await call('POST', `${EXEC}/finished/${execution}`, { body: {} })).status).toBe(400);
    const notFailed = await call('POST', `${EXEC}/reset/${execution}`);
    expect(notFailed.status).toBe(400);
    expect(notFailed.json.message).toMatch(/has not failed/);
    expect((await call('POST', `${EXEC}/heartbeat/${execution}`, { body: {} })).status).toBe(400);
  });

  it('works the whole plan off with explicit calls (finished without a body)', async () => {
    const { json: plan } = await executePlan();
    for (let i = 0; i < 4; i += 1) {
      const reserved = await reserve(plan.id, { capabilities: [] });
      expect(reserved.json.status).toBe('Reservation successful');
      expect((await call('POST', `${EXEC}/finished/${reserved.json.execution_id}`)).status).toBe(
        200,
      );
    }
    expect((await status(plan.id)).json).toEqual({ open: 0, reserved: 0, done: 4 });
    const none = await reserve(plan.id, { capabilities: [] });
    expect(none.status).toBe(200);
    expect(none.json).toEqual({
      status: 'No executions available that match requested capabilities.',
    });
  });

  it('reserve failures are HTTP 200 with the failure status', async () => {
    const { json: plan } = await executePlan();
    const noMatch = await reserve(plan.id, { capabilities: [{ key: 'OS', value: 'macOS' }] });
    expect(noMatch.status).toBe(200);
    expect(noMatch.json).toEqual({
      status: 'No executions available that match requested capabilities.',
    });
    // Server 2 (Windows) is disabled in the default registry.
    const noServer = await reserve(plan.id, {
      capabilities: [{ key: 'OS', value: 'Windows' }],
      allocate_server: true,
    });
    expect(noServer.status).toBe(200);
    expect(noServer.json).toEqual({
      status: 'No servers available that match requested capabilities.',
    });
    expect((await status(plan.id)).json.reserved).toBe(0);
  });

  it('allocates a matching server and marks it with the execution (testset)', async () => {
    const { json: plan } = await executePlan();
    const reserved = await reserve(plan.id, { capabilities: LINUX, allocate_server: true });
    expect(reserved.json.server).toEqual({
      enabled: true,
      host: '127.0.0.1',
      id: 1,
      labels: [
        { key: 'OS', value: 'Linux' },
        { key: 'browser', value: 'chrome' },
      ],
      port: '4322',
      testset: reserved.json.execution_id,
    });
    const servers = await call('GET', `${EXEC}/squishservers`);
    expect(servers.json[0].testset).toBe(reserved.json.execution_id);
    // The only Linux server is busy now.
    const busy = await reserve(plan.id, { capabilities: LINUX, allocate_server: true });
    expect(busy.json.status).toBe('No servers available that match requested capabilities.');
    await call('POST', `${EXEC}/finished/${reserved.json.execution_id}`, { body: {} });
    expect((await call('GET', `${EXEC}/squishservers`)).json[0]).not.toHaveProperty('testset');
  });

  it('a reservation without heartbeats expires back to open; heartbeats extend it', async () => {
    const { json: plan } = await executePlan();
    const lapsing = await reserve(plan.id, { capabilities: LINUX, timeout: 300 });
    const kept = await reserve(plan.id, { capabilities: LINUX, timeout: 300 });
    expect((await status(plan.id)).json.reserved).toBe(2);
    await sleep(100);
    const beat = await call('POST', `${EXEC}/heartbeat/${kept.json.execution_id}`, {
      body: { timeout: 1000 },
    });
    expect(beat.status).toBe(200);
    await sleep(300);
    expect((await status(plan.id)).json).toEqual({ open: 3, reserved: 1, done: 0 });
    const late = await call('POST', `${EXEC}/heartbeat/${lapsing.json.execution_id}`, { body: {} });
    expect(late.status).toBe(400);
    expect(late.json.message).toBe(`Execution ${lapsing.json.execution_id} is not reserved`);
    const lateFinish = await call('POST', `${EXEC}/finished/${lapsing.json.execution_id}`, {
      body: {},
    });
    expect(lateFinish.status).toBe(400);
  });

  it("counts and results follow what the workers reported, not the scenario's outcome mix", async () => {
    // The scenario plans failures; the workers' calls decide.
    await scenario({ tests: 3, failed: 3 });
    const { json: plan } = await executePlan();
    const outcomes: Array<Record<string, string>> = [
      {},
      {},
      { message: 'Test execution failed', details: 'exit code 1: verification failed' },
    ];
    for (const body of outcomes) {
      const { json: held } = await reserve(plan.id, { capabilities: [] });
      await sleep(20);
      await call('POST', `${EXEC}/finished/${held.execution_id}`, { body });
    }
    expect((await testplan(plan.id)).json).toMatchObject({ count: 3, passes: 2, failed: 1 });
    const query = `?project0=Shop&batch0=ci-4711`;
    const events = (await results(`/events${query}&type=FAIL`)).json.events;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      message: 'Test execution failed',
      detail: 'exit code 1: verification failed',
    });
    // The duration is the time the worker held the execution.
    const tests = (await results(`/tests${query}&typename=testcase`)).json.tests;
    for (const test of tests) expect(test.duration).toBeGreaterThanOrEqual(15);
  });

  it('matches capabilities on the execution and on the allocated server', async () => {
    await scenario({ tests: 2, capabilities: 'OS=Linux&browser=firefox' });
    const { json: plan } = await executePlan();
    const firefox = [
      { key: 'OS', value: 'Linux' },
      { key: 'browser', value: 'firefox' },
    ];
    // The executions require firefox; a worker asking for chrome gets none of them.
    const chrome = await reserve(plan.id, {
      capabilities: [
        { key: 'OS', value: 'Linux' },
        { key: 'browser', value: 'chrome' },
      ],
    });
    expect(chrome.json.status).toBe('No executions available that match requested capabilities.');
    // Server 1 is Linux with chrome: no server for firefox yet.
    const noServer = await reserve(plan.id, { capabilities: firefox, allocate_server: true });
    expect(noServer.json.status).toBe('No servers available that match requested capabilities.');
    expect((await status(plan.id)).json).toEqual({ open: 2, reserved: 0, done: 0 });
    const added = await call('POST', `${EXEC}/squishservers`, {
      body: { port: '4330', enabled: true, host: '10.0.0.7', labels: firefox },
    });
    const reserved = await reserve(plan.id, { capabilities: firefox, allocate_server: true });
    expect(reserved.json.status).toBe('Reservation successful');
    expect(reserved.json.server).toMatchObject({ id: added.json.id, host: '10.0.0.7' });
    // The one firefox server is taken until that execution is finished.
    const busy = await reserve(plan.id, { capabilities: firefox, allocate_server: true });
    expect(busy.json.status).toBe('No servers available that match requested capabilities.');
    await call('POST', `${EXEC}/finished/${reserved.json.execution_id}`, { body: {} });
    const next = await reserve(plan.id, { capabilities: firefox, allocate_server: true });
    expect(next.json.server).toMatchObject({ id: added.json.id, testset: next.json.execution_id });
  });

  it('an expired reservation gives its server back; a disabled server is enabled again', async () => {
    const { json: plan } = await executePlan();
    const lapsing = await reserve(plan.id, {
      capabilities: LINUX,
      allocate_server: true,
      timeout: 150,
    });
    expect(lapsing.json.server).toMatchObject({ id: 1 });
    const busy = await reserve(plan.id, { capabilities: LINUX, allocate_server: true });
    expect(busy.json.status).toBe('No servers available that match requested capabilities.');
    await sleep(200);
    const again = await reserve(plan.id, { capabilities: LINUX, allocate_server: true });
    expect(again.json).toMatchObject({ status: 'Reservation successful', server: { id: 1 } });
    const windows = [{ key: 'OS', value: 'Windows' }];
    const none = await reserve(plan.id, { capabilities: windows, allocate_server: true });
    expect(none.json.status).toBe('No servers available that match requested capabilities.');
    await call('PATCH', `${EXEC}/squishservers/2`, { body: { enabled: true } });
    const enabled = await reserve(plan.id, { capabilities: windows, allocate_server: true });
    expect(enabled.json).toMatchObject({ status: 'Reservation successful', server: { id: 2 } });
  });

  it('reservationTimeoutMs is the timeout when the body has none', async () => {
    await scenario({ reservationTimeoutMs: 100 });
    const { json: plan } = await executePlan();
    await reserve(plan.id, { capabilities: LINUX });
    await sleep(150);
    expect((await status(plan.id)).json.reserved).toBe(0);
  });

  it('400 for invalid reserve, heartbeat, finished and reset requests', async () => {
    const { json: plan } = await executePlan();
    const missingCaps = await reserve(plan.id, { timeout: 1000 });
    expect(missingCaps.json).toEqual({
      code: 400,
      message: "Missing required field 'capabilities'",
    });
    expect((await reserve(plan.id, { capabilities: [{ key: 'OS' }] })).status).toBe(400);
    expect((await reserve(plan.id, { capabilities: [], timeout: -5 })).status).toBe(400);
    expect((await reserve(plan.id, { capabilities: [], allocate_server: 'yes' })).status).toBe(400);
    expect((await reserve(64, { capabilities: [] })).status).toBe(400);
    expect((await call('POST', `${EXEC}/reserve/${plan.id}`)).status).toBe(400);
    for (const route of ['heartbeat', 'finished', 'reset']) {
      const unknown = await call('POST', `${EXEC}/${route}/77`, { body: {} });
      expect(unknown.json).toEqual({ code: 400, message: 'Invalid execution ID: 77' });
    }
    const { json: held } = await reserve(plan.id, { capabilities: [] });
    const badMessage = await call('POST', `${EXEC}/finished/${held.execution_id}`, {
      body: { message: 42 },
    });
    expect(badMessage.status).toBe(400);
    // Reset is for failed executions only.
    expect((await call('POST', `${EXEC}/reset/${held.execution_id}`)).status).toBe(400);
  });

  it('refuses explicit calls on executions a simulated worker holds', async () => {
    // One worker, five steps over ten polls: the second poll has it hold the first execution.
    await scenario({ workers: 1, pollsToComplete: 10 });
    const { json: plan } = await executePlan();
    expect((await status(plan.id)).json.reserved).toBe(0);
    expect((await status(plan.id)).json).toEqual({ open: 3, reserved: 1, done: 0 });
    const answer = await call('POST', `${EXEC}/finished/3339`, { body: {} });
    expect(answer.status).toBe(400);
    expect(answer.json.message).toBe('Execution 3339 is being run by Test Center');
  });
});

describe('squishservers', () => {
  it('lists, adds, updates and removes servers', async () => {
    const list = await call('GET', `${EXEC}/squishservers`);
    expect(list.status).toBe(200);
    expect(list.json).toEqual([
      {
        enabled: true,
        host: '127.0.0.1',
        id: 1,
        labels: [
          { key: 'OS', value: 'Linux' },
          { key: 'browser', value: 'chrome' },
        ],
        port: '4322',
      },
      {
        enabled: false,
        host: '192.168.1.100',
        id: 2,
        labels: [
          { key: 'OS', value: 'Windows' },
          { key: 'browser', value: 'firefox' },
        ],
        port: '4323',
      },
    ]);
    const added = await call('POST', `${EXEC}/squishservers`, {
      body: { port: 4324, enabled: true, labels: [{ key: 'OS', value: 'macOS' }] },
    });
    expect(added.status).toBe(200);
    expect(added.json).toEqual({
      enabled: true,
      host: '127.0.0.1',
      id: 3,
      labels: [{ key: 'OS', value: 'macOS' }],
      port: '4324',
    });
    const updated = await call('PATCH', `${EXEC}/squishservers/3`, {
      body: { enabled: false, port: '4325' },
    });
    expect(updated.json).toMatchObject({ id: 3, enabled: false, port: '4325' });
    expect((await call('DELETE', `${EXEC}/squishservers/3`)).status).toBe(200);
    expect((await call('DELETE', `${EXEC}/squishservers/3`)).status).toBe(400);
    expect((await call('GET', `${EXEC}/squishservers`)).json).toHaveLength(2);
  });

  it.each([
    [{ enabled: true, labels: [] }, "Missing required field 'port'"],
    [{ port: '4324', labels: [] }, "Missing required field 'enabled'"],
    [{ port: '4324', enabled: true }, "Missing required field 'labels'"],
    [{ port: 'http', enabled: true, labels: [] }, "Invalid field 'port'"],
    [{ port: '1', enabled: 'yes', labels: [] }, "Invalid field 'enabled'"],
  ])('POST %j → 400', async (body, message) => {
    const answer = await call('POST', `${EXEC}/squishservers`, { body });
    expect(answer.status).toBe(400);
    expect(answer.json.message).toContain(message);
  });

  it('400 for unknown ids and missing payloads; string ids with variant string-ids', async () => {
    expect((await call('PATCH', `${EXEC}/squishservers/9`, { body: {} })).status).toBe(400);
    expect((await call('PATCH', `${EXEC}/squishservers/1`)).json.message).toBe(
      'Missing JSON payload',
    );
    expect((await call('POST', `${EXEC}/squishservers`)).status).toBe(400);
    await scenario({ variant: 'string-ids', workers: 0 });
    expect((await call('GET', `${EXEC}/squishservers`)).json[0].id).toBe('1');
    const { json: plan } = await executePlan();
    const reserved = await reserve(plan.id, { capabilities: LINUX, allocate_server: true });
    expect(typeof reserved.json.test_id).toBe('string');
    expect(reserved.json.server.id).toBe('1');
    expect(reserved.json.server.port).toBe('4322');
    expect(typeof reserved.json.execution_id).toBe('number');
  });
});

describe('405 and 404', () => {
  it.each([
    ['PUT', '/squishservers', 'GET, POST'],
    ['DELETE', '/squishservers', 'GET, POST'],
    ['GET', '/squishservers/1', 'PATCH, DELETE'],
    ['GET', '/executeplan', 'POST'],
    ['GET', '/reset/3339', 'POST'],
    ['POST', '/testplans', 'GET'],
    ['DELETE', '/testplans/64', 'GET'],
    ['POST', '/status/105', 'GET'],
  ])('%s %s → 405 with the error body', async (method, path, allowed) => {
    const answer = await call(method, `${EXEC}${path}`);
    expect(answer.status).toBe(405);
    expect(answer.json).toEqual({ code: 405, message: `Method ${method} not allowed` });
    expect(answer.headers.get('allow')).toBe(allowed);
    const [record] = await requests();
    expect(record.route).toBe('unknown');
  });

  it('404 with the error body for unknown paths', async () => {
    const answer = await call('GET', `${EXEC}/plans`);
    expect(answer.status).toBe(404);
    expect(answer.json).toEqual({ code: 404, message: 'Not Found: /execution/v1/plans' });
  });
});

describe('auth', () => {
  const basic = (user: string, password: string): string =>
    `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  it('401 with the error body without or with wrong credentials', async () => {
    const missing = await call('GET', `${EXEC}/testplans/64`, { auth: false });
    expect(missing.status).toBe(401);
    expect(missing.json).toEqual({
      code: 401,
      message: 'Authentication required: send "Authorization: Token <token>" or Basic credentials',
    });
    for (const authorization of [`Token nope`, `Bearer ${TOKEN}`, 'Token', 'Basic !!!']) {
      const answer = await call('GET', `${EXEC}/testplans/64`, {
        headers: { Authorization: authorization },
      });
      expect(answer.status).toBe(401);
      expect(answer.json.code).toBe(401);
    }
    const created = await call('POST', `${EXEC}/executeplan`, {
      body: { templateId: 64, title: 't', batch: 'b' },
      auth: false,
    });
    expect(created.status).toBe(401);
    expect((await executePlan()).json.id).toBe(105);
    const log = await requests();
    expect(
      log.slice(0, 6).every((entry) => entry.authorized === false && entry.status === 401),
    ).toBe(true);
  });

  it('Basic: any non-empty pair by default, else the username/password knobs', async () => {
    const asUser = (user: string, password: string): Promise<Answer> =>
      call('GET', `${EXEC}/testplans/64`, { headers: { Authorization: basic(user, password) } });
    expect((await asUser('ci', 'anything')).status).toBe(200);
    expect((await asUser('ci', '')).status).toBe(401);
    expect((await asUser('', 'pw')).status).toBe(401);
    await scenario({ username: 'ci', password: 'ci-password' });
    expect((await asUser('ci', 'ci-password')).status).toBe(200);
    expect((await asUser('ci', 'wrong')).status).toBe(401);
    const other = await asUser('admin', 'ci-password');
    expect(other.json).toEqual({ code: 401, message: 'Invalid username or password' });
    // The token keeps working.
    expect((await testplan(64)).status).toBe(200);
  });

  it('accepts any non-empty token when no key is configured', async () => {
    const open = await startSimulator({ vendor: 'squish' });
    try {
      const ok = await fetch(`${open.baseUrl}${EXEC}/testplans/64`, {
        headers: { Authorization: 'Token anything' },
      });
      expect(ok.status).toBe(200);
      const empty = await fetch(`${open.baseUrl}${EXEC}/testplans/64`, {
        headers: { Authorization: 'Token ' },
      });
      expect(empty.status).toBe(401);
    } finally {
      await open.close();
    }
  });
});

describe('Results API', () => {
  const MIX = { tests: 8, failed: 2, xpass: 1, xfail: 1, errored: 3, skipped: 1, workers: 3 };
  const base = 'project0=Shop&batch0=ci-4711';

  it('needs the AutomationToken header (error 1006), after the usual auth', async () => {
    await runToCompletion();
    const missing = await results(`/tests?${base}`, {});
    expect(missing.status).toBe(403);
    expect(missing.json).toEqual({
      code: 1006,
      message: 'Only known clients permitted for REST access',
    });
    const noAuth = await call('GET', `/api/v1/tests?${base}`, { headers: AUTOMATION, auth: false });
    expect(noAuth.status).toBe(401);
    expect((await results(`/tests?${base}`)).status).toBe(200);
    await scenario({ automationToken: 'fixed-automation-token' });
    expect((await results(`/tests?${base}`)).status).toBe(403);
    expect(
      (await results(`/tests?${base}`, { AutomationToken: 'fixed-automation-token' })).status,
    ).toBe(200);
  });

  it('400 without project0 or batch0, 404 for unknown ones, 400 for bad filters', async () => {
    await runToCompletion();
    const noProject = await results('/tests?batch0=ci-4711');
    expect(noProject.json).toEqual({
      code: 400,
      message: "Missing required query parameter 'project0'",
    });
    expect((await results('/tests?project0=Shop')).json.message).toBe(
      "Missing required query parameter 'batch0'",
    );
    expect((await results('/tests?project0=Nope&batch0=ci-4711')).status).toBe(404);
    expect((await results('/tests?project0=Shop&batch0=other')).status).toBe(404);
    expect((await results(`/tests?${base}&typename=module`)).status).toBe(400);
    expect((await results(`/events?${base}&type=BOOM`)).status).toBe(400);
    expect((await results(`/tests?${base}&report=x`)).status).toBe(400);
    expect((await call('POST', `/api/v1/tests?${base}`, { headers: AUTOMATION })).status).toBe(405);
    expect((await results(`/nothing?${base}`)).status).toBe(404);
  });

  it('lists the tests of a batch with result codes, suites, durations and messages', async () => {
    await scenario(MIX);
    await runToCompletion();
    const reports = await results(`/reports?${base}`);
    expect(reports.status).toBe(200);
    expect(
      reports.json.reports.map((report: { labels: unknown; result_name: string }) => [
        report.labels,
        report.result_name,
      ]),
    ).toEqual([
      [[{ key: 'OS', value: 'Linux' }], 'FAIL'],
      [[{ key: 'OS', value: 'Windows' }], 'FAIL'],
    ]);

    const tests = await results(`/tests?${base}&typename=testcase`);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const cases: any[] = tests.json.tests;
    expect(Object.keys(cases[0])).toEqual([
      'duration',
      'id',
      'name',
      'parent',
      'report',
      'result',
      'result_name',
      'started',
      'typename',
    ]);
    const byName = Object.fromEntries(
      cases.map((test) => [test.name, [test.result, test.result_name]]),
    );
    expect(byName).toEqual({
      tst_login_works: [7, 'PASS'],
      tst_login_rejects_a_wrong_password: [3, 'XFAIL'],
      tst_logout_clears_the_session: [0, 'FAIL'],
      tst_search_returns_matching_products: [1, 'XPASS'],
      // position 4 is the infrastructure failure: no result was uploaded
      tst_add_item_to_cart: [0, 'FAIL'], // script error
      tst_remove_item_from_cart: [31, 'NONE'],
      tst_checkout_with_credit_card: [15, 'SKIPPED'],
    });
    for (const test of cases) {
      expect(test.typename).toBe('testcase');
      expect(test.duration).toBeGreaterThanOrEqual(2000);
      expect(typeof test.parent).toBe('number');
    }

    const suites = (await results(`/tests?${base}&typename=testsuite`)).json.tests;
    const suiteName = new Map(
      suites.map((suite: { id: number; name: string }) => [suite.id, suite.name]),
    );
    expect(suiteName.get(cases.find((test) => test.name === 'tst_login_works').parent)).toBe(
      'suite_smoke',
    );
    expect(suiteName.get(cases.find((test) => test.name === 'tst_add_item_to_cart').parent)).toBe(
      'suite_regression',
    );
    for (const suite of suites) expect(suite.parent).toBeNull();

    const failing = await results(`/events?${base}&type=FAIL,XPASS,ERROR,FATAL`);
    const messages = failing.json.events.map(
      (event: { type: string; message: string; detail: string }) => [
        event.type,
        event.message,
        event.detail,
      ],
    );
    expect(messages).toEqual([
      ['FAIL', 'Assertion failed: cart total is 0.00, expected 42.50', ''],
      ['XPASS', 'Unexpected pass: the known bug SHOP-1432 no longer shows', ''],
      ['ERROR', 'Script Error', 'Execution aborted: the browser session was closed unexpectedly'],
    ]);
    const failEvent = failing.json.events[0];
    expect(Object.keys(failEvent)).toEqual([
      'detail',
      'id',
      'location',
      'message',
      'test',
      'time',
      'type',
    ]);
    expect(failEvent.location).toMatch(
      /^suite_smoke\/tst_logout_clears_the_session\/test\.py:\d+$/,
    );
    const forOne = await results(`/events?${base}&test=${failEvent.test}`);
    expect(forOne.json.events).toHaveLength(1);

    const batches = await results('/batches?project0=Shop');
    expect(batches.json.batches).toEqual([
      expect.objectContaining({
        name: 'ci-4711',
        reports: 2,
        tests: 7,
        result: 0,
        result_name: 'FAIL',
      }),
    ]);
  });

  it('shows results only once they arrive (resultLagSeconds)', async () => {
    await scenario({ resultLagSeconds: 0.3 });
    await runToCompletion();
    expect((await results(`/tests?${base}`)).json.tests).toEqual([]);
    await sleep(350);
    expect((await results(`/tests?${base}&typename=testcase`)).json.tests).toHaveLength(4);
  });

  it('resultsApi: false → 404, as on a server without it', async () => {
    await runToCompletion();
    await scenario({ resultsApi: false });
    const answer = await call('GET', `/api/v1/tests?${base}`, { auth: false });
    expect(answer.status).toBe(404);
    expect(answer.json.code).toBe(404);
  });
});

describe('plan page', () => {
  it('serves the plan page without auth and keeps it out of the request log', async () => {
    const { id } = await runToCompletion();
    const page = await fetch(`${sim.baseUrl}/testplans/${id}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('CI run 4711');
    expect(html).toContain('tst_login_works');
    expect((await fetch(`${sim.baseUrl}/testplans/64`)).status).toBe(200);
    expect((await fetch(`${sim.baseUrl}/testplans/4242`)).status).toBe(404);
    expect((await requests()).some((entry) => entry.path.startsWith('/testplans/'))).toBe(false);
  });
});

describe('request log', () => {
  it('names the routes and keeps no token, password or AutomationToken', async () => {
    await scenario({ workers: 0, username: 'ci', password: 'ci-password-9f2' });
    await lookup('project=Shop&title=Nightly&type=template');
    await testplan(64);
    const { json: plan } = await executePlan();
    await status(plan.id, '?OS=Linux');
    const { json: held } = await reserve(plan.id, { capabilities: LINUX });
    await call('POST', `${EXEC}/heartbeat/${held.execution_id}`, { body: {} });
    await call('POST', `${EXEC}/finished/${held.execution_id}`, {
      body: { message: 'Test execution failed', details: 'squishrunner not found' },
    });
    await call('POST', `${EXEC}/reset/${held.execution_id}`);
    await call('GET', `${EXEC}/squishservers`, {
      headers: { Authorization: `Basic ${Buffer.from('ci:ci-password-9f2').toString('base64')}` },
    });
    await call('POST', `${EXEC}/squishservers`, {
      body: { port: '4330', enabled: true, labels: [] },
    });
    await call('PATCH', `${EXEC}/squishservers/3`, { body: { enabled: false } });
    await call('DELETE', `${EXEC}/squishservers/3`);
    await results('/batches?project0=Shop');
    await results('/reports?project0=Shop&batch0=ci-4711');
    await results('/tests?project0=Shop&batch0=ci-4711');
    await results('/events?project0=Shop&batch0=ci-4711');
    const log = await requests();
    expect(log.map((entry) => entry.route)).toEqual([
      'lookup',
      'plan',
      'trigger',
      'poll',
      'reserve',
      'heartbeat',
      'finished',
      'reset',
      'servers',
      'addServer',
      'updateServer',
      'removeServer',
      'batches',
      'reports',
      'tests',
      'events',
    ]);
    expect(
      log.every(
        (entry) => entry.authorized && entry.status === (entry.route === 'trigger' ? 201 : 200),
      ),
    ).toBe(true);
    expect(log[3].query).toEqual({ OS: 'Linux' });
    expect(log[0].headers.authorization).toBe('Token ***');
    expect(log[8].headers.authorization).toBe('Basic ***');
    expect(log[12].headers.automationtoken).toBe('***');
    const text = JSON.stringify(log);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('ci-password-9f2');
    expect(text).not.toContain(Buffer.from('ci:ci-password-9f2').toString('base64'));
    expect(text).not.toContain(AUTOMATION.AutomationToken);
  });

  it('faultsAt uses the route names (poll#2:503)', async () => {
    await scenario({ faultsAt: 'poll#2:503' });
    const { json: plan } = await executePlan();
    expect((await status(plan.id)).status).toBe(200);
    const faulted = await status(plan.id);
    expect(faulted.status).toBe(503);
    expect(faulted.headers.get('retry-after')).toBe('1');
    // A faulted poll never reached the vendor: it does not count towards pollsToComplete.
    expect((await status(plan.id)).json.done).toBeLessThan(4);
    expect((await status(plan.id)).json).toEqual({ open: 0, reserved: 0, done: 4 });
  });
});

describe('scenario', () => {
  it('shows the Squish knobs with their defaults', async () => {
    const current = (await call('GET', '/__sim/scenario', { auth: false })).json;
    expect(current).toMatchObject({
      templates: [
        '64:Shop:CI Tests master',
        '65:Shop:Nightly',
        '66:Shop:Nightly',
        '67:Mobile:CI Tests master',
      ],
      capabilities: 'OS=Linux,OS=Windows',
      workers: 2,
      requireSchedule: false,
      reservationTimeoutMs: 5000,
      workerCrashes: 0,
      transientErrors: 0,
      erroredAs: 'mixed',
      xfail: 0,
      xpass: 0,
      resultLagSeconds: 0,
      resultsApi: true,
      username: null,
      password: null,
      automationToken: null,
    });
  });

  it.each([
    [
      { templates: ['64 Shop Nightly'] },
      /templates: "64 Shop Nightly" is not "<id>:<project>:<title>"/,
    ],
    [{ templates: ['1:A:x', '1:B:y'] }, /templates: template id 1 is listed twice/],
    [{ templates: 'nope' }, /templates: expected a list of strings/],
    [{ capabilities: 'OS' }, /capabilities: "OS" is not "<key>=<value>"/],
    [{ capabilities: 'OS=Linux&=x' }, /capabilities: "=x" is not/],
    [
      { erroredAs: 'crash' },
      /erroredAs: expected one of: mixed, infrastructure, script-error, none/,
    ],
    [{ workers: -1 }, /workers: expected an integer from 0 to 100/],
    [{ reservationTimeoutMs: 0 }, /reservationTimeoutMs: expected a positive integer/],
    [{ tests: 3, xfail: 4 }, /xfail \(4\) exceeds the passing tests \(3\)/],
    [{ failed: 1, xpass: 2 }, /xpass \(2\) exceeds failed \(1\)/],
    [{ tests: 2, transientErrors: 3 }, /transientErrors \(3\) exceeds tests \(2\)/],
    [{ username: '' }, /username: must not be empty/],
    [{ resultsApi: 'no' }, /resultsApi: expected true or false/],
    [{ variant: 'legacy' }, /variant: unknown flag "legacy"/],
  ])('rejects %j with 400', async (patch, message) => {
    const answer = await call('PUT', '/__sim/scenario', { body: patch, auth: false });
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatch(message);
  });

  it('per-template overrides serve several scenarios at once', async () => {
    await call('PUT', '/__sim/scenario/overrides/65', { body: { failed: 1 }, auth: false });
    const { id: failing } = await runToCompletion({ templateId: 65 });
    const { id: passing } = await runToCompletion({ templateId: 64 });
    expect((await testplan(failing)).json.failed).toBe(1);
    expect((await testplan(passing)).json.failed).toBe(0);
  });

  it('uses injected test names verbatim', async () => {
    await scenario({ testNames: ['tst_checkout', 'tst_search'], workers: 0 });
    const { json: plan } = await executePlan();
    const first = await reserve(plan.id, { capabilities: [] });
    expect(first.json.testcase).toBe('tst_checkout');
  });
});

describe('testrelay simulate --vendor squish', () => {
  it('prints "squish http://127.0.0.1:PORT" and applies the Squish flags', async () => {
    let out = '';
    const abort = new AbortController();
    const io: SimulateCommandIo = {
      stdout: { write: (text: string) => (out += text) },
      stderr: { write: () => true },
      signal: abort.signal,
      signals: new EventEmitter() as unknown as SimulateCommandIo['signals'],
    };
    const done = runSimulateCommand(
      [
        '--vendor',
        'squish',
        '--api-key',
        'cli-token',
        '--workers',
        '0',
        '--capabilities',
        'OS=Linux&browser=chrome',
        '--no-results-api',
        '--variant',
        'finished-key,string-ids',
      ],
      io,
    );
    for (let i = 0; i < 200 && !out.endsWith('\n'); i += 1) await sleep(25);
    expect(out).toMatch(/^squish http:\/\/127\.0\.0\.1:\d+\n$/);
    const baseUrl = out.trim().split(' ')[1];
    const current = (await (await fetch(`${baseUrl}/__sim/scenario`)).json()) as Record<
      string,
      unknown
    >;
    expect(current).toMatchObject({
      workers: 0,
      capabilities: 'OS=Linux&browser=chrome',
      resultsApi: false,
      variant: 'finished-key,string-ids',
    });
    const plan = await fetch(`${baseUrl}${EXEC}/testplans/64`, {
      headers: { Authorization: 'Token cli-token' },
    });
    expect(plan.status).toBe(200);
    abort.abort();
    expect(await done).toBe(0);
  });
});

describe('Squish Test Center simulator project page', () => {
  it('serves the project page TestRelay links to, listing plan executions', async () => {
    const sim = await startSimulator({
      vendor: 'squish',
      apiKey: 'page-token',
      scenario: { workers: 0 },
    });
    try {
      const started = await fetch(`${sim.baseUrl}/execution/v1/executeplan`, {
        method: 'POST',
        headers: { Authorization: 'Token page-token', 'Content-Type': 'application/json' },
        body: JSON.stringify({ templateId: 64, title: 'CI <run> 7', batch: 'b7' }),
      });
      const { id } = (await started.json()) as { id: number };
      const page = await fetch(`${sim.baseUrl}/project/Shop`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain(`href="/testplans/${id}"`);
      expect(html).toContain('CI &lt;run&gt; 7');
    } finally {
      await sim.close();
    }
  });
});
