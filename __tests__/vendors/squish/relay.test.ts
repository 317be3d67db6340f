// The relay pipeline in-process with the real Squish Test Center client against the simulator,
// on a fake clock: the vendor's quirks (done vs finished, result lag, capability filters,
// ambiguous titles, the Results API and its AutomationToken) without real waiting.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { abortError, type Clock } from '../../../src/core/clock.js';
import { relay } from '../../../src/core/relay/index.js';
import { type RequestRecord, startSimulator } from '../../../src/vendors/simulators.js';
import { INPUTS, MODULES } from '../../../src/vendors/registry.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { RecordingAgent } from '../../helpers/recording-agent.js';
import { SimulatorHandle } from '../../helpers/simulator.js';

const TOKEN = 'squish-relay-token-7c41d2';
const AUTOMATION_TOKEN = 'automation-token-for-tests-1a7f';
const EXEC = '/execution/v1';
let sim: SimulatorHandle;
let dir: string;

beforeAll(async () => {
  sim = new SimulatorHandle(await startSimulator({ vendor: 'squish', apiKey: TOKEN }));
});
afterAll(() => sim.close());
beforeEach(async () => {
  await fetch(`${sim.baseUrl}/__sim/reset`, { method: 'POST' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relay-squish-'));
});

/**
 * Fake time that also passes a little real time: the simulator's result lag runs on the real
 * clock, so a settle read 5 s later (fake) must come some real milliseconds later too.
 */
class ScaledClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(
    private time = Date.now(),
    private readonly scale = 1 / 25,
  ) {}
  now(): number {
    return this.time;
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw abortError(signal);
    this.sleeps.push(ms);
    this.time += ms;
    await new Promise((resolve) => setTimeout(resolve, ms * this.scale));
  }
}

async function runRelay(
  scenario: Record<string, unknown>,
  inputs: Record<string, string> = {},
  clock: Clock = new FakeClock(Date.now()),
) {
  await sim.scenario({ queuedSeconds: 0, pollsToComplete: 2, ...scenario });
  const agent = new RecordingAgent({
    vendor: 'squish',
    baseUrl: sim.baseUrl,
    apiKey: TOKEN,
    planId: '64',
    automationToken: AUTOMATION_TOKEN,
    junitPath: path.join(dir, 'junit.xml'),
    timeout: '30m',
    pollInterval: 'auto',
    failOnEmpty: 'true',
    failOnTestFailure: 'true',
    summary: 'true',
    maxAnnotations: '10',
    ...inputs,
  });
  const outcome = await relay({ agent, clock, modules: MODULES, inputs: INPUTS });
  const junit = fs.existsSync(path.join(dir, 'junit.xml'))
    ? fs.readFileSync(path.join(dir, 'junit.xml'), 'utf8')
    : '';
  return { agent, outcome, junit };
}

/** The full request log, headers included (secrets masked by the simulator). */
async function log(): Promise<RequestRecord[]> {
  return (await fetch(`${sim.baseUrl}/__sim/requests`)).json() as Promise<RequestRecord[]>;
}

async function routes(route: string) {
  return (await log()).filter((r) => r.route === route);
}

/** Starts a plan directly against the simulator, as another pipeline would. */
async function executePlan(body: Record<string, unknown>): Promise<number> {
  const response = await fetch(`${sim.baseUrl}${EXEC}/executeplan`, {
    method: 'POST',
    headers: { Authorization: `Token ${TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ templateId: 64, title: 'external', batch: 'external-1', ...body }),
  });
  return ((await response.json()) as { id: number }).id;
}

async function execution(method: string, route: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${sim.baseUrl}${EXEC}/${route}`, {
    method,
    headers: { Authorization: `Token ${TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return response.json();
}

describe('relay × Squish Test Center simulator (fake clock)', () => {
  it('relays a passing plan with per-test results from the Results API', async () => {
    const { agent, outcome, junit } = await runRelay({ tests: 4, xfail: 1 });
    expect(outcome.conclusion).toBe('success');
    expect(agent.outputs).toMatchObject({
      state: 'completed',
      verdict: 'passed',
      total: '4',
      passed: '4',
      failed: '0',
    });
    expect(agent.outputs.runUrl).toBe(`${sim.baseUrl}/project/Shop`);
    expect(junit).toMatch(/<testsuite name="suite_\w+ \[OS=Linux\]"/);
    expect(junit).toMatch(/<testsuite name="suite_\w+ \[OS=Windows\]"/);
    expect(junit).toContain('name="squish.result" value="XFAIL"');
    // The AutomationToken went to the Results API only.
    const requests = await log();
    const withToken = requests.filter((r) => r.headers.automationtoken);
    expect(withToken.length).toBeGreaterThan(0);
    expect(withToken.every((r) => r.path.startsWith('/api/v1/'))).toBe(true);
    expect(requests.filter((r) => r.route === 'trigger')).toHaveLength(1);
  });

  it.each([
    ['done', ''],
    ['finished', 'finished-key'],
    ['both keys', 'both-keys'],
  ])('reads the status counts with %s', async (_label, variant) => {
    const { agent } = await runRelay({ tests: 3, failed: 1, variant });
    expect(agent.outputs).toMatchObject({ verdict: 'failed', total: '3', failed: '1' });
    expect(agent.log()).toMatch(/0 open, 0 running, 3 done/);
  });

  it('tolerates executeplan answering 200 instead of 201', async () => {
    const { agent } = await runRelay({ tests: 2, variant: 'executeplan-200' });
    expect(agent.outputs.verdict).toBe('passed');
  });

  it('waits for results that arrive after the executions finished', async () => {
    const clock = new ScaledClock();
    const { agent } = await runRelay({ tests: 4, failed: 1, resultLagSeconds: 0.6 }, {}, clock);
    expect(agent.outputs).toMatchObject({
      verdict: 'failed',
      total: '4',
      passed: '3',
      failed: '1',
    });
    expect(agent.log()).toMatch(/Waiting for Test Center to receive all results: 0 so far for 4/);
    // Read again after completion until the counts were there.
    expect((await routes('plan')).length).toBeGreaterThan(2);
    expect(clock.sleeps.filter((ms) => ms === 5000).length).toBeGreaterThan(0);
  });

  it('ends in an error when results never arrive for finished executions', async () => {
    const { agent, outcome } = await runRelay({ tests: 3, resultLagSeconds: 3600 });
    expect(agent.outputs).toMatchObject({ state: 'completed', verdict: 'error' });
    expect(outcome.conclusion).toBe('failure');
    expect(agent.summary).toMatch(
      /3 of 3 finished test executions have no result in Test Center after waiting 60s/,
    );
    expect(agent.log()).toMatch(/warning: 3 of 3 finished test executions have no result/);
    // Bounded: about a minute of reads, 5 s apart.
    expect((await routes('plan')).length).toBeLessThanOrEqual(14);
  });

  it('counts an execution that finished with an infrastructure error as an error', async () => {
    const { agent, outcome } = await runRelay({
      tests: 4,
      errored: 1,
      erroredAs: 'infrastructure',
    });
    expect(agent.outputs).toMatchObject({ verdict: 'error', passed: '3' });
    expect(outcome.reason).toMatch(/1 of 4 finished test executions have no result/);
    expect(agent.outputs).toMatchObject({ total: '3', failed: '0' });
  });

  it('maps Squish results: script errors, XPASS, NONE and SKIPPED', async () => {
    const { agent, junit } = await runRelay({
      tests: 6,
      failed: 2,
      xpass: 1,
      errored: 2,
      erroredAs: 'mixed',
      skipped: 1,
    });
    // mixed: the first errored test is an infrastructure failure (no result), the second a
    // script error (FAIL with an ERROR event).
    expect(agent.outputs).toMatchObject({ verdict: 'failed', failed: '3', skipped: '1' });
    expect(agent.summary).toMatch(/1 of 6 finished test executions have no result/);
    expect(junit).toMatch(/<error message="[^"]+"/);
    expect(junit).toContain('name="squish.result" value="XPASS"');
    expect(junit).toMatch(/<failure message="Unexpected pass/);
  });

  it('a plan whose tests all gave no result is empty: failOnEmpty decides', async () => {
    const strict = await runRelay({ tests: 2, errored: 2, erroredAs: 'none' });
    expect(strict.agent.outputs).toMatchObject({ verdict: '', skipped: '2', passed: '0' });
    expect(strict.outcome.conclusion).toBe('failure');
    expect(strict.junit).toMatch(/<skipped message="No result: /);

    const lenient = await runRelay(
      { tests: 2, errored: 2, erroredAs: 'none' },
      { failOnEmpty: 'false' },
    );
    expect(lenient.outcome.conclusion).toBe('neutral');
  });

  it('reads counts meant as planned tests (count-planned) with lagging results', async () => {
    const clock = new ScaledClock();
    const { agent } = await runRelay(
      { tests: 3, failed: 1, resultLagSeconds: 0.3, variant: 'count-planned' },
      {},
      clock,
    );
    expect(agent.outputs).toMatchObject({
      verdict: 'failed',
      total: '3',
      passed: '2',
      failed: '1',
    });
  });

  it('with capabilities, waits only for the matching executions and polls with them', async () => {
    await sim.scenario({ workers: 0, tests: 4, queuedSeconds: 0 });
    const id = await executePlan({ batch: 'caps-1' });
    // A Linux worker works off the two Linux executions; the Windows ones stay open.
    for (let i = 0; i < 2; i++) {
      const reservation = (await execution('POST', `reserve/${id}`, {
        capabilities: [{ key: 'OS', value: 'Linux' }],
      })) as { execution_id: number };
      await execution('POST', `finished/${reservation.execution_id}`, {});
    }
    const { agent } = await runRelay(
      { workers: 0 },
      { planId: '', runId: String(id), capabilities: 'OS=Linux' },
    );
    expect(agent.outputs).toMatchObject({ state: 'completed', verdict: 'passed', passed: '2' });
    const polls = await routes('poll');
    expect(polls.length).toBeGreaterThan(1);
    // The wait polls with the filter; one last unfiltered look tells whether the rest is done.
    expect(polls.slice(0, -1).every((r) => r.query?.OS === 'Linux')).toBe(true);
    expect(polls[polls.length - 1].query).toEqual({});
    expect(agent.summary).toMatch(/are still open or running, so these counts are not final/);
    expect(agent.log()).toMatch(/these counts are not final/);

    // Without the filter the Windows executions keep the plan open: a timeout.
    const all = await runRelay({ workers: 0 }, { planId: '', runId: String(id), timeout: '20s' });
    expect(all.agent.outputs.state).toBe('timed_out');
    expect(all.agent.summary).toMatch(/no API to stop a plan execution/);
    expect(all.agent.summary).toMatch(/2 open, 0 running, 2 done/);
  });

  it('finds the template by project and title (lenient title match, lowest id)', async () => {
    const { agent } = await runRelay(
      { tests: 2 },
      { planId: '', project: 'Shop', planTitle: 'CI-Tests-master' },
    );
    expect(agent.outputs.verdict).toBe('passed');
    expect(agent.log()).toContain(
      'planTitle "CI-Tests-master" matched template 64 "CI Tests master"',
    );
    const lookup = (await routes('lookup'))[0];
    expect(lookup.query).toEqual({ project: 'Shop', title: 'CI-Tests-master', type: 'template' });
    expect((await routes('trigger'))[0].body).toMatchObject({ templateId: 64 });
  });

  it('says so when several templates share a title (server refuses) and starts nothing', async () => {
    const { outcome, agent } = await runRelay(
      { variant: 'ambiguous-title' },
      { planId: '', project: 'Shop', planTitle: 'Nightly' },
    );
    expect(agent.outputs.state).toBe('error');
    expect(outcome.reason).toMatch(
      /could not look up template "Nightly" in project "Shop" \(HTTP 400: More than one test plan template matches title 'Nightly'.*ids 65, 66.*set planId/,
    );
    expect(await routes('trigger')).toHaveLength(0);
  });

  it('says so when no template has the title', async () => {
    const { outcome } = await runRelay({}, { planId: '', project: 'Shop', planTitle: 'Smoke' });
    expect(outcome.reason).toMatch(
      /no test plan template titled "Smoke" in project "Shop" \(HTTP 404: .*\)\. Check project and planTitle/,
    );
    expect(await routes('trigger')).toHaveLength(0);
  });

  it('refuses a planId that is not a template, and a runId that is not an instance', async () => {
    const id = await executePlan({});
    await sim.clearRequests();
    const byPlan = await runRelay({}, { planId: String(id) });
    expect(byPlan.outcome.reason).toMatch(
      new RegExp(
        `test plan ${id} is an instance \\(a plan execution\\), not a template.*runId ${id}`,
      ),
    );
    const unknown = await runRelay({}, { planId: '999' });
    expect(unknown.outcome.reason).toMatch(/has no test plan 999 \(HTTP 400: Invalid test plan ID/);
    const byRun = await runRelay({}, { planId: '', runId: '64' });
    expect(byRun.outcome.reason).toMatch(/test plan 64 is a template, not a plan execution/);
    expect(await routes('trigger')).toHaveLength(0);
  });

  it('falls back to the counts when the server has no Results API', async () => {
    const { agent, junit, outcome } = await runRelay({ tests: 3, failed: 1, resultsApi: false });
    expect(agent.outputs).toMatchObject({
      verdict: 'failed',
      total: '3',
      failed: '1',
      passed: '2',
    });
    expect(outcome.conclusion).toBe('failure');
    expect(agent.summary).toMatch(
      /Per-test results were not available: the server has no Results API/,
    );
    expect(agent.summary).toMatch(/counts only/);
    expect(agent.summary).toMatch(
      /counts only; per-test results were not available: the server has no Results API\. /,
    );
    // One placeholder per counted test (was: no <testcase> at all, so readers saw an empty run).
    expect(junit.match(/<testcase /g)).toHaveLength(3);
    expect(junit).toMatch(/<testsuites [^>]*tests="3" failures="1" errors="0" skipped="0"/);
    expect(junit).toContain(
      'name="Squish Test Center run 105 · failed result 1 of 1 (per-test results not available)"',
    );
    expect(junit).toContain(
      'message="Per-test results were not available (the server has no Results API): Squish Test Center counted this test as failed',
    );
    expect(junit).toContain('name="testrelay.reported.failed" value="1"');
  });

  it('surfaces "Only known clients…" verbatim when the AutomationToken is missing', async () => {
    const { agent } = await runRelay({ tests: 2 }, { automationToken: '' });
    expect(agent.outputs).toMatchObject({ verdict: 'passed', total: '2' });
    expect(agent.summary).toContain('Only known clients permitted for REST access');
    expect(agent.summary).toMatch(/set automationToken/);
    const tests = await routes('tests');
    expect(tests).toHaveLength(1);
    expect(tests[0].status).toBe(403);
  });

  it('says when the AutomationToken is wrong', async () => {
    await sim.scenario({ automationToken: AUTOMATION_TOKEN });
    const { agent } = await runRelay({ tests: 2 }, { automationToken: 'not-the-right-one-42' });
    expect(agent.summary).toMatch(/refused the AutomationToken: &#34;Only known clients permitted/);
  });

  it('leaves per-test results out when other runs share the batch', async () => {
    await sim.scenario({ tests: 2, pollsToComplete: 1 });
    const other = await executePlan({ batch: 'shared' });
    await fetch(`${sim.baseUrl}${EXEC}/status/${other}`, {
      headers: { Authorization: `Token ${TOKEN}` },
    });
    const { agent, junit } = await runRelay({ tests: 2 }, { batch: 'shared' });
    expect(agent.outputs).toMatchObject({ verdict: 'passed', total: '2' });
    expect(agent.summary).toMatch(/batch &#34;shared&#34; holds 4 test results, more than the 2/);
    // Not the other runs' results: placeholders for this plan's two counted tests.
    expect(junit.match(/<testcase /g)).toHaveLength(2);
    expect(junit).toContain(
      'name="testrelay.perTestResults.reason" value="results of other runs share the batch"',
    );
  });

  it('authenticates with username and password (Basic)', async () => {
    await sim.scenario({ username: 'ci-bot', password: 'pa55-w0rd-secret' });
    const { agent } = await runRelay(
      { tests: 2 },
      { apiKey: '', username: 'ci-bot', password: 'pa55-w0rd-secret' },
    );
    expect(agent.outputs.verdict).toBe('passed');
    const requests = await log();
    expect(requests.every((r) => r.headers.authorization === 'Basic ***')).toBe(true);
    expect(requests.every((r) => r.authorized)).toBe(true);

    const wrong = await runRelay(
      {},
      { apiKey: '', username: 'ci-bot', password: 'wrong-password-1' },
    );
    expect(wrong.outcome.reason).toMatch(
      /rejected the user name and password \(HTTP 401: Invalid username or password\)\. Check username and password/,
    );
    expect(wrong.outcome.reason).not.toContain('wrong-password-1');
  });

  it('explains a rejected token', async () => {
    const { outcome } = await runRelay({}, { apiKey: 'not-the-token-9f8e7d' });
    expect(outcome.reason).toMatch(
      /rejected the access token \(HTTP 401: Invalid access token\)\. Check apiKey/,
    );
    expect(await routes('trigger')).toHaveLength(0);
  });

  it('never sends executeplan twice, even when its answer is lost or a 503', async () => {
    for (const fault of ['reset', '503']) {
      await fetch(`${sim.baseUrl}/__sim/reset`, { method: 'POST' });
      const { agent, outcome } = await runRelay({ faultsAt: `trigger#1:${fault}` });
      expect(agent.outputs.state).toBe('error');
      expect(outcome.reason).toMatch(/not retried: the vendor may have received it/);
      expect(await routes('trigger')).toHaveLength(1);
    }
  });

  it('rides out transient faults on the status, plan and Results API reads', async () => {
    const { agent } = await runRelay({
      tests: 3,
      faultsAt: 'poll#1:503,plan#2:reset,tests#1:503,events#1:malformed',
    });
    expect(agent.outputs).toMatchObject({ verdict: 'passed', total: '3', passed: '3' });
    expect(await routes('trigger')).toHaveLength(1);
  });

  it('shows the executeplan request on dryRun without sending anything', async () => {
    const { agent, outcome } = await runRelay(
      {},
      { planId: '', project: 'Shop', planTitle: 'Nightly', dryRun: 'true', batch: 'b-1' },
    );
    expect(outcome.conclusion).toBe('success');
    expect(agent.log()).toContain(`Dry run: would POST ${sim.baseUrl}${EXEC}/executeplan`);
    expect(agent.log()).toContain('<id of template \\"Nightly\\" in project \\"Shop\\"');
    expect(await sim.requests()).toEqual([]);
  });
});
