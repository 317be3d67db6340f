// The Testsigma simulator, in-process, over real HTTP (global fetch): vendor paths, run state
// machine, JUnit, both API flavours, auth, error bodies, faults, the request log and the
// /__sim control routes (vendor-apis/testsigma.md §3-§7, DESIGN.md "The simulators").

import { startSimulator, type RunningSimulator } from '../../../src/vendors/simulators.js';
import { type Answer, answerOf } from '../../helpers/answer.js';

const KEY = 'sim-test-key-6c1f';
const PLAN = 2090;

let sim: RunningSimulator;
let origin: string;

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
  if (options.auth !== false && !('X-TS-API-KEY' in headers) && !('Authorization' in headers)) {
    headers.Authorization = `Bearer ${KEY}`;
  }
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['Content-Type'] ??= 'application/json';
  const url = path.startsWith('http') ? path : `${sim.baseUrl}${path}`;
  const response = await fetch(url, { method, headers, body });
  return answerOf(response);
}

const scenario = (patch: Record<string, unknown>): Promise<Answer> =>
  call('PUT', '/__sim/scenario', { body: patch, auth: false });
const trigger = (body: Record<string, unknown> = { executionId: PLAN }): Promise<Answer> =>
  call('POST', '/execution_results', { body });
const poll = (id: number): Promise<Answer> => call('GET', `/execution_results/${id}`);
const junit = (id: number): Promise<Answer> =>
  call('GET', `/reports/junit/${id}`, { headers: { Accept: 'application/xml' } });
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const requests = async (): Promise<any[]> =>
  (await call('GET', '/__sim/requests', { auth: false })).json;

/** Triggers a run and polls it to completion (pollsToComplete keeps this fast). */
async function runToCompletion(
  body: Record<string, unknown> = { executionId: PLAN },
): Promise<{ id: number; final: Answer }> {
  const started = await trigger(body);
  expect(started.status).toBe(200);
  const id = started.json.id as number;
  for (let i = 0; i < 20; i += 1) {
    const answer = await poll(id);
    if (answer.json.status === 'STATUS_COMPLETED') return { id, final: answer };
  }
  throw new Error('run did not complete');
}

beforeAll(async () => {
  sim = await startSimulator({
    vendor: 'testsigma',
    apiKey: KEY,
    scenario: { queuedSeconds: 0, pollsToComplete: 3 },
  });
  origin = new URL(sim.baseUrl).origin;
});

afterAll(() => sim.close());

beforeEach(async () => {
  const reset = await call('POST', '/__sim/reset', { auth: false });
  expect(reset.status).toBe(200);
});

describe('start-up', () => {
  it('serves the cloud base URL on 127.0.0.1', () => {
    expect(sim.vendor).toBe('testsigma');
    expect(sim.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
  });

  it('rejects an unknown vendor and an invalid start-up scenario', async () => {
    await expect(startSimulator({ vendor: 'nope' })).rejects.toThrow(/unknown vendor "nope"/);
    await expect(startSimulator({ vendor: 'testsigma', scenario: { tests: -1 } })).rejects.toThrow(
      /tests: expected a non-negative integer/,
    );
  });
});

describe('trigger, poll, complete (cloud)', () => {
  it('answers the trigger with the documented run object on one line', async () => {
    const answer = await trigger({
      executionId: String(PLAN),
      buildNo: '20240529.1',
      environmentId: 10,
      runtimeData: { url: 'https://staging.example.com' },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/application\/json/);
    expect(answer.text).not.toContain('\n');
    expect(Object.keys(answer.json)).toEqual([
      'id',
      'executionId',
      'execution',
      'startTime',
      'endTime',
      'duration',
      'result',
      'status',
      'message',
      'triggeredType',
      'buildNo',
      'totalCount',
      'passedCount',
      'failedCount',
      'abortedCount',
      'stoppedCount',
      'notExecutedCount',
      'queuedCount',
      'childResult',
      'reRunParentId',
    ]);
    expect(answer.json).toMatchObject({
      id: 1001,
      executionId: PLAN,
      execution: null,
      endTime: null,
      duration: null,
      result: 'QUEUED',
      status: 'STATUS_CREATED',
      message: 'Test Plan execution is initiated and waiting to be queued',
      triggeredType: 'API',
      buildNo: '20240529.1',
      totalCount: 0,
      queuedCount: 0,
      childResult: null,
      reRunParentId: null,
    });
    expect(typeof answer.json.startTime).toBe('number');
    // The vendor's bash script greps "id": only one may appear in a trigger answer.
    expect(answer.text.match(/"id"/g)).toHaveLength(1);
    expect((await trigger()).json.id).toBe(1002);
  });

  it('keeps the digits of an unquoted buildNo (as the vendor bash script sends it)', async () => {
    const answer = await call('POST', '/execution_results', {
      rawBody: `{"executionId":${PLAN},"runtimeData":{"url":"x"},"buildNo":202405291200}`,
    });
    expect(answer.status).toBe(200);
    expect(answer.json.buildNo).toBe('202405291200');
  });

  it('moves CREATED → IN_PROGRESS (counts grow) → COMPLETED/SUCCESS', async () => {
    await scenario({ queuedSeconds: 1, pollsToComplete: 4, tests: 6 });
    const { json: run } = await trigger();
    const first = await poll(run.id);
    expect(first.json).toMatchObject({ status: 'STATUS_CREATED', result: 'QUEUED', totalCount: 0 });
    expect(first.json.execution).toEqual({ id: PLAN, name: 'Nightly regression' });
    const second = await poll(run.id);
    expect(second.json).toMatchObject({
      status: 'STATUS_IN_PROGRESS',
      result: 'QUEUED',
      message: 'Test Plan in Progress',
      totalCount: 6,
      endTime: null,
    });
    const third = await poll(run.id);
    expect(third.json.status).toBe('STATUS_IN_PROGRESS');
    expect(third.json.queuedCount).toBeLessThan(second.json.queuedCount);
    expect(third.json.passedCount).toBeGreaterThan(second.json.passedCount);
    const done = await poll(run.id);
    expect(done.json).toMatchObject({
      status: 'STATUS_COMPLETED',
      result: 'SUCCESS',
      message: 'Test plan execution completed',
      totalCount: 6,
      passedCount: 6,
      failedCount: 0,
      queuedCount: 0,
    });
    expect(done.json.endTime).toBeGreaterThanOrEqual(done.json.startTime);
    expect(done.json.duration).toBe(done.json.endTime - done.json.startTime);
    expect(done.text.match(/"status"/g)).toHaveLength(1);
    expect(done.text.match(/"result"/g)).toHaveLength(1);
  });

  it('completes by time without pollsToComplete', async () => {
    await scenario({ pollsToComplete: null, queuedSeconds: 0, durationSeconds: 0.2 });
    const { json: run } = await trigger();
    expect((await poll(run.id)).json.status).toBe('STATUS_IN_PROGRESS');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await poll(run.id)).json).toMatchObject({
      status: 'STATUS_COMPLETED',
      result: 'SUCCESS',
    });
  });

  it('derives the final result and counts from the outcome mix', async () => {
    await scenario({ tests: 5, failed: 1, errored: 2, skipped: 1 });
    const { id, final } = await runToCompletion();
    expect(final.json).toMatchObject({
      result: 'FAILURE',
      message: 'Test plan execution failed',
      totalCount: 5,
      passedCount: 1,
      failedCount: 1,
      abortedCount: 1,
      notExecutedCount: 1,
      stoppedCount: 1,
      queuedCount: 0,
    });
    const details = await call('GET', `/execution_results/${id}/test_case_results`);
    expect(details.status).toBe(200);
    expect(details.json).toMatchObject({
      executionId: PLAN,
      executionResultId: id,
      result: 'FAILURE',
    });
    expect(details.json.testCases.map((test: { result: string }) => test.result)).toEqual([
      'SUCCESS',
      'FAILURE',
      'ABORTED',
      'NOT_EXECUTED',
      'STOPPED',
    ]);
    expect(Object.keys(details.json.testCases[0])).toEqual([
      'testCaseId',
      'testCaseName',
      'testCaseResultId',
      'result',
      'isDataDrivenCase',
      'iterationResults',
      'testSuiteId',
      'testSuiteName',
      'testSuiteResultId',
      'machineId',
      'machineTitle',
      'machineResultId',
    ]);
  });

  it.each([
    [{ tests: 3, errored: 1 }, 'ABORTED', 'Test plan execution failed'],
    [{ tests: 0 }, 'NOT_EXECUTED', 'Test plan execution failed'],
    [{ tests: 3, result: 'STOPPED' }, 'STOPPED', 'Test Plan Execution Was Stopped'],
    [{ tests: 3, failed: 1, result: 'ABORTED' }, 'ABORTED', 'Test plan execution failed'],
  ])('final result for %j is %s', async (patch, result, message) => {
    await scenario(patch);
    const { final } = await runToCompletion();
    expect(final.json).toMatchObject({ result, message, status: 'STATUS_COMPLETED' });
  });

  it('uses injected test names, else deterministic realistic ones', async () => {
    await scenario({ testNames: ['Login works', 'Checkout'] });
    const { id } = await runToCompletion();
    const details = await call('GET', `/execution_results/${id}/test_case_results`);
    expect(
      details.json.testCases.map((test: { testCaseName: string }) => test.testCaseName),
    ).toEqual(['Login works', 'Checkout']);
    await scenario({ tests: 3 });
    const again = await runToCompletion();
    const generated = await call('GET', `/execution_results/${again.id}/test_case_results`);
    expect(
      generated.json.testCases.map((test: { testCaseName: string }) => test.testCaseName),
    ).toEqual(['Login works', 'Checkout', 'Logout clears the session']);
  });

  it('reports data-driven iterations when asked', async () => {
    await scenario({ tests: 2, failed: 1, iterations: 3 });
    const { id } = await runToCompletion();
    const details = await call('GET', `/execution_results/${id}/test_case_results`);
    const failing = details.json.testCases[1];
    expect(failing.isDataDrivenCase).toBe(true);
    expect(failing.iterationResults.map((item: { result: string }) => item.result)).toEqual([
      'SUCCESS',
      'SUCCESS',
      'FAILURE',
    ]);
    expect(failing.iterationResults[0].setName).toBe('Data set 1');
  });
});

describe('JUnit report', () => {
  it('answers 200 plain text until the run is complete', async () => {
    const { json: run } = await trigger();
    const early = await junit(run.id);
    expect(early.status).toBe(200);
    expect(early.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(early.text).toBe('Report generation failed, Test plan run is not completed');
  });

  it('writes the documented shape after completion', async () => {
    await scenario({
      tests: 4,
      failed: 1,
      skipped: 1,
      machines: 2,
      testNames: ['Login <works> & "quotes"', 'Pay by card', 'Search', 'Logout'],
      planName: 'Checkout plan',
    });
    const { id } = await runToCompletion();
    const report = await junit(id);
    expect(report.status).toBe(200);
    expect(report.headers.get('content-type')).toMatch(/^application\/xml/);
    const xml = report.text;
    expect(
      xml.startsWith('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<testsuites>'),
    ).toBe(true);
    const suites = [
      ...xml.matchAll(
        /<testsuite name="([^"]+)" timestamp="([^"]+)" tests="(\d+)" failures="(\d+)" errors="(\d+)" time="([^"]+)">/g,
      ),
    ];
    expect(suites.map((suite) => suite[1])).toEqual([
      'Checkout plan || Chrome on Windows 11',
      'Checkout plan || Firefox on macOS Sonoma',
    ]);
    for (const suite of suites) {
      expect(suite[2]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{1,3}$/);
      expect(suite[4]).toBe(suite[5]); // failures == errors, as the vendor writes them
      expect(suite[6]).toMatch(/^\d{2,}\.\d{3}$/);
    }
    expect(suites.map((suite) => [suite[3], suite[4]])).toEqual([
      ['2', '0'],
      ['2', '2'],
    ]);
    expect(xml).toContain(
      `<property name="Testsigma reports URL" value="${origin}/ui/td/runs/${id}"/>`,
    );
    expect(xml).toContain('name="Login &lt;works&gt; &amp; &quot;quotes&quot;"');
    expect(xml).toMatch(
      /<testcase name="Pay by card" classname="Smoke suite" time="\d{2,}\.\d{3}"\/>/,
    );
    expect(xml).toMatch(/<failure>Test failed with message:"[^<]+"\.please visit below URL/);
    expect(xml).not.toContain('<skipped');
    expect(xml).not.toMatch(/<failure [a-z]/);
    expect(xml).toContain(
      `<system-out>For More info on results, visit ${origin}/ui/td/runs/${id}</system-out>`,
    );
    // A skipped (STOPPED) test never ran: its null duration is written as 00.000.
    expect(xml).toMatch(/<testcase name="Logout" classname="Smoke suite" time="00\.000">/);
  });

  it('keeps answering "not completed" during junitLagSeconds', async () => {
    await scenario({ junitLagSeconds: 60 });
    const { id } = await runToCompletion();
    expect((await junit(id)).text).toBe('Report generation failed, Test plan run is not completed');
  });

  it('serves a run page at the run URL', async () => {
    const { id } = await runToCompletion();
    const response = await fetch(`${origin}/ui/td/runs/${id}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    const html = await response.text();
    expect(html).toContain('STATUS_COMPLETED');
    expect(html).toContain('SUCCESS');
    expect((await fetch(`${origin}/ui/td/runs/424242`)).status).toBe(404);
  });
});

describe('variants', () => {
  it('docs-spelling: PASSED / FAILED', async () => {
    await scenario({ variant: 'docs-spelling' });
    expect((await runToCompletion()).final.json.result).toBe('PASSED');
    await scenario({ failed: 1 });
    expect((await runToCompletion()).final.json.result).toBe('FAILED');
  });

  it('null-counts: null until known, numbers once complete', async () => {
    await scenario({ variant: 'null-counts', tests: 2 });
    const started = await trigger();
    expect(started.json.totalCount).toBeNull();
    expect(started.json.failedCount).toBeNull();
    const { json } = await poll(started.json.id);
    expect(json.failedCount).toBeNull();
    await poll(started.json.id);
    const done = await poll(started.json.id);
    expect(done.json).toMatchObject({ status: 'STATUS_COMPLETED', totalCount: 2, failedCount: 0 });
  });

  it('unknown-status: an unknown status appears mid-run', async () => {
    await scenario({ variant: 'unknown-status', pollsToComplete: 3 });
    const { json: run } = await trigger();
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await poll(run.id)).json.status);
    expect(statuses).toEqual([
      'STATUS_IN_PROGRESS',
      'STATUS_WAITING_FOR_DEVICE',
      'STATUS_COMPLETED',
    ]);
  });

  it('queued-phases: STATUS_QUEUED and STATUS_PRE_FLIGHT before IN_PROGRESS', async () => {
    await scenario({ variant: 'queued-phases', queuedSeconds: 1, pollsToComplete: 5 });
    const { json: run } = await trigger();
    const statuses = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await poll(run.id)).json.status);
    expect(statuses).toEqual([
      'STATUS_CREATED',
      'STATUS_QUEUED',
      'STATUS_PRE_FLIGHT',
      'STATUS_IN_PROGRESS',
      'STATUS_COMPLETED',
    ]);
  });

  it('control-chars: raw control characters in failure messages', async () => {
    await scenario({ variant: 'control-chars', tests: 2, failed: 1 });
    const { id } = await runToCompletion();
    expect((await junit(id)).text).toContain('\u0007');
    const list = await call('GET', `/test_case_results?executionResultId=${id}&page=0&size=200`);
    expect(list.status).toBe(200);
    expect(list.json).toBeUndefined(); // not strict JSON any more
    // eslint-disable-next-line no-control-regex
    const cleaned = JSON.parse(list.text.replace(/[\u0000-\u001f]/g, ''));
    expect(cleaned.totalElements).toBe(2);
    expect(cleaned.content[1]).toMatchObject({ result: 'FAILURE', testPlanResultId: id });
  });

  it('rerun: a child run; consolidated fields lag the first attempt', async () => {
    await scenario({ variant: 'rerun', tests: 3, failed: 1, pollsToComplete: 2 });
    const { json: run } = await trigger();
    const inProgress = await poll(run.id);
    expect(inProgress.json).toMatchObject({
      isReRunEnabled: true,
      consolidatedStatus: 'STATUS_IN_PROGRESS',
      consolidatedResult: 'QUEUED',
    });
    const parentDone = await poll(run.id);
    expect(parentDone.json).toMatchObject({
      status: 'STATUS_COMPLETED',
      result: 'FAILURE',
      consolidatedResult: 'QUEUED',
    });
    expect(parentDone.json.consolidatedStatus).not.toBe('STATUS_COMPLETED');
    expect(parentDone.json.childResult).toMatchObject({ id: run.id + 1, reRunParentId: run.id });
    await poll(run.id);
    const settled = await poll(run.id);
    expect(settled.json).toMatchObject({
      result: 'FAILURE',
      consolidatedStatus: 'STATUS_COMPLETED',
      consolidatedResult: 'SUCCESS',
    });
    const child = await poll(run.id + 1);
    expect(child.json).toMatchObject({ reRunParentId: run.id, result: 'SUCCESS', totalCount: 1 });
  });
});

describe('self-hosted flavour', () => {
  const shHeaders = { 'X-TS-API-KEY': KEY };

  it('serves /test_plan_results in snake_case alongside the cloud paths', async () => {
    const started = await call('POST', '/test_plan_results', {
      body: { testPlanId: 12, buildNo: '7' },
      headers: shHeaders,
    });
    expect(started.status).toBe(200);
    expect(started.json).toMatchObject({
      id: 1001,
      test_plan_id: 12,
      status: 'STATUS_CREATED',
      result: 'QUEUED',
      build_no: '7',
      total_count: 0,
      triggered_type: 'API',
    });
    expect(started.json).not.toHaveProperty('executionId');
    for (let i = 0; i < 3; i += 1)
      await call('GET', '/test_plan_results/1001', { headers: shHeaders });
    const done = await call('GET', '/test_plan_results/1001', { headers: shHeaders });
    expect(done.json).toMatchObject({
      status: 'STATUS_COMPLETED',
      result: 'SUCCESS',
      passed_count: 5,
    });
    expect(typeof done.json.start_time).toBe('number');
    expect(typeof done.json.end_time).toBe('number');
    // The JUnit route follows the flavour the run was triggered with.
    expect((await call('GET', '/reports/junit/1001', { headers: shHeaders })).text).toMatch(
      /^<\?xml/,
    );
    // The cloud paths keep working without the variant.
    expect((await trigger()).status).toBe(200);
  });

  it('with the variant: cloud paths 404, parallel runs rejected with the vendor error body', async () => {
    await scenario({ variant: 'self-hosted' });
    const cloud = await trigger();
    expect(cloud.status).toBe(404);
    const first = await call('POST', '/test_plan_results', {
      body: { testPlanId: 12 },
      headers: shHeaders,
    });
    expect(first.status).toBe(200);
    const second = await call('POST', '/test_plan_results', {
      body: { testPlanId: 12 },
      headers: shHeaders,
    });
    expect(second.status).toBe(500);
    expect(Object.keys(second.json)).toEqual([
      'timeStamp',
      'error',
      'code',
      'fieldErrors',
      'objectErrors',
    ]);
    expect(second.json.error).toMatch(
      /^The specified Test Plan is currently running\. Please wait until the current Test Plan is complete\./,
    );
    const log = await requests();
    expect(log.map((entry) => entry.route)).toEqual(['unknown', 'trigger', 'trigger']);
  });

  it('answers 401 with the bare-string bodies', async () => {
    await scenario({ variant: 'self-hosted' });
    const missing = await call('GET', '/test_plan_results/1', { auth: false });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('content-type')).toMatch(/application\/json/);
    expect(missing.text).toBe('No API Key Found In Request Headers');
    const wrong = await call('GET', '/test_plan_results/1', {
      headers: { 'X-TS-API-KEY': 'nope' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toBe('Incorrect API Key');
    // Bearer is accepted too (the filter's fallback).
    const bearer = await call('GET', '/test_plan_results/1');
    expect(bearer.status).toBe(404);
    await scenario({ apiDisabled: true });
    const disabled = await call('GET', '/test_plan_results/1', { headers: shHeaders });
    expect(disabled.text).toBe('API disabled. Please change the settings to enable API');
  });
});

describe('errors', () => {
  it('401 on the cloud without or with a wrong Bearer key, recorded as unauthorized', async () => {
    const missing = await call('POST', '/execution_results', {
      body: { executionId: PLAN },
      auth: false,
    });
    expect(missing.status).toBe(401);
    expect(typeof missing.json.error).toBe('string');
    const wrong = await call('GET', '/execution_results/1001', {
      headers: { Authorization: 'Bearer nope' },
    });
    expect(wrong.status).toBe(401);
    // The cloud takes Bearer only.
    const header = await call('GET', '/execution_results/1001', {
      headers: { 'X-TS-API-KEY': KEY },
    });
    expect(header.status).toBe(401);
    const log = await requests();
    expect(log.map((entry) => [entry.authorized, entry.status])).toEqual([
      [false, 401],
      [false, 401],
      [false, 401],
    ]);
    // Nothing was created by the unauthorized trigger.
    expect((await trigger()).json.id).toBe(1001);
  });

  it('accepts any non-empty key when no key is configured', async () => {
    const open = await startSimulator({ vendor: 'testsigma' });
    try {
      const response = await fetch(`${open.baseUrl}/execution_results`, {
        method: 'POST',
        headers: { Authorization: 'Bearer anything', 'Content-Type': 'application/json' },
        body: JSON.stringify({ executionId: 1 }),
      });
      expect(response.status).toBe(200);
      const empty = await fetch(`${open.baseUrl}/execution_results/1001`, {
        headers: { Authorization: 'Bearer ' },
      });
      expect(empty.status).toBe(401);
    } finally {
      await open.close();
    }
  });

  it('404 for an unknown run id, 400 for a non-numeric one, 404 for unknown paths', async () => {
    const unknown = await poll(999999);
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toBe('Resource not found for id: 999999');
    expect((await call('GET', '/execution_results/abc')).status).toBe(400);
    expect((await junit(999999)).status).toBe(404);
    const path = await call('GET', '/nothing_here');
    expect(path.status).toBe(404);
    expect(path.json.error).toBe('No handler found for GET /api/v1/nothing_here');
    expect((await call('DELETE', '/execution_results/1001')).status).toBe(405);
  });

  it('400 for a malformed JSON body (and no run is created)', async () => {
    const bad = await call('POST', '/execution_results', { rawBody: '{"executionId": 20' });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/^JSON parse error/);
    expect((await call('POST', '/execution_results', { rawBody: '' })).status).toBe(400);
    expect(
      (await call('POST', '/execution_results', { body: { executionId: 'abc' } })).status,
    ).toBe(400);
    expect((await trigger()).json.id).toBe(1001);
  });

  it('500 for a missing executionId', async () => {
    const answer = await trigger({ buildNo: '1' });
    expect(answer.status).toBe(500);
    expect(Object.keys(answer.json)).toEqual([
      'timeStamp',
      'error',
      'code',
      'fieldErrors',
      'objectErrors',
    ]);
  });

  it('cloud allows parallel runs of a plan unless rejectParallel is set', async () => {
    expect((await trigger()).status).toBe(200);
    expect((await trigger()).status).toBe(200);
    await scenario({ rejectParallel: true });
    const rejected = await trigger();
    expect(rejected.status).toBe(500);
    expect(rejected.json.error).toMatch(/currently running/);
    // Another plan is not affected.
    expect((await trigger({ executionId: PLAN + 1 })).status).toBe(200);
  });

  it('triggerFailsAfterCreate: 500, yet a COMPLETED/STOPPED run exists', async () => {
    await scenario({ triggerFailsAfterCreate: true });
    const answer = await trigger();
    expect(answer.status).toBe(500);
    expect(answer.json.error).toBe('Agent is out of Sync. Please restart Agent');
    const run = await poll(1001);
    expect(run.json).toMatchObject({
      status: 'STATUS_COMPLETED',
      result: 'STOPPED',
      message: 'Agent is out of Sync. Please restart Agent',
    });
  });

  it('404 on trigger for a plan id listed in missingPlanIds', async () => {
    await scenario({ missingPlanIds: [PLAN] });
    const answer = await trigger();
    expect(answer.status).toBe(404);
    expect(answer.json.error).toBe(`Resource not found for id: ${PLAN}`);
  });

  it('415 for a non-JSON content type', async () => {
    const answer = await call('POST', '/execution_results', {
      rawBody: 'executionId=1',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(answer.status).toBe(415);
  });
});

describe('stop', () => {
  it('stops a running run: STOPPED with stale counts, then corrected counts', async () => {
    await scenario({ tests: 10, pollsToComplete: 5 });
    const { json: run } = await trigger();
    await poll(run.id);
    const during = await poll(run.id);
    expect(during.json.status).toBe('STATUS_IN_PROGRESS');
    const stopped = await call('PUT', `/execution_results/${run.id}`, {
      body: { result: 'STOPPED' },
    });
    expect(stopped.status).toBe(200);
    expect(stopped.json).toMatchObject({
      status: 'STATUS_COMPLETED',
      result: 'STOPPED',
      message: 'User stopped the Test Plan',
      // stale: as before the stop
      stoppedCount: during.json.stoppedCount,
      queuedCount: during.json.queuedCount,
    });
    expect(stopped.json.queuedCount).toBeGreaterThan(0);
    const after = await poll(run.id);
    expect(after.json).toMatchObject({
      status: 'STATUS_COMPLETED',
      result: 'STOPPED',
      queuedCount: 0,
    });
    expect(after.json.stoppedCount).toBe(during.json.queuedCount);
    // The report is available and lists the cut tests as failures.
    expect((await junit(run.id)).text).toContain('User stopped the Test Plan');
    const log = await requests();
    expect(log.filter((entry) => entry.route === 'stop')).toHaveLength(1);
  });

  it('500 "No Queued executions" when nothing is running', async () => {
    const { id } = await runToCompletion();
    const answer = await call('PUT', `/execution_results/${id}`, { body: { result: 'STOPPED' } });
    expect(answer.status).toBe(500);
    expect(answer.json.error).toBe('No Queued executions for test plan - Nightly regression');
    expect(answer.json).toHaveProperty('timeStamp');
  });

  it('stops from the created state and through the documented PUT /execution_results form', async () => {
    await scenario({ queuedSeconds: 5 });
    const { json: first } = await trigger();
    const stopped = await call('PUT', '/execution_results', {
      body: { canStopAll: false, result: 'STOPPED' },
    });
    expect(stopped.status).toBe(200);
    expect(stopped.json).toMatchObject({ id: first.id, result: 'STOPPED', totalCount: 0 });
    const again = await call('PUT', '/execution_results', { body: { result: 'STOPPED' } });
    expect(again.status).toBe(500);
  });

  it('stops on the self-hosted path', async () => {
    const headers = { 'X-TS-API-KEY': KEY };
    await call('POST', '/test_plan_results', { body: { testPlanId: 3 }, headers });
    const stopped = await call('PUT', '/test_plan_results/1001', {
      body: { result: 'STOPPED' },
      headers,
    });
    expect(stopped.json).toMatchObject({ status: 'STATUS_COMPLETED', result: 'STOPPED' });
  });
});

describe('faults', () => {
  it('503:1 on GET only: every poll is 503 with Retry-After, the trigger still works', async () => {
    await scenario({ faults: '503:1', faultMethods: 'GET', seed: 7 });
    const started = await trigger();
    expect(started.status).toBe(200);
    for (let i = 0; i < 3; i += 1) {
      const answer = await poll(started.json.id);
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toBe('1');
    }
    const log = await requests();
    expect(log.map((entry) => [entry.route, entry.status, entry.fault])).toEqual([
      ['trigger', 200, null],
      ['poll', 503, '503'],
      ['poll', 503, '503'],
      ['poll', 503, '503'],
    ]);
    // Faulted polls never reached the vendor: the run has not advanced.
    await scenario({ faults: '' });
    expect((await poll(started.json.id)).json.status).toBe('STATUS_IN_PROGRESS');
  });

  it('is reproducible with a seed', async () => {
    const pattern = async (): Promise<number[]> => {
      await scenario({ faults: '429:0.5', seed: 42 });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i += 1) statuses.push((await poll(999)).status);
      return statuses;
    };
    const first = await pattern();
    expect(first).toContain(429);
    expect(first).toContain(404);
    expect(await pattern()).toEqual(first);
  });

  it('reset before the vendor creates nothing; reset-after does create the run', async () => {
    await scenario({ faults: 'reset:1', faultMethods: 'POST' });
    await expect(trigger()).rejects.toThrow();
    await scenario({ faults: 'reset-after:1' });
    await expect(trigger()).rejects.toThrow();
    await scenario({ faults: '' });
    expect((await trigger()).json.id).toBe(1002);
    const log = await requests();
    expect(
      log.filter((entry) => entry.route === 'trigger').map((entry) => [entry.status, entry.fault]),
    ).toEqual([
      [0, 'reset'],
      [0, 'reset-after'],
      [200, null],
    ]);
  });

  it('malformed: HTTP 200 with a truncated JSON body', async () => {
    await scenario({ faults: 'malformed:1', faultMethods: 'GET' });
    const { json: run } = await trigger();
    const answer = await poll(run.id);
    expect(answer.status).toBe(200);
    expect(answer.json).toBeUndefined();
    expect(answer.text.startsWith('{"id":1001')).toBe(true);
  });

  it('slow: the answer is delayed by slowMs', async () => {
    await scenario({ faults: 'slow:1', slowMs: 250 });
    const started = Date.now();
    const answer = await trigger();
    expect(answer.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
  });

  it('faultsAt: a status on the n-th call of a route', async () => {
    await scenario({ faultsAt: 'poll#2:500' });
    const { json: run } = await trigger();
    expect((await poll(run.id)).status).toBe(200);
    expect((await poll(run.id)).status).toBe(500);
    expect((await poll(run.id)).status).toBe(200);
  });

  it('never faults the control routes', async () => {
    await scenario({ faults: '503:1', faultMethods: 'GET,POST,PUT,DELETE' });
    expect((await call('GET', '/__sim/scenario', { auth: false })).status).toBe(200);
    expect((await call('GET', '/__sim/requests', { auth: false })).status).toBe(200);
  });
});

describe('request log', () => {
  it('records vendor requests with route, auth, status and a masked body', async () => {
    await call('POST', '/execution_results', {
      body: { executionId: PLAN, runtimeData: { apiKey: 'inner-secret', url: 'u' } },
    });
    await call('GET', '/execution_results/1001?fields=all');
    await junit(1001);
    await call('GET', '/__sim/scenario', { auth: false });
    const log = await requests();
    expect(log).toHaveLength(3);
    expect(log.map((entry) => entry.route)).toEqual(['trigger', 'poll', 'junit']);
    const [first, second] = log;
    expect(first).toMatchObject({
      method: 'POST',
      path: '/api/v1/execution_results',
      query: {},
      route: 'trigger',
      authorized: true,
      status: 200,
      fault: null,
      body: { executionId: PLAN, runtimeData: { apiKey: '***', url: 'u' } },
    });
    expect(new Date(first.at).toISOString()).toBe(first.at);
    expect(first.headers.authorization).toBe('Bearer ***');
    expect(second).toMatchObject({ method: 'GET', query: { fields: 'all' }, body: null });
    const text = JSON.stringify(log);
    expect(text).not.toContain(KEY);
    expect(text).not.toContain('inner-secret');

    expect((await call('DELETE', '/__sim/requests', { auth: false })).status).toBe(204);
    expect(await requests()).toEqual([]);
  });

  it('is also reachable at the server root', async () => {
    await trigger();
    const response = await fetch(`${origin}/__sim/requests`);
    expect(((await response.json()) as unknown[]).length).toBe(1);
  });
});

describe('scenario control', () => {
  it('GET returns the full scenario; PUT merges and returns it', async () => {
    const current = await call('GET', '/__sim/scenario', { auth: false });
    expect(current.json).toMatchObject({
      durationSeconds: 10,
      queuedSeconds: 0,
      pollsToComplete: 3,
      tests: 5,
      failed: 0,
      skipped: 0,
      errored: 0,
      faults: '',
      variant: '',
      testNames: [],
      machines: 1,
      result: null,
      junitLagSeconds: 0,
      rejectParallel: null,
    });
    const merged = await scenario({ tests: 8, failed: 2 });
    expect(merged.status).toBe(200);
    expect(merged.json).toMatchObject({ tests: 8, failed: 2, pollsToComplete: 3 });
    expect(
      ((await fetch(`${origin}/__sim/scenario`).then((r) => r.json())) as { tests: number }).tests,
    ).toBe(8);
  });

  it.each([
    [{ nope: 1 }, /unknown scenario key "nope"/],
    [{ tests: 'five' }, /tests: expected a non-negative integer, got "five"/],
    [{ tests: 2, failed: 3 }, /failed \+ skipped \+ errored \(3\) exceeds tests \(2\)/],
    [{ faults: '503:2' }, /faults: probability/],
    [{ faults: 'boom:0.1' }, /faults: unknown fault kind "boom"/],
    [{ variant: 'legacy' }, /variant: unknown flag "legacy"/],
    [{ testNames: [1, 2] }, /testNames: expected a list of strings/],
    [{ result: 'passed' }, /result: expected an upper-case result value/],
    [{ pollsToComplete: 0 }, /pollsToComplete: expected a positive integer or null/],
    [{ faultMethods: 'FETCH' }, /faultMethods: "FETCH" is not an HTTP method/],
  ])('rejects %j with 400', async (patch, message) => {
    const answer = await scenario(patch);
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatch(message);
  });

  it('rejects a body that is not a JSON object', async () => {
    const answer = await call('PUT', '/__sim/scenario', { rawBody: '[1]', auth: false });
    expect(answer.status).toBe(400);
    expect((await call('PUT', '/__sim/scenario', { rawBody: '{', auth: false })).status).toBe(400);
  });

  it('applies to runs triggered after it is set', async () => {
    const { json: before } = await trigger();
    await scenario({ failed: 1 });
    for (let i = 0; i < 3; i += 1) await poll(before.id);
    expect((await poll(before.id)).json.result).toBe('SUCCESS');
    expect((await runToCompletion()).final.json.result).toBe('FAILURE');
  });

  it('per-plan overrides serve several scenarios at once', async () => {
    const override = await call('PUT', '/__sim/scenario/overrides/2091', {
      body: { failed: 1 },
      auth: false,
    });
    expect(override.status).toBe(200);
    expect(override.json.failed).toBe(1);
    expect((await runToCompletion({ executionId: 2091 })).final.json.result).toBe('FAILURE');
    expect((await runToCompletion({ executionId: 2090 })).final.json.result).toBe('SUCCESS');
    expect((await call('GET', '/__sim/scenario/overrides', { auth: false })).json).toEqual({
      2091: { failed: 1 },
    });
    const serverWide = await call('PUT', '/__sim/scenario/overrides/2091', {
      body: { faults: '503:1' },
      auth: false,
    });
    expect(serverWide.status).toBe(400);
    expect((await call('DELETE', '/__sim/scenario/overrides/2091', { auth: false })).status).toBe(
      204,
    );
    expect((await runToCompletion({ executionId: 2091 })).final.json.result).toBe('SUCCESS');
  });

  it('lists the control endpoints and refuses unknown ones', async () => {
    const index = await call('GET', '/__sim', { auth: false });
    expect(index.json).toMatchObject({ vendor: 'testsigma', baseUrl: sim.baseUrl });
    expect(index.json.endpoints.length).toBeGreaterThan(5);
    expect((await call('GET', '/__sim/nothing', { auth: false })).status).toBe(404);
    expect((await call('POST', '/__sim/scenario', { body: {}, auth: false })).status).toBe(405);
  });
});
