// The Spira simulator, in-process, over real HTTP (global fetch): every route, auth by header and
// by query (braces included), the KB684 manual-run flow of seed 004 (shells → steps/EndDate →
// PUT), record vs record-multiple, ConcurrencyDate, the concurrent-writes limit and its peak,
// the documented errors, the kept data and request-log masking (vendor-apis/spira.md §2-§6).

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  simulateUsage,
  startSimulator,
  type RunningSimulator,
} from '../../../src/vendors/simulators.js';
import { type Answer, answerOf } from '../../helpers/answer.js';

// Made-up credentials in Spira's form: the RSS token with its curly braces.
const USER = 'relay-bot';
const KEY = '{6C8E0C1A-2B3D-4E5F-8A9B-0C1D2E3F4A5B}';
const FIXTURES = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../fixtures/vendor-scripts/spira',
);

let sim: RunningSimulator;

/** A REST call with `username`/`api-key` headers (unless `auth` is false). */
async function call(
  method: string,
  path: string,
  body?: unknown,
  options: { auth?: boolean; headers?: Record<string, string>; base?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (options.auth !== false) {
    headers.username ??= USER;
    headers['api-key'] ??= KEY;
  }
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${options.base ?? sim.baseUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return answerOf(response);
}

async function scenario(patch: Record<string, unknown>): Promise<void> {
  const answer = await call('PUT', '/__sim/scenario', patch, { auth: false });
  expect(answer.status).toBe(200);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function kept(): Promise<any> {
  const answer = await call('GET', '/__spira/runs', undefined, { auth: false });
  expect(answer.status).toBe(200);
  return answer.json;
}

function automated(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    TestRunFormatId: 1,
    RunnerName: 'TestRelay',
    RunnerTestName: 'Smoke suite.Pay by card',
    RunnerMessage: 'Expected receipt page',
    RunnerStackTrace: 'AssertionError: expected receipt page\n  at pay.spec.ts:12',
    RunnerAssertCount: 1,
    TestCaseId: 1,
    ExecutionStatusId: 1,
    ReleaseId: 1,
    TestSetId: 2,
    StartDate: '2024-05-14T14:00:00Z',
    EndDate: '2024-05-14T14:00:05Z',
    ...overrides,
  };
}

beforeEach(async () => {
  sim = await startSimulator({ vendor: 'spira', apiKey: KEY, scenario: { spiraUsername: USER } });
});

afterEach(async () => {
  await sim.close();
});

describe('base URL, versions and pages', () => {
  it('serves v7_0 at the base URL, v6_0/v5_0 and a virtual directory prefix', async () => {
    expect(sim.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/Services\/v7_0\/RestService\.svc$/);
    const origin = new URL(sim.baseUrl).origin;
    for (const prefix of ['/Services/v6_0', '/Services/v5_0', '/Spira/Services/v7_0']) {
      const answer = await call('GET', '/projects', undefined, {
        base: `${origin}${prefix}/RestService.svc`,
      });
      expect(answer.status).toBe(200);
      expect(answer.json.map((p: { ProjectId: number }) => p.ProjectId)).toEqual([1, 24]);
    }
    await scenario({ spiraApiVersions: ['v7_0'] });
    const old = await call('GET', '/projects', undefined, {
      base: `${origin}/Services/v5_0/RestService.svc`,
    });
    expect(old.status).toBe(404);
    expect(old.text).toContain('Endpoint not found.');
  });

  it('reads the seeded catalog: product, test case with steps, release, test set', async () => {
    expect((await call('GET', '/projects/24')).json).toMatchObject({ ProjectId: 24 });
    const testCase = await call('GET', '/projects/24/test-cases/290');
    expect(testCase.status).toBe(200);
    expect(testCase.json.TestSteps.map((s: { TestStepId: number }) => s.TestStepId)).toEqual([
      29001, 29002,
    ]);
    expect((await call('GET', '/projects/24/releases/155')).json.ReleaseId).toBe(155);
    expect((await call('GET', '/projects/1/test-sets/2')).json).toMatchObject({
      TestSetId: 2,
      ReleaseId: 1,
    });
    expect((await call('GET', '/projects/9')).status).toBe(404);
    expect((await call('GET', '/projects/1/test-cases/999')).status).toBe(404);
    expect((await call('GET', '/projects/1/releases/999')).status).toBe(404);
    expect((await call('GET', '/projects/1/test-sets/999')).status).toBe(404);
    const prefixed = await call('GET', '/projects/1/test-cases/TC:1');
    expect(prefixed.status).toBe(400);
    expect(prefixed.json.Message).toContain('bare');
  });

  it('answers unknown paths with WCF "Endpoint not found." and a wrong method with 405', async () => {
    const unknown = await call('GET', '/projects/1/nothing');
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('Endpoint not found.');
    expect((await call('DELETE', '/projects/1/test-runs/record')).status).toBe(405);
  });

  it('serves the run page and the operations page without auth, unlogged', async () => {
    const run = await call('POST', '/projects/1/test-runs/record', automated());
    const origin = new URL(sim.baseUrl).origin;
    const page = await fetch(`${origin}/1/TestRun/${run.json.TestRunId}.aspx`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`TR:${run.json.TestRunId}`);
    expect(html).toContain('failed (1)');
    expect((await fetch(`${origin}/1/TestRun/999.aspx`)).status).toBe(404);
    const ops = await fetch(`${origin}/Services/v7_0/RestService.aspx`);
    expect(ops.status).toBe(200);
    expect(await ops.text()).toContain('recordMultiple');
    const log = (await call('GET', '/__sim/requests', undefined, { auth: false })).json;
    expect(log.map((r: { route: string }) => r.route)).toEqual(['record']);
  });
});

describe('auth', () => {
  it('accepts username and api-key as headers or as query parameters, braces included', async () => {
    expect((await call('GET', '/projects')).status).toBe(200);
    const query = `?username=${USER}&api-key=${encodeURIComponent(KEY)}`;
    expect((await call('GET', `/projects${query}`, undefined, { auth: false })).status).toBe(200);
  });

  it.each([
    ['no credentials', { auth: false }],
    ['a wrong user', { headers: { username: 'someone' } }],
    ['a wrong key', { headers: { 'api-key': '{00000000-0000-0000-0000-000000000000}' } }],
    ['the key without braces', { headers: { 'api-key': KEY.slice(1, -1) } }],
  ])('answers 401 Access Denied for %s', async (_name, options) => {
    const answer = await call('POST', '/projects/1/test-runs/record', automated(), options);
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ Message: 'Access Denied' });
    expect((await kept()).runs).toHaveLength(0);
  });

  it('masks the api-key header and query parameter in the request log', async () => {
    await call('POST', '/projects/1/test-runs/record', automated());
    await call('GET', `/projects?username=${USER}&api-key=${encodeURIComponent(KEY)}`, undefined, {
      auth: false,
    });
    const log = (await call('GET', '/__sim/requests', undefined, { auth: false })).json;
    expect(log[0].headers['api-key']).toBe('***');
    expect(log[0].headers.username).toBe(USER);
    expect(log[0].authorized).toBe(true);
    expect(log[1].query['api-key']).toBe('***');
    expect(JSON.stringify(log)).not.toContain(KEY.slice(1, 9));
  });
});

describe('automated runs: record and record-multiple', () => {
  it('records one run and answers it with a bare integer TestRunId', async () => {
    const answer = await call('POST', '/projects/1/test-runs/record', automated());
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      TestRunId: 1,
      ProjectId: 1,
      ArtifactTypeId: 5,
      TesterId: 1,
      TestRunTypeId: 2,
      TestCaseId: 1,
      ExecutionStatusId: 1,
      RunnerName: 'TestRelay',
      StartDate: '2024-05-14T14:00:00.000Z',
      EndDate: '2024-05-14T14:00:05.000Z',
    });
    expect(answer.json.ConcurrencyDate).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    const got = await call('GET', '/projects/1/test-runs/1');
    expect(got.json).toMatchObject({ TestRunId: 1, RunnerMessage: 'Expected receipt page' });
    expect((await call('GET', '/projects/1/test-runs/1/automated')).status).toBe(200);
    expect((await call('GET', '/projects/1/test-runs/1/manual')).status).toBe(404);
    expect((await call('GET', '/projects/1/test-runs/77')).status).toBe(404);
  });

  it('records an array with record-multiple and answers an array', async () => {
    const answer = await call('POST', '/projects/1/test-runs/record-multiple', [
      automated({ TestCaseId: 1, ExecutionStatusId: 2, RunnerTestName: 'a' }),
      automated({ TestCaseId: 2, ExecutionStatusId: 5, RunnerTestName: 'b' }),
      automated({ TestCaseId: 3, ExecutionStatusId: 3, RunnerTestName: 'c' }),
    ]);
    expect(answer.status).toBe(200);
    expect(answer.json.map((r: { TestRunId: number }) => r.TestRunId)).toEqual([1, 2, 3]);
    const data = await kept();
    expect(data.counts).toMatchObject({ runs: 3, automated: 3, byStatus: { 2: 1, 5: 1, 3: 1 } });
    expect(data.runs.map((r: { via: string }) => r.via)).toEqual([
      'record-multiple',
      'record-multiple',
      'record-multiple',
    ]);
  });

  it('rejects an array sent to record, and an object sent to record-multiple', async () => {
    const array = await call('POST', '/projects/1/test-runs/record', [automated()]);
    expect(array.status).toBe(400);
    expect(array.json.Message).toMatch(/^Cannot deserialize the current JSON array/);
    const object = await call('POST', '/projects/1/test-runs/record-multiple', automated());
    expect(object.status).toBe(400);
    expect((await kept()).runs).toHaveLength(0);
  });

  it('answers record-multiple like an older server when the knob is off', async () => {
    await scenario({ spiraRecordMultiple: false });
    const answer = await call('POST', '/projects/1/test-runs/record-multiple', [automated()]);
    expect(answer.status).toBe(404);
    expect(answer.text).toContain('Endpoint not found.');
    expect((await call('POST', '/projects/1/test-runs/record', automated())).status).toBe(200);
  });

  it('rejects unknown ids (404), bad statuses (foreign key) and missing runner fields', async () => {
    const cases: Array<[Record<string, unknown>, number, RegExp]> = [
      [{ TestCaseId: 999 }, 404, /test case/],
      [{ ReleaseId: 999 }, 404, /release/],
      [{ TestSetId: 999 }, 404, /test set/],
      [{ BuildId: 999 }, 404, /build/],
      [{ ExecutionStatusId: 7 }, 400, /^Database foreign key violation occurred$/],
      [{ TestCaseId: 'TC:1' }, 400, /Could not convert string to integer: TC:1/],
      [{ RunnerName: undefined }, 400, /RunnerName/],
      [{ StartDate: 'yesterday' }, 400, /DateTime/],
    ];
    for (const [override, status, message] of cases) {
      const answer = await call('POST', '/projects/1/test-runs/record', automated(override));
      expect([answer.status, answer.json.Message]).toEqual([
        status,
        expect.stringMatching(message),
      ]);
    }
    const steps = await call(
      'POST',
      '/projects/1/test-runs/record',
      automated({ TestRunSteps: [{ TestStepId: 101, ExecutionStatusId: 0 }] }),
    );
    expect(steps.json.Message).toBe('Database foreign key violation occurred');
    expect((await call('POST', '/projects/5/test-runs/record', automated())).status).toBe(404);
    expect((await kept()).runs).toHaveLength(0);
  });

  it('keeps steps without changing the run status, and legacy WCF dates', async () => {
    const answer = await call(
      'POST',
      '/projects/1/test-runs/record',
      automated({
        ExecutionStatusId: 2,
        StartDate: '/Date(1715695200000-0000)/',
        EndDate: '/Date(1715695203500-0000)/',
        TestRunSteps: [{ TestStepId: 101, ExecutionStatusId: 1, ActualResult: 'boom' }],
      }),
    );
    expect(answer.json.ExecutionStatusId).toBe(2);
    expect(answer.json.TestRunSteps[0]).toMatchObject({
      ExecutionStatusId: 1,
      ActualResult: 'boom',
    });
    const [run] = (await kept()).runs;
    expect(run).toMatchObject({ StartDate: '2024-05-14T14:00:00.000Z', durationMs: 3500 });
  });

  it('keeps duplicates and marks them, so a test can prove a result was sent once', async () => {
    await call('POST', '/projects/1/test-runs/record', automated());
    await call('POST', '/projects/1/test-runs/record-multiple', [automated()]);
    await call('POST', '/projects/1/test-runs/record', automated({ TestCaseId: 2 }));
    const data = await kept();
    expect(data.runs.map((r: { duplicateOf: number | null }) => r.duplicateOf)).toEqual([
      null,
      1,
      null,
    ]);
    expect(data.counts.duplicates).toBe(1);
  });

  it('keeps custom properties from record and drops them on record-multiple', async () => {
    const props = [{ PropertyNumber: 1, StringValue: 'ci' }];
    await call('POST', '/projects/1/test-runs/record', automated({ CustomProperties: props }));
    await call('POST', '/projects/1/test-runs/record-multiple', [
      automated({ TestCaseId: 2, CustomProperties: props }),
    ]);
    const runs = (await kept()).runs;
    expect(runs[0].CustomProperties).toEqual(props);
    expect(runs[1].CustomProperties).toBeNull();
  });
});

describe('builds', () => {
  it('creates a build and links runs to it', async () => {
    const build = await call('POST', '/projects/1/releases/1/builds', {
      ProjectId: 1,
      ReleaseId: 1,
      BuildStatusId: 1,
      Name: 'CI #42',
      Description: 'https://ci.example/run/42',
    });
    expect(build.status).toBe(200);
    expect(build.json).toMatchObject({ BuildId: 1, ReleaseId: 1, BuildStatusId: 1 });
    expect((await call('GET', '/projects/1/releases/1/builds/1')).json.Name).toBe('CI #42');
    expect((await call('GET', '/projects/1/releases/1/builds/2')).status).toBe(404);
    const run = await call('POST', '/projects/1/test-runs/record', automated({ BuildId: 1 }));
    expect(run.json.BuildId).toBe(1);
    expect((await kept()).builds).toHaveLength(1);
  });

  it('fails without ReleaseId in the body, with an unknown release and a bad status', async () => {
    const missing = await call('POST', '/projects/1/releases/1/builds', {
      BuildStatusId: 2,
      Name: 'x',
    });
    expect(missing.status).toBe(404);
    expect(missing.json.Message).toBe('associated release/sprint RL0 does not exist');
    expect((await call('POST', '/projects/1/releases/999/builds', { ReleaseId: 999 })).status).toBe(
      404,
    );
    const status = await call('POST', '/projects/1/releases/1/builds', {
      ReleaseId: 1,
      BuildStatusId: 9,
      Name: 'x',
    });
    expect(status.json.Message).toBe('Database foreign key violation occurred');
    expect((await kept()).builds).toHaveLength(0);
  });
});

describe('manual runs (KB684, seed 004)', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async function shellsFor(ids: number[], release = 155): Promise<any[]> {
    const answer = await call('POST', `/projects/24/test-runs/create?release_id=${release}`, ids);
    expect(answer.status).toBe(200);
    return answer.json;
  }

  it('creates shells with TestRunId 0 and every step Not Run', async () => {
    const shells = await shellsFor([290, 283, 304]);
    expect(shells.map((s) => s.TestCaseId)).toEqual([290, 283, 304]);
    for (const shell of shells) {
      expect(shell).toMatchObject({
        TestRunId: 0,
        TestRunTypeId: 1,
        ReleaseId: 155,
        ProjectId: 24,
      });
      expect(shell.ArtifactTypeId).toBe(5);
      expect(
        shell.TestRunSteps.every((s: { ExecutionStatusId: number }) => s.ExecutionStatusId === 3),
      ).toBe(true);
      expect(
        shell.TestRunSteps.every((s: { TestRunStepId: number }) => s.TestRunStepId === 0),
      ).toBe(true);
    }
    expect(new Set(shells.map((s) => s.ConcurrencyDate)).size).toBe(3);
    const unknown = await call('POST', '/projects/24/test-runs/create?release_id=155', [290, 999]);
    expect(unknown.status).toBe(404);
    expect((await call('POST', '/projects/24/test-runs/create?release_id=9', [290])).status).toBe(
      404,
    );
    expect((await kept()).shellsIssued).toBe(3);
  });

  it('creates shells for a test set', async () => {
    const answer = await call('POST', '/projects/1/test-runs/create/test_set/2');
    expect(answer.status).toBe(200);
    expect(answer.json).toHaveLength(8);
    expect(answer.json[0]).toMatchObject({ TestSetId: 2, ReleaseId: 1, TestRunId: 0 });
    expect((await call('POST', '/projects/1/test-runs/create/test_set/99')).status).toBe(404);
  });

  it('saves populated shells: 200 with an empty body, status computed from the steps', async () => {
    const shells = await shellsFor([290, 283, 304]);
    const statuses = [
      [2, 2],
      [2, 1],
      [5, 4],
    ];
    shells.forEach((shell, index) => {
      shell.TestRunSteps.forEach((step: Record<string, unknown>, position: number) => {
        step.ExecutionStatusId = statuses[index][position];
        step.ActualResult = `result ${index}.${position}`;
      });
      delete shell.ExecutionStatusId;
      shell.EndDate = new Date(Date.parse(shell.StartDate) + 60_000).toISOString();
    });
    const put = await call('PUT', '/projects/24/test-runs?end_date=2024-05-14T15:00:00Z', shells);
    expect(put.status).toBe(200);
    expect(put.text).toBe('');
    const data = await kept();
    expect(data.runs.map((r: { ExecutionStatusId: number }) => r.ExecutionStatusId)).toEqual([
      2, 1, 5,
    ]);
    expect(data.runs[0]).toMatchObject({
      TestRunTypeId: 1,
      via: 'manual',
      durationMs: 60_000,
      sentRunStatus: null,
      TestCaseId: 290,
    });
    expect(data.runs[1].TestRunSteps[1]).toMatchObject({
      ActualResult: 'result 1.1',
      TestRunId: 2,
    });
    expect(data.runs[1].TestRunSteps[1].TestRunStepId).toBeGreaterThan(0);
    const list = await call(
      'GET',
      '/projects/24/test-runs?starting_row=1&number_of_rows=50&sort_field=TestRunId&sort_direction=DESC',
    );
    expect(list.json.map((r: { TestRunId: number }) => r.TestRunId)).toEqual([3, 2, 1]);
    expect((await call('GET', '/projects/24/test-runs/2/manual')).json.ExecutionStatusId).toBe(1);
  });

  it('rejects all-Not-Run and Not-Run/Passed/N/A mixes, and statuses outside 1-6', async () => {
    const [shell] = await shellsFor([290]);
    const put = (steps: number[]): Promise<Answer> => {
      const body = structuredClone(shell);
      body.TestRunSteps.forEach((step: Record<string, unknown>, i: number) => {
        step.ExecutionStatusId = steps[i];
      });
      body.EndDate = '2024-05-14T15:00:00Z';
      return call('PUT', '/projects/24/test-runs', [body]);
    };
    for (const steps of [
      [3, 3],
      [3, 2],
      [4, 3],
    ]) {
      const answer = await put(steps);
      expect(answer.status).toBe(400);
      expect(answer.json.Message).toMatch(/Not Run/);
    }
    const bad = await put([2, 9]);
    expect(bad.json.Message).toBe('Database foreign key violation occurred');
    expect((await put([2, 4])).status).toBe(200);
    expect((await kept()).runs).toHaveLength(1);
  });

  it('rejects a stale ConcurrencyDate on new and existing runs, and bumps it on writes', async () => {
    const [shell] = await shellsFor([290]);
    shell.TestRunSteps.forEach((step: Record<string, unknown>) => (step.ExecutionStatusId = 2));
    shell.EndDate = '2024-05-14T15:00:00Z';
    const stale = await call('PUT', '/projects/24/test-runs', [
      { ...shell, ConcurrencyDate: '2022-10-14T15:07:47.932Z' },
    ]);
    expect(stale.status).toBe(409);
    expect(stale.json.Message).toMatch(/ConcurrencyDate/);
    expect((await call('PUT', '/projects/24/test-runs', [shell])).status).toBe(200);

    // Updating the stored run needs its current ConcurrencyDate, which every write bumps.
    const run = (await call('GET', '/projects/24/test-runs/1')).json;
    run.TestRunSteps[0].ExecutionStatusId = 1;
    expect((await call('PUT', '/projects/24/test-runs', [run])).status).toBe(200);
    const after = (await call('GET', '/projects/24/test-runs/1')).json;
    expect(after.ExecutionStatusId).toBe(1);
    expect(after.ConcurrencyDate > run.ConcurrencyDate).toBe(true);
    const again = await call('PUT', '/projects/24/test-runs', [run]);
    expect(again.status).toBe(409);
    expect((await kept()).runs[0].updates).toBe(1);
    expect(
      (await call('PUT', '/projects/24/test-runs', [{ ...after, TestRunId: 50 }])).status,
    ).toBe(404);
  });

  it('runs the KB684 PUT example from seed 004 against the simulator', async () => {
    const published = readFileSync(join(FIXTURES, 'kb684-put-body.json.txt'), 'utf8');
    // Repair the three defects of the published example (see the fixture README).
    const repaired = published
      .replace(/\u00a0/g, ' ')
      .replace(/[“”]/g, '"')
      .replace(/\],(\s*)\}/, ']$1}');
    const example = JSON.parse(repaired) as Array<Record<string, unknown>>;
    expect(example[0]).toMatchObject({ TestCaseId: 290, ReleaseId: 155, ProjectId: 24 });
    // As published: its 2022 ConcurrencyDate was never handed out by this server.
    const stale = await call('PUT', '/projects/24/test-runs', example);
    expect(stale.status).toBe(409);
    // As KB684 says to do it: send back the value the shell carried.
    const [shell] = await shellsFor([290]);
    example[0].ConcurrencyDate = shell.ConcurrencyDate;
    const put = await call('PUT', '/projects/24/test-runs', example);
    expect([put.status, put.text]).toEqual([200, '']);
    const [run] = (await kept()).runs;
    expect(run).toMatchObject({
      Name: 'Sample Test Case',
      TestCaseId: 290,
      ReleaseId: 155,
      ExecutionStatusId: 2,
      EndDate: '2022-10-14T15:08:47.932Z',
      durationMs: 60_000,
    });
    expect(run.TestRunSteps[0]).toMatchObject({ TestStepId: 314, ActualResult: 'Actual result' });
  });

  it('keeps a run without EndDate (end_date query fills it) and what the client sent', async () => {
    const [first, second] = await shellsFor([290, 283]);
    for (const shell of [first, second]) {
      shell.TestRunSteps.forEach((step: Record<string, unknown>) => (step.ExecutionStatusId = 2));
    }
    await call('PUT', '/projects/24/test-runs', [first]);
    await call('PUT', '/projects/24/test-runs?end_date=2030-01-01T00:00:00Z', [second]);
    const runs = (await kept()).runs;
    expect(runs[0].EndDate).toBeNull();
    expect(runs[0].sentRunStatus).toBe(3);
    expect(runs[1].EndDate).toBe('2030-01-01T00:00:00.000Z');
  });
});

describe('list, documents', () => {
  it('answers 406 to a list call without paging and caps rows at 500', async () => {
    const answer = await call('GET', '/projects/1/test-runs');
    expect(answer.status).toBe(406);
    for (let i = 1; i <= 3; i += 1) {
      await call('POST', '/projects/1/test-runs/record', automated({ TestCaseId: i }));
    }
    const page = await call('GET', '/projects/1/test-runs?starting_row=2&number_of_rows=1');
    expect(page.json.map((r: { TestCaseId: number }) => r.TestCaseId)).toEqual([2]);
    const other = await call('GET', '/projects/24/test-runs?starting_row=1&number_of_rows=9999');
    expect(other.json).toEqual([]);
  });

  it('attaches a file and a URL to a test run', async () => {
    await call('POST', '/projects/1/test-runs/record', automated());
    const file = await call('POST', '/projects/1/documents/file', {
      ProjectId: 1,
      AttachmentTypeId: 1,
      FilenameOrUrl: 'shot.png',
      BinaryData: Buffer.from('png bytes').toString('base64'),
      AttachedArtifacts: [{ ArtifactId: 1, ArtifactTypeId: 5 }],
    });
    expect(file.status).toBe(200);
    expect(file.json).toMatchObject({ AttachmentId: 1, Size: 9 });
    const url = await call('POST', '/projects/1/documents/url', {
      AttachmentTypeId: 2,
      FilenameOrUrl: 'https://ci.example/run/42',
      AttachedArtifacts: [{ ArtifactId: 1, ArtifactTypeId: 5 }],
    });
    expect(url.json.AttachmentTypeId).toBe(2);
    const missing = await call('POST', '/projects/1/documents/url', {
      FilenameOrUrl: 'https://x',
      AttachedArtifacts: [{ ArtifactId: 99, ArtifactTypeId: 5 }],
    });
    expect(missing.status).toBe(404);
    expect((await kept()).documents).toHaveLength(2);
  });
});

describe('concurrent writes', () => {
  /** Sends `count` records with at most `limit` in flight; returns the statuses. */
  async function pool(count: number, limit: number): Promise<number[]> {
    const statuses: number[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < count) {
        next += 1;
        const answer = await call(
          'POST',
          '/projects/1/test-runs/record',
          automated({ TestCaseId: (next % 5) + 1, RunnerTestName: `t${next}` }),
        );
        statuses.push(answer.status);
      }
    };
    await Promise.all(Array.from({ length: limit }, worker));
    return statuses;
  }

  it('records the peak; a client with 3 in flight never exceeds 3', async () => {
    await scenario({ latencyMs: 60 });
    const statuses = await pool(12, 3);
    expect(statuses.every((status) => status === 200)).toBe(true);
    const data = await kept();
    expect(data.concurrency.peak).toBeLessThanOrEqual(3);
    expect(data.concurrency.peak).toBeGreaterThanOrEqual(2);
    expect(data.concurrency).toMatchObject({ limit: 5, deadlocks: 0, writes: 12 });
    expect(data.counts.runs).toBe(12);
  });

  it('answers the deadlock 500 over the limit and keeps the peak', async () => {
    await scenario({ latencyMs: 250, spiraWriteLimit: 3 });
    const statuses = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        call('POST', '/projects/1/test-runs/record', automated({ RunnerTestName: `p${i}` })).then(
          (answer) => {
            if (answer.status === 500) expect(answer.json.Message).toMatch(/deadlock victim/);
            return answer.status;
          },
        ),
      ),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 500)).toHaveLength(5);
    const data = await kept();
    expect(data.concurrency).toMatchObject({ peak: 8, deadlocks: 5, limit: 3 });
    expect(data.concurrency.peakByProject).toEqual({ 1: 8 });
    expect(data.counts.runs).toBe(3);
  });

  it('lets writes over the limit through when the deadlock probability is 0', async () => {
    await scenario({ latencyMs: 150, spiraWriteLimit: 1, spiraDeadlockProbability: 0 });
    const statuses = await Promise.all(
      [1, 2, 3].map((i) =>
        call('POST', '/projects/1/test-runs/record', automated({ TestCaseId: i })),
      ),
    );
    expect(statuses.map((a) => a.status)).toEqual([200, 200, 200]);
    expect((await kept()).concurrency.peak).toBe(3);
  });
});

describe('faults, knobs and reset', () => {
  it('answers 429 with Retry-After on the N-th record by injection', async () => {
    await scenario({ faultsAt: 'record#2:429' });
    expect((await call('POST', '/projects/1/test-runs/record', automated())).status).toBe(200);
    const second = await call('POST', '/projects/1/test-runs/record', automated({ TestCaseId: 2 }));
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('1');
    expect((await kept()).runs).toHaveLength(1);
  });

  it('uses seeded ids from knobs and validates them', async () => {
    await scenario({ spiraProjectIds: [7], spiraTestCaseIds: ['42'], spiraStepsPerTestCase: 1 });
    expect(
      (await call('POST', '/projects/7/test-runs/record', automated({ TestCaseId: 42 }))).status,
    ).toBe(200);
    expect(
      (await call('POST', '/projects/7/test-runs/record', automated({ TestCaseId: 1 }))).status,
    ).toBe(404);
    const bad = await call(
      'PUT',
      '/__sim/scenario',
      { spiraTestCaseIds: ['TC:1'] },
      { auth: false },
    );
    expect(bad.status).toBe(400);
    expect(bad.json.error).toContain('bare integer ids');
  });

  it('lists its knobs and the kept-data endpoint in --help', () => {
    const help = simulateUsage();
    expect(help).toContain('Scenario, Spira only:');
    for (const flag of [
      '--spira-write-limit',
      '--[no-]spira-record-multiple',
      '--spira-test-case-ids',
    ]) {
      expect(help).toContain(flag);
    }
    expect(help).toContain('GET <baseUrl>/__spira/runs');
  });

  it('serves the kept data at <baseUrl>/__sim/runs and /__sim/runs too', async () => {
    await call('POST', '/projects/1/test-runs/record', automated());
    const origin = new URL(sim.baseUrl).origin;
    for (const url of [`${sim.baseUrl}/__sim/runs`, `${origin}/__sim/runs`]) {
      const answer = await answerOf(await fetch(url));
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual(await kept());
    }
    expect((await call('GET', '/__sim/nothing', undefined, { auth: false })).status).toBe(404);
  });

  it('forgets everything on POST /__sim/reset', async () => {
    await call('POST', '/projects/1/test-runs/record', automated());
    await call('POST', '/__sim/reset', undefined, { auth: false });
    const data = await kept();
    expect(data.counts.runs).toBe(0);
    expect(data.concurrency.peak).toBe(0);
    const again = await call('POST', '/projects/1/test-runs/record', automated());
    expect(again.json.TestRunId).toBe(1);
  });

  it('accepts any braced key and any user when none is configured', async () => {
    const open = await startSimulator({ vendor: 'spira' });
    try {
      const answer = await call('GET', '/projects', undefined, {
        base: open.baseUrl,
        headers: { username: 'anyone', 'api-key': '{whatever}' },
      });
      expect(answer.status).toBe(200);
      const bare = await call('GET', '/projects', undefined, {
        base: open.baseUrl,
        headers: { username: 'anyone', 'api-key': 'whatever' },
      });
      expect(bare.status).toBe(401);
    } finally {
      await open.close();
    }
  });
});
