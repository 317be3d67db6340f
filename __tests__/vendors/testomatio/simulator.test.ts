// The Testomat.io simulator, in-process, over real HTTP (global fetch): create / attach / add
// tests (single and batch) / parallel events / finish, matching by test id and title, the
// 200-even-when-not-added quirk, duplicates, every error answer, the kept data under
// /__testomatio/runs, the run page and the masked request log (vendor-apis/testomatio.md §3-§6).

import {
  startSimulator,
  type RequestRecord,
  type RunningSimulator,
} from '../../../src/vendors/simulators.js';
import { type Answer, answerOf } from '../../helpers/answer.js';

const KEY = 'tstmt_sim-project-token-0001';

let sim: RunningSimulator;

/** A reporter call; the token goes into the JSON body unless `body` is a string. */
async function call(
  method: string,
  path: string,
  body?: Record<string, unknown> | string,
  key: string | null = KEY,
): Promise<Answer> {
  const text =
    body === undefined
      ? undefined
      : typeof body === 'string'
        ? body
        : JSON.stringify(key === null ? body : { api_key: key, ...body });
  return answerOf(
    await fetch(`${sim.baseUrl}${path}`, {
      method,
      headers: text === undefined ? {} : { 'content-type': 'application/json' },
      body: text,
    }),
  );
}

async function scenario(patch: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${sim.baseUrl}/__sim/scenario`, {
    method: 'PUT',
    body: JSON.stringify(patch),
  });
  expect(response.status).toBe(200);
}

async function createRun(body: Record<string, unknown> = {}): Promise<string> {
  const answer = await call('POST', '/api/reporter', { title: 'Nightly', ...body });
  expect(answer.status).toBe(200);
  return answer.json.uid as string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function kept(uid: string): Promise<any> {
  const answer = await call('GET', `/__testomatio/runs/${uid}`);
  expect(answer.status).toBe(200);
  return answer.json;
}

async function requests(): Promise<RequestRecord[]> {
  return (await fetch(`${sim.baseUrl}/__sim/requests`)).json() as Promise<RequestRecord[]>;
}

const LOGIN = {
  rid: 'ts-812-login-works',
  test_id: '@Ta0b0c0d0',
  title: 'Login works',
  suite_title: 'Smoke suite',
  status: 'passed',
  run_time: 23038,
};
const PAY = {
  rid: 'ts-812-pay-by-card',
  test_id: '@Tb1b2b3b4',
  title: 'Pay by card',
  suite_title: 'Smoke suite',
  status: 'failed',
  message: 'Expected receipt page',
  stack: 'at checkout.ts:12',
  run_time: 5100,
  artifacts: ['https://vendor.example/run/812/shot.png'],
  meta: { device: 'Chrome on Windows' },
};

beforeAll(async () => {
  sim = await startSimulator({ vendor: 'testomatio' });
});

afterAll(async () => {
  await sim.close();
});

beforeEach(async () => {
  const response = await fetch(`${sim.baseUrl}/__sim/reset`, { method: 'POST' });
  expect(response.status).toBe(200);
});

describe('Testomat.io simulator: runs and results', () => {
  it('serves the origin as base URL (like TESTOMATIO_URL)', () => {
    expect(sim.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('creates a run and keeps title, env, tags, group and the url', async () => {
    const answer = await call('POST', '/api/reporter', {
      title: 'Nightly – Testsigma plan 2090',
      env: 'Windows, Chrome',
      tags: ['nightly'],
      group_title: 'Release 1.0',
      parallel: false,
      ci_build_url: 'https://ci.example/build/1',
    });
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.json).sort()).toEqual(['uid', 'url']);
    expect(answer.json.uid).toMatch(/^[0-9a-f]{8}$/);
    expect(answer.json.url).toBe(`${sim.baseUrl}/projects/testrelay-demo/runs/${answer.json.uid}`);

    const run = await kept(answer.json.uid);
    expect(run).toMatchObject({
      uid: answer.json.uid,
      title: 'Nightly – Testsigma plan 2090',
      env: 'Windows, Chrome',
      tags: ['nightly'],
      groupTitle: 'Release 1.0',
      parallel: false,
      sharedRun: false,
      status: 'created',
      result: null,
      received: [],
    });
    expect(run.created).toEqual({
      title: 'Nightly – Testsigma plan 2090',
      env: 'Windows, Chrome',
      tags: ['nightly'],
      group_title: 'Release 1.0',
      parallel: false,
      ci_build_url: 'https://ci.example/build/1',
    });
    expect(JSON.stringify(run)).not.toContain(KEY);
  });

  it('accepts an empty create body (every field optional) and the token in the query', async () => {
    const answer = await call('POST', `/api/reporter?api_key=${KEY}`, {}, null);
    expect(answer.status).toBe(200);
    expect((await kept(answer.json.uid)).title).toBeNull();
    const bare = await answerOf(
      await fetch(`${sim.baseUrl}/api/reporter?api_key=${KEY}`, { method: 'POST' }),
    );
    expect(bare.status).toBe(200);
    expect(bare.json.uid).not.toBe(answer.json.uid);
  });

  it('adds public_url and artifacts with the variants, public_url also on access_event publish', async () => {
    const published = await call('POST', '/api/reporter', { access_event: 'publish' });
    expect(published.json.public_url).toBe(`${sim.baseUrl}/report/${published.json.uid}`);
    expect(published.json.artifacts).toBeUndefined();
    await scenario({ variant: 'public-url,artifacts' });
    const answer = await call('POST', '/api/reporter', {});
    expect(answer.json.public_url).toBe(`${sim.baseUrl}/report/${answer.json.uid}`);
    expect(answer.json.artifacts).toMatchObject({ BUCKET: 'testomatio-sim' });
  });

  it('joins an open shared run with the same title instead of creating a second one', async () => {
    const first = await createRun({ title: 'Shared', shared_run: true });
    expect(await createRun({ title: 'Shared', shared_run: true })).toBe(first);
    expect(await createRun({ title: 'Shared' })).not.toBe(first);
    expect(await createRun({ title: 'Other', shared_run: true })).not.toBe(first);
    expect((await kept(first)).joins).toBe(1);
    await call('PUT', `/api/reporter/${first}?shared_run=true`, { status_event: 'finish' });
    expect(await createRun({ title: 'Shared', shared_run: true })).not.toBe(first);
  });

  it('keeps a batch exactly as sent: order, statuses, run_time, messages, batch_index', async () => {
    const uid = await createRun();
    const answer = await call('POST', `/api/reporter/${uid}/testrun`, {
      tests: [LOGIN, PAY],
      batch_index: 0,
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ message: 'Test run added' });

    const run = await kept(uid);
    expect(run.status).toBe('running');
    expect(run.received).toHaveLength(2);
    expect(run.received[0]).toMatchObject({
      seq: 1,
      via: 'batch',
      batchIndex: 0,
      rid: 'ts-812-login-works',
      testId: '@Ta0b0c0d0',
      matchedTestId: '@Ta0b0c0d0',
      title: 'Login works',
      suiteTitle: 'Smoke suite',
      status: 'passed',
      runTime: 23038,
      message: null,
      outcome: 'added',
      duplicateOf: null,
    });
    expect(run.received[1]).toMatchObject({
      seq: 2,
      status: 'failed',
      runTime: 5100,
      message: 'Expected receipt page',
      stack: 'at checkout.ts:12',
    });
    expect(run.received[1].data).toEqual(PAY);
    expect(run.counts).toMatchObject({ received: 2, added: 2, held: 2, passed: 1, failed: 1 });
    expect(run.tests.map((test: { title: string }) => test.title)).toEqual([
      'Login works',
      'Pay by card',
    ]);
  });

  it('keeps a single TestData (the spec form) without its api_key', async () => {
    const uid = await createRun();
    const answer = await call('POST', `/api/reporter/${uid}/testrun`, {
      ...LOGIN,
      run_time: 0.5,
    });
    expect(answer.status).toBe(200);
    const run = await kept(uid);
    expect(run.received[0]).toMatchObject({ via: 'testrun', batchIndex: null, runTime: 0.5 });
    expect(run.received[0].data).toEqual({ ...LOGIN, run_time: 0.5 });
  });

  it('matches ids with and without @T, and counts unknown or malformed ids as unmatched', async () => {
    await scenario({ knownTestIds: ['@Ta0b0c0d0', 'Tb1b2b3b4'] });
    const uid = await createRun();
    const answer = await call('POST', `/api/reporter/${uid}/testrun`, {
      tests: [
        { ...LOGIN, test_id: 'a0b0c0d0' },
        { ...PAY, test_id: '@Tb1b2b3b4' },
        { status: 'passed', title: 'Unknown id', test_id: '@Tzzzzzzzz' },
        { status: 'passed', title: 'Bad id', test_id: '@T123' },
      ],
    });
    // The quirk: 200 "Test run added" although two tests were not added.
    expect(answer.status).toBe(200);
    expect(answer.json.message).toBe('Test run added');
    const run = await kept(uid);
    expect(run.received.map((test: { outcome: string }) => test.outcome)).toEqual([
      'added',
      'added',
      'unmatched',
      'unmatched',
    ]);
    expect(run.received[0].matchedTestId).toBe('@Ta0b0c0d0');
    expect(run.counts).toMatchObject({ received: 4, unmatched: 2, held: 2 });
  });

  it('matches tests without an id by title, only known titles, or never in "id" mode', async () => {
    const noId = { status: 'passed', title: 'Search works', suite_title: 'Smoke' };
    const uid = await createRun();
    await call('POST', `/api/reporter/${uid}/testrun`, noId);
    await scenario({ knownTitles: ['Other title'] });
    await call('POST', `/api/reporter/${uid}/testrun`, noId);
    await scenario({ matching: 'id', knownTitles: [] });
    await call('POST', `/api/reporter/${uid}/testrun`, noId);
    const outcomes = (await kept(uid)).received.map((test: { outcome: string }) => test.outcome);
    expect(outcomes).toEqual(['added', 'unmatched', 'unmatched']);
  });

  it('creates unmatched tests on create: true, create_tests: true or the createUnmatched knob', async () => {
    await scenario({ matching: 'id', knownTestIds: ['@Ta0b0c0d0'] });
    const uid = await createRun();
    await call('POST', `/api/reporter/${uid}/testrun`, {
      tests: [
        { status: 'passed', title: 'New one', create: true },
        { status: 'passed', title: 'Known id', test_id: '@Tc0c0c0c0', create: true },
        { status: 'passed', title: 'Not created' },
      ],
    });
    await scenario({ createUnmatched: true });
    await call('POST', `/api/reporter/${uid}/testrun`, { status: 'skipped', title: 'By knob' });
    const run = await kept(uid);
    expect(run.received.map((test: { outcome: string }) => test.outcome)).toEqual([
      'created',
      'created',
      'unmatched',
      'created',
    ]);
    expect(run.received[0].matchedTestId).toMatch(/^@T\w{8}$/);
    expect(run.received[1].matchedTestId).toBe('@Tc0c0c0c0');

    await scenario({ createUnmatched: false });
    const other = await createRun();
    await call('PUT', `/api/reporter/${other}?shared_run=false`, {
      status_event: 'finish',
      create_tests: true,
      tests: [{ status: 'passed', title: 'Imported', test_id: '@Td0d0d0d0' }],
    });
    expect((await kept(other)).received[0]).toMatchObject({ via: 'update', outcome: 'created' });
  });

  it('answers 422 "could not be matched" for unmatched tests with unmatchedAnswer=error', async () => {
    await scenario({ knownTestIds: ['@Ta0b0c0d0'], unmatchedAnswer: 'error' });
    const uid = await createRun();
    const answer = await call('POST', `/api/reporter/${uid}/testrun`, {
      tests: [LOGIN, { status: 'passed', title: 'X', test_id: '@Tffffffff' }],
    });
    expect(answer.status).toBe(422);
    expect(answer.json.message).toContain('could not be matched');
    expect(answer.json.message).toContain('@Tffffffff');
    // The matched one was still kept.
    expect((await kept(uid)).counts).toMatchObject({ added: 1, unmatched: 1 });
  });

  it('silently drops a share of the tests with dropRate while answering 200', async () => {
    await scenario({ dropRate: 0.5 });
    const uid = await createRun();
    const tests = [1, 2, 3, 4].map((n) => ({ status: 'passed', title: `T${n}`, rid: `r${n}` }));
    const answer = await call('POST', `/api/reporter/${uid}/testrun`, { tests });
    expect(answer.status).toBe(200);
    expect(answer.json.message).toBe('Test run added');
    const run = await kept(uid);
    expect(run.received.map((test: { outcome: string }) => test.outcome)).toEqual([
      'added',
      'dropped',
      'added',
      'dropped',
    ]);
    expect(run.counts).toMatchObject({ received: 4, dropped: 2, held: 2 });
  });

  it('records repeats: same rid updates (retry unless overwrite), duplicates are marked', async () => {
    const uid = await createRun();
    await call('POST', `/api/reporter/${uid}/testrun`, { tests: [LOGIN, PAY], batch_index: 0 });
    await call('POST', `/api/reporter/${uid}/testrun`, {
      tests: [{ ...PAY, status: 'passed' }],
      batch_index: 1,
    });
    await call('POST', `/api/reporter/${uid}/testrun`, {
      tests: [{ ...PAY, status: 'passed', overwrite: true }],
      batch_index: 1,
    });
    const noRid = { status: 'passed', title: 'No rid', test_id: '@Te0e0e0e0', run_time: 10 };
    await call('POST', `/api/reporter/${uid}/testrun`, noRid);
    await call('POST', `/api/reporter/${uid}/testrun`, noRid);
    const run = await kept(uid);
    expect(
      run.received.map((test: { outcome: string; retry: boolean; duplicateOf: number | null }) => [
        test.outcome,
        test.retry,
        test.duplicateOf,
      ]),
    ).toEqual([
      ['added', false, null],
      ['added', false, null],
      ['updated', true, 2],
      ['updated', false, 2],
      ['added', false, null],
      ['added', false, 5],
    ]);
    expect(run.counts).toMatchObject({
      received: 6,
      duplicates: 3,
      retries: 1,
      held: 4,
      failed: 0,
      passed: 4,
    });
    // The held result for the rid is the latest one.
    expect(run.tests.find((test: { rid: string }) => test.rid === PAY.rid).seq).toBe(4);
  });

  it('attaches with a PUT without status_event, keeps reported counts, finishes with pass/fail', async () => {
    const uid = await createRun();
    const attach = await call('PUT', `/api/reporter/${uid}?shared_run=false`, {});
    expect(attach.status).toBe(200);
    expect((await kept(uid)).status).toBe('created');
    await call('POST', `/api/reporter/${uid}/testrun`, { tests: [LOGIN, PAY] });
    const finish = await call('PUT', `/api/reporter/${uid}?shared_run=false`, {
      status_event: 'pass',
      duration: 141.5,
      tests_count: 2,
      passed_count: 1,
      failed_count: 1,
      skipped_count: 0,
    });
    expect(finish.status).toBe(200);
    const run = await kept(uid);
    expect(run).toMatchObject({
      status: 'finished',
      result: 'passed',
      duration: 141.5,
      reportedCounts: { tests_count: 2, passed_count: 1, failed_count: 1, skipped_count: 0 },
    });
    expect(run.finishedAt).toEqual(expect.any(String));
    expect(run.updates.map((u: { statusEvent: string | null }) => u.statusEvent)).toEqual([
      null,
      'pass',
    ]);
    expect(run.updates[1].sharedRun).toBe('false');
    expect(JSON.stringify(run.updates)).not.toContain(KEY);

    const other = await createRun();
    await call('PUT', `/api/reporter/${other}`, { status_event: 'fail' });
    expect((await kept(other)).result).toBe('failed');
  });

  it('computes the result on finish from the held results', async () => {
    const passing = await createRun();
    await call('POST', `/api/reporter/${passing}/testrun`, LOGIN);
    await call('PUT', `/api/reporter/${passing}`, { status_event: 'finish' });
    expect((await kept(passing)).result).toBe('passed');
    const failing = await createRun();
    await call('POST', `/api/reporter/${failing}/testrun`, PAY);
    await call('PUT', `/api/reporter/${failing}`, { status_event: 'finish' });
    expect((await kept(failing)).result).toBe('failed');
  });

  it('keeps a parallel run open through *_parallel events until a plain finish', async () => {
    const uid = await createRun({ parallel: true });
    expect((await kept(uid)).parallel).toBe(true);
    await call('POST', `/api/reporter/${uid}/testrun`, LOGIN);
    await call('PUT', `/api/reporter/${uid}?shared_run=true`, { status_event: 'pass_parallel' });
    await call('PUT', `/api/reporter/${uid}?shared_run=true`, { status_event: 'fail_parallel' });
    let run = await kept(uid);
    expect(run).toMatchObject({
      status: 'running',
      result: null,
      parallelParts: ['pass_parallel', 'fail_parallel'],
    });
    // Still accepts tests while open.
    expect((await call('POST', `/api/reporter/${uid}/testrun`, PAY)).status).toBe(200);
    await call('PUT', `/api/reporter/${uid}?shared_run=true`, { status_event: 'finish' });
    run = await kept(uid);
    expect(run).toMatchObject({ status: 'finished', result: 'failed' });
  });

  it('refuses tests after finish with 404, or 422 by knob, and keeps nothing', async () => {
    const uid = await createRun();
    await call('PUT', `/api/reporter/${uid}`, { status_event: 'finish' });
    const answer = await call('POST', `/api/reporter/${uid}/testrun`, LOGIN);
    expect(answer.status).toBe(404);
    await scenario({ afterFinishStatus: 422 });
    expect((await call('POST', `/api/reporter/${uid}/testrun`, LOGIN)).status).toBe(422);
    expect((await kept(uid)).received).toEqual([]);
  });

  it('lists every run in creation order under /__testomatio/runs, emptied by reset', async () => {
    const first = await createRun({ title: 'A' });
    const second = await createRun({ title: 'B' });
    const list = await call('GET', '/__testomatio/runs');
    expect(list.status).toBe(200);
    expect(list.json.runs.map((run: { uid: string }) => run.uid)).toEqual([first, second]);
    expect((await call('GET', '/__testomatio/runs/nope')).status).toBe(404);
    expect((await call('POST', '/__testomatio/runs')).status).toBe(405);
    await fetch(`${sim.baseUrl}/__sim/reset`, { method: 'POST' });
    expect((await call('GET', '/__testomatio/runs')).json).toEqual({ runs: [] });
    // Control reads are not vendor requests.
    expect(await requests()).toEqual([]);
  });

  it('serves the run page at the returned url and the public url, without auth or logging', async () => {
    await scenario({ variant: 'public-url' });
    const created = await call('POST', '/api/reporter', { title: 'Page <run>' });
    await call('POST', `/api/reporter/${created.json.uid}/testrun`, LOGIN);
    await fetch(`${sim.baseUrl}/__sim/requests`, { method: 'DELETE' });
    for (const url of [created.json.url, created.json.public_url]) {
      const page = await answerOf(await fetch(url as string));
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      expect(page.text).toContain('Page &#60;run&#62;');
      expect(page.text).toContain('@Ta0b0c0d0');
    }
    expect((await fetch(`${sim.baseUrl}/projects/x/runs/ffffffff`)).status).toBe(404);
    expect(await requests()).toEqual([]);
  });

  it('answers test_grep with the known test ids', async () => {
    await scenario({ knownTestIds: ['@Ta0b0c0d0'] });
    const answer = await call('GET', `/api/test_grep?type=tag-name&id=smoke&api_key=${KEY}`);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ tests: ['@Ta0b0c0d0'] });
    const bad = await call('GET', `/api/test_grep?type=nope&id=x&api_key=${KEY}`);
    expect(bad.status).toBe(422);
  });
});

describe('Testomat.io simulator: errors', () => {
  it('answers 401 "Project API Token is invalid" without, with a wrong or a general token', async () => {
    for (const key of [null, '', 'testomat_general-token']) {
      const answer = await call(
        'POST',
        '/api/reporter',
        key === null ? {} : { api_key: key },
        null,
      );
      expect(answer.status).toBe(401);
      expect(answer.json).toEqual({ message: 'Project API Token is invalid' });
    }
    await scenario({ validTokens: ['tstmt_only-this'] });
    expect((await call('POST', '/api/reporter', {})).status).toBe(401);
    expect((await call('POST', '/api/reporter', {}, 'tstmt_only-this')).status).toBe(200);
  });

  it('answers 401 to every token with rejectKey, and 403 with forbidden', async () => {
    const uid = await createRun();
    await scenario({ rejectKey: true });
    expect((await call('POST', '/api/reporter', {})).status).toBe(401);
    expect((await call('POST', `/api/reporter/${uid}/testrun`, LOGIN)).status).toBe(401);
    await scenario({ forbidden: true });
    const answer = await call('PUT', `/api/reporter/${uid}`, { status_event: 'finish' });
    expect(answer.status).toBe(403);
    expect(answer.json.message).toBe('Project API Token is invalid');
    expect((await kept(uid)).status).toBe('created');
    const log = await requests();
    expect(log.slice(-1)[0]).toMatchObject({ route: 'updateRun', authorized: false, status: 403 });
  });

  it('honours the --api-key of the server', async () => {
    const other = await startSimulator({ vendor: 'testomatio', apiKey: 'tstmt_right' });
    try {
      const post = (key: string): Promise<Response> =>
        fetch(`${other.baseUrl}/api/reporter`, {
          method: 'POST',
          body: JSON.stringify({ api_key: key }),
        });
      expect((await post('tstmt_wrong')).status).toBe(401);
      expect((await post('tstmt_right')).status).toBe(200);
    } finally {
      await other.close();
    }
  });

  it('answers 402 with paymentRequired, and once limitAfterTests tests are kept', async () => {
    await scenario({ paymentRequired: true });
    const refused = await call('POST', '/api/reporter', {});
    expect(refused.status).toBe(402);
    expect(refused.json.message).toMatch(/limit/i);
    await scenario({ paymentRequired: false, limitAfterTests: 1 });
    const uid = await createRun();
    expect((await call('POST', `/api/reporter/${uid}/testrun`, LOGIN)).status).toBe(200);
    expect((await call('POST', `/api/reporter/${uid}/testrun`, PAY)).status).toBe(402);
    expect((await call('POST', '/api/reporter', {})).status).toBe(402);
    expect((await kept(uid)).received).toHaveLength(1);
  });

  it('answers 422 with an empty body on create with rejectCreate', async () => {
    await scenario({ rejectCreate: true });
    const answer = await call('POST', '/api/reporter', { title: 'x' });
    expect(answer.status).toBe(422);
    expect(answer.text).toBe('');
    expect((await call('GET', '/__testomatio/runs')).json.runs).toEqual([]);
  });

  it('answers 422 to invalid bodies and keeps nothing of them', async () => {
    const uid = await createRun();
    const cases: Array<[string, string, Record<string, unknown> | string]> = [
      ['POST', '/api/reporter', { tags: 'nightly' }],
      ['POST', '/api/reporter', { parallel: 'yes' }],
      ['POST', `/api/reporter/${uid}/testrun`, { title: 'no status' }],
      ['POST', `/api/reporter/${uid}/testrun`, { ...LOGIN, status: 'PASSED' }],
      ['POST', `/api/reporter/${uid}/testrun`, { ...LOGIN, run_time: '23' }],
      ['POST', `/api/reporter/${uid}/testrun`, { tests: 'all' }],
      ['POST', `/api/reporter/${uid}/testrun`, { tests: [LOGIN, { ...PAY, meta: 'x' }] }],
      ['PUT', `/api/reporter/${uid}`, { status_event: 'done' }],
      ['PUT', `/api/reporter/${uid}`, { duration: '1s' }],
      ['PUT', `/api/reporter/${uid}`, { status_event: 'finish', tests: [{ title: 'x' }] }],
      ['POST', `/api/reporter?api_key=${KEY}`, '[1,2]'],
    ];
    for (const [method, path, body] of cases) {
      const answer = await call(method, path, body);
      expect([method, path, answer.status]).toEqual([method, path, 422]);
      expect(answer.json.message).toEqual(expect.any(String));
    }
    const run = await kept(uid);
    expect(run.received).toEqual([]);
    expect(run.updates).toEqual([]);
    expect(run.status).toBe('created');
  });

  it('answers 400 to malformed JSON, before the token check', async () => {
    const answer = await call('POST', '/api/reporter', '{"api_key": ');
    expect(answer.status).toBe(400);
    expect(answer.json.message).toMatch(/JSON/);
  });

  it('answers 400 to a PUT without ?shared_run= when requireSharedRun is on', async () => {
    const uid = await createRun();
    await scenario({ requireSharedRun: true });
    const answer = await call('PUT', `/api/reporter/${uid}`, { status_event: 'finish' });
    expect(answer.status).toBe(400);
    expect(answer.json.message).toContain('shared_run');
    expect((await call('PUT', `/api/reporter/${uid}?shared_run=false`, {})).status).toBe(200);
  });

  it('answers 404 for an unknown run on /testrun and PUT, and for unknown paths', async () => {
    expect((await call('POST', '/api/reporter/ffffffff/testrun', LOGIN)).status).toBe(404);
    const finish = await call('PUT', '/api/reporter/ffffffff', { status_event: 'finish' });
    expect(finish.status).toBe(404);
    expect(finish.json.message).toContain('ffffffff');
    expect((await call('GET', '/api/nothing')).status).toBe(404);
    expect((await call('GET', '/api/reporter')).status).toBe(405);
  });

  it('injects 500/502/503 on the n-th call of a route (faultsAt), and at random (faults)', async () => {
    const uid = await createRun();
    await scenario({ faultsAt: 'addTests#2:502,updateRun#1:500,createRun#1:503' });
    expect((await call('POST', `/api/reporter/${uid}/testrun`, LOGIN)).status).toBe(200);
    expect((await call('POST', `/api/reporter/${uid}/testrun`, PAY)).status).toBe(502);
    expect((await call('PUT', `/api/reporter/${uid}`, { status_event: 'finish' })).status).toBe(
      500,
    );
    const unavailable = await call('POST', '/api/reporter', {});
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('retry-after')).toBe('1');
    // Nothing happened behind a fault.
    const run = await kept(uid);
    expect(run.received).toHaveLength(1);
    expect(run.status).toBe('running');
    await scenario({ faults: '503:1' });
    expect((await call('POST', '/api/reporter', {})).status).toBe(503);
  });
});

describe('Testomat.io simulator: request log', () => {
  it('records route names and masks the token in body and query', async () => {
    const uid = await createRun();
    await call('POST', `/api/reporter/${uid}/testrun?api_key=${KEY}`, LOGIN, null);
    await call('PUT', `/api/reporter/${uid}?shared_run=false`, { status_event: 'finish' });
    await call('GET', `/api/test_grep?type=plan&id=1&api_key=${KEY}`);
    const log = await requests();
    expect(log.map((record) => record.route)).toEqual([
      'createRun',
      'addTests',
      'updateRun',
      'testGrep',
    ]);
    expect(log[0].body).toEqual({ api_key: '***', title: 'Nightly' });
    expect(log[1].query).toEqual({ api_key: '***' });
    expect(log[1].body).toEqual(LOGIN);
    expect(log[2]).toMatchObject({
      method: 'PUT',
      path: `/api/reporter/${uid}`,
      query: { shared_run: 'false' },
      body: { api_key: '***', status_event: 'finish' },
      authorized: true,
      status: 200,
    });
    expect(log[3].query).toEqual({ type: 'plan', id: '1', api_key: '***' });
    expect(JSON.stringify(log)).not.toContain(KEY);
  });

  it('applies latencyMs to vendor routes', async () => {
    await scenario({ latencyMs: 150 });
    const started = Date.now();
    await call('POST', '/api/reporter', {});
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});

describe('Testomat.io simulator kept data under the shared control prefix', () => {
  it('answers GET /__sim/runs like /__testomatio/runs', async () => {
    const sim = await startSimulator({ vendor: 'testomatio', apiKey: 'tstmt_control_key' });
    try {
      const created = await fetch(`${sim.baseUrl}/api/reporter`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ api_key: 'tstmt_control_key', title: 'control' }),
      });
      expect(created.status).toBeLessThan(300);
      const viaSim = await (await fetch(`${sim.baseUrl}/__sim/runs`)).json();
      const viaVendor = await (await fetch(`${sim.baseUrl}/__testomatio/runs`)).json();
      expect(viaSim).toEqual(viaVendor);
      expect((viaSim as { runs: unknown[] }).runs).toHaveLength(1);
    } finally {
      await sim.close();
    }
  });
});
