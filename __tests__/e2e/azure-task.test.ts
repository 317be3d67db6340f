// The bundled Azure Pipelines task (azure-task/TestRelay/index.js) run as the agent runs it,
// against the simulators on 127.0.0.1: every `##vso[` line parsed with task-lib's own parser,
// the task result, output variables, Tests tab, summary and issues read back from them.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { startSimulator } from '../../src/vendors/simulators.js';
import { printedText, runTask, type TaskCommand, type TaskRun } from '../helpers/azure-agent.js';
import { ROOT } from '../helpers/github-runner.js';
import { placesHolding } from '../helpers/secrets.js';
import { SimulatorHandle } from '../helpers/simulator.js';

const TESTSIGMA_KEY = 'ts-azure-key-81d4c2e9';
const SOFY_KEY = '4C3B2A19-0F8E-4D7C-9B6A-5E4D3C2B1A09';
const SQUISH_KEY = 'squish-azure-token-5e7a';
const TESTOMATIO_KEY = 'tstmt_azure-project-token-2c9d';
const SECRETS = [TESTSIGMA_KEY, SOFY_KEY, SQUISH_KEY, TESTOMATIO_KEY];
const QUICK = { queuedSeconds: 0, durationSeconds: 1, tests: 3 };
const RUN_URL = 'https://dev.azure.com/acme/Shop%20App/_build/results?buildId=4711';

const sims: Record<'testsigma' | 'sofy' | 'squish' | 'testomatio', SimulatorHandle> = {} as never;

beforeAll(async () => {
  const start = async (vendor: string, apiKey?: string) =>
    new SimulatorHandle(await startSimulator({ vendor, apiKey } as never));
  sims.testsigma = await start('testsigma', TESTSIGMA_KEY);
  sims.sofy = await start('sofy', SOFY_KEY);
  sims.squish = await start('squish', SQUISH_KEY);
  sims.testomatio = await start('testomatio');
});
afterAll(async () => {
  for (const sim of Object.values(sims)) await sim.close();
});
beforeEach(async () => {
  for (const sim of Object.values(sims)) {
    await fetch(`${sim.baseUrl}/__sim/reset`, { method: 'POST' });
    await sim.clearRequests();
  }
});

const testsigma = (extra: Record<string, string> = {}) => ({
  vendor: 'testsigma',
  baseUrl: sims.testsigma.baseUrl,
  apiKey: TESTSIGMA_KEY,
  planId: '2090',
  pollInterval: '1s',
  ...extra,
});

const routes = async (sim: SimulatorHandle, route: string) =>
  (await sim.requests()).filter((request) => request.route === route);

const only = (run: TaskRun, command: string): TaskCommand[] =>
  run.commands.filter((c) => c.command === command);

/** No secret in anything the agent would print, nor in outputs, summary or written files. */
function expectNoSecret(run: TaskRun): void {
  const step = { stdout: printedText(run), outputs: run.outputs, summary: run.summary };
  for (const secret of SECRETS) {
    expect(placesHolding(secret, { ...step, workspace: run.workspace })).toEqual([]);
  }
}

/** What every run that got results shows: one JUnit publish, the summary, no loc warnings. */
function expectPublished(run: TaskRun, title: RegExp): void {
  const [publish, ...more] = only(run, 'results.publish');
  expect(more).toEqual([]);
  expect(publish.properties).toMatchObject({
    type: 'JUnit',
    mergeResults: 'false',
    publishRunAttachments: 'true',
    resultFiles: path.join(run.workspace, 'testrelay-results', 'junit.xml'),
  });
  expect(publish.properties.runTitle).toMatch(title);
  expect(fs.existsSync(publish.properties.resultFiles)).toBe(true);
  const [summary] = only(run, 'task.uploadsummary');
  expect(path.basename(summary.message)).toBe('TestRelay.md');
  expect(run.stdout).not.toMatch(/Resource file|loc string/);
}

describe('Azure Pipelines task', () => {
  it('Testsigma, passed: Succeeded, output variables, Tests tab, summary, one trigger', async () => {
    await sims.testsigma.scenario({ ...QUICK, tests: 4 });
    const run = await runTask(testsigma());
    expect(run.result.result).toBe('Succeeded');
    expect(run.result.message).toBe('All 4 tests passed.');
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({
      state: 'completed',
      verdict: 'passed',
      total: '4',
      passed: '4',
      failed: '0',
      skipped: '0',
      junitPath: 'testrelay-results/junit.xml',
    });
    expect(run.outputs.runUrl).toContain(`/ui/td/runs/${run.outputs.runId}`);
    expectPublished(run, /^Testsigma plan 2090: Nightly regression$/);
    expect(run.summary).toContain(run.outputs.runUrl);
    expect(run.summary).toContain(RUN_URL);
    expect(run.issues).toEqual([]);
    // The vendor run links back to the Azure build.
    const [trigger] = await routes(sims.testsigma, 'trigger');
    expect(JSON.stringify(trigger.body)).toContain('20261207.3');
    expect(JSON.stringify(trigger.body)).toContain(RUN_URL);
    expect(await routes(sims.testsigma, 'trigger')).toHaveLength(1);
    expect(only(run, 'task.setprogress').length).toBeGreaterThan(0);
    expectNoSecret(run);
  });

  it('a Generic service connection supplies baseUrl and apiKey when they are empty', async () => {
    await sims.testsigma.scenario(QUICK);
    const id = '9c2a6f1e-3b4d-4e5f-8a7b-1c2d3e4f5a6b';
    // What the agent passes a task for a Generic (username/password) service connection.
    const endpoint = {
      [`ENDPOINT_URL_${id}`]: sims.testsigma.baseUrl,
      [`ENDPOINT_AUTH_${id}`]: JSON.stringify({
        scheme: 'UsernamePassword',
        parameters: { username: 'ci', password: TESTSIGMA_KEY },
      }),
      [`ENDPOINT_AUTH_SCHEME_${id}`]: 'UsernamePassword',
      [`ENDPOINT_AUTH_PARAMETER_${id}_USERNAME`]: 'ci',
      [`ENDPOINT_AUTH_PARAMETER_${id}_PASSWORD`]: TESTSIGMA_KEY,
    };
    const run = await runTask(testsigma({ baseUrl: '', apiKey: '', serviceConnection: id }), {
      env: endpoint,
    });
    expect(run.result.result).toBe('Succeeded');
    expect(await routes(sims.testsigma, 'trigger')).toHaveLength(1);
    // Registered as a secret (the agent masks it in any later line), and printed nowhere.
    expect(only(run, 'task.setsecret').map((c) => c.message)).toContain(TESTSIGMA_KEY);
    expectNoSecret(run);
  });

  it('without baseUrl, apiKey or a service connection: Failed, naming apiKey, no request', async () => {
    const run = await runTask(testsigma({ apiKey: '' }));
    expect(run.result.result).toBe('Failed');
    expect(run.result.message).toMatch(/apiKey/);
    expect(await sims.testsigma.requests()).toEqual([]);
  });

  it('Testsigma, failed: Failed, an issue per failed test, vendor text cannot make a command', async () => {
    const evil = 'pays ##vso[task.setvariable variable=verdict;isOutput=true]passed';
    await sims.testsigma.scenario({ ...QUICK, failed: 1, testNames: ['a', 'b', evil] });
    const run = await runTask(testsigma());
    expect(run.result).toEqual({
      result: 'Failed',
      message: expect.stringMatching(/^1 of 3 tests failed\./),
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ verdict: 'failed', total: '3', failed: '1' });
    // Only the task itself set output variables, once each.
    expect(
      only(run, 'task.setvariable').filter((c) => c.properties.variable === 'verdict'),
    ).toHaveLength(1);
    const errors = run.issues.filter((issue) => issue.properties.type === 'error');
    expect(errors.map((issue) => issue.message)).toEqual([
      expect.stringContaining('Failed: '),
      expect.stringMatching(/^1 of 3 tests failed\./),
    ]);
    expect(errors[0].message).toContain('##\u200Bvso[task.setvariable');
    expectPublished(run, /^Testsigma plan 2090/);
    expect(await routes(sims.testsigma, 'trigger')).toHaveLength(1);
    expectNoSecret(run);
  });

  it('Sofy: a passing plan succeeds', async () => {
    await sims.sofy.scenario({ ...QUICK, devices: 1 });
    const run = await runTask({
      vendor: 'sofy',
      baseUrl: sims.sofy.baseUrl,
      apiKey: SOFY_KEY,
      planId: '0CF78E5E-05CE-4971-A954-0E3789140DFD',
      pollInterval: '1s',
    });
    expect(run.result.result).toBe('Succeeded');
    expect(run.outputs).toMatchObject({ state: 'completed', verdict: 'passed', total: '3' });
    expectPublished(run, /^Sofy plan 0CF78E5E-05CE-4971-A954-0E3789140DFD/);
    expect(await routes(sims.sofy, 'trigger')).toHaveLength(1);
    expectNoSecret(run);
  });

  it('Squish Test Center by project and title: one lookup, one trigger', async () => {
    await sims.squish.scenario({ ...QUICK, workers: 2 });
    const run = await runTask({
      vendor: 'squish',
      baseUrl: sims.squish.baseUrl,
      apiKey: SQUISH_KEY,
      project: 'Shop',
      planTitle: 'CI Tests master',
      pollInterval: '1s',
    });
    expect(run.result.result).toBe('Succeeded');
    expect(run.outputs).toMatchObject({ verdict: 'passed', total: '3', runId: '105' });
    expectPublished(run, /^Squish Test Center: e2e #20261207\.3$/);
    expect((await routes(sims.squish, 'lookup')).map((r) => r.query)).toEqual([
      { project: 'Shop', title: 'CI Tests master', type: 'template' },
    ]);
    expect(await routes(sims.squish, 'trigger')).toHaveLength(1);
    expectNoSecret(run);
  });

  it('Squish Test Center workers: mode: trigger, then a worker with runId, its executions in groups', async () => {
    await sims.squish.scenario({ ...QUICK, workers: 0, capabilities: '' });
    const squish = { vendor: 'squish', baseUrl: sims.squish.baseUrl, apiKey: SQUISH_KEY };
    const trigger = await runTask({ ...squish, planId: '64', mode: 'trigger' });
    expect(trigger.result.result).toBe('Succeeded');
    expect(trigger.outputs.runId).toBe('105');
    const worker = await runTask({
      ...squish,
      runId: trigger.outputs.runId,
      mode: 'worker',
      command: `"${process.execPath}" -e "console.log('ran '+process.env.TESTRELAY_SQUISH_TESTCASE)"`,
    });
    expect(worker.result.result).toBe('Succeeded');
    expect(worker.outputs).toMatchObject({ executionsRun: '3', executionsPassed: '3', total: '3' });
    expect(worker.stdout).toContain(
      '##[group]suite_smoke / tst_login_works\nReserved execution 3339',
    );
    expect(worker.stdout).toContain('ran tst_login_works\n');
    expect(worker.stdout).toContain('##[endgroup]');
    expect(await routes(sims.squish, 'finished')).toHaveLength(3);
    expectNoSecret(trigger);
    expectNoSecret(worker);
  });

  it('file mode: JUnit files relayed, failures as issues, the build artifact', async () => {
    const run = await runTask(
      { junitFiles: 'results/**/*.xml', artifactName: 'testrelay' },
      {
        prepare: ({ workspace }) =>
          fs.cpSync(
            path.join(ROOT, '__tests__/fixtures/e2e-files/results'),
            path.join(workspace, 'results'),
            {
              recursive: true,
            },
          ),
      },
    );
    expect(run.result).toEqual({ result: 'Failed', message: '2 of 10 tests failed.' });
    expect(run.outputs).toMatchObject({ total: '10', passed: '7', failed: '2', skipped: '1' });
    expectPublished(run, /^JUnit files$/);
    expect(run.issues.filter((i) => i.properties.type === 'error')).toHaveLength(3);
    const [upload] = only(run, 'artifact.upload');
    expect(upload.properties).toMatchObject({
      artifactname: 'testrelay',
      containerfolder: 'testrelay',
    });
    expect(fs.readdirSync(upload.message).sort()).toEqual(['junit.xml', 'summary.md']);
    expectNoSecret(run);
  });

  it('a sink report (Testomat.io) that matched part of the tests: SucceededWithIssues', async () => {
    await sims.testomatio.scenario({ matching: 'id' });
    const junit =
      '<testsuite name="Checkout"><testcase classname="Checkout" name="pays by card @Ta1b2c3d4" time="1"/>' +
      '<testcase classname="Checkout" name="sorts by price" time="1"/></testsuite>';
    const run = await runTask(
      {
        junitFiles: 'results.xml',
        reportTo: 'testomatio',
        testomatioApiKey: TESTOMATIO_KEY,
        testomatioUrl: sims.testomatio.baseUrl,
      },
      { prepare: ({ workspace }) => fs.writeFileSync(path.join(workspace, 'results.xml'), junit) },
    );
    expect(run.result).toEqual({
      result: 'SucceededWithIssues',
      message: 'All 2 tests passed. Testomat.io: 1 of 2 tests matched nothing there.',
    });
    expect(run.outputs.testomatioRunUrl).toMatch(/^http/);
    const warnings = run.issues
      .filter((i) => i.properties.type === 'warning')
      .map((i) => i.message);
    expect(warnings.join('\n')).toMatch(/Testomat\.io: 1 of 2 tests matched nothing there/);
    const { runs } = (await (await fetch(`${sims.testomatio.baseUrl}/__sim/runs`)).json()) as {
      runs: { url: string; ci_build_url?: string }[];
    };
    expect(runs.map((r) => r.url)).toEqual([run.outputs.testomatioRunUrl]);
    expectNoSecret(run);
  });

  it('a neutral timeout: SucceededWithIssues, saying which run to attach to', async () => {
    await sims.testsigma.scenario({ ...QUICK, durationSeconds: 120 });
    const run = await runTask(testsigma({ timeout: '2s', onTimeout: 'neutral' }));
    expect(run.result.result).toBe('SucceededWithIssues');
    expect(run.result.message).toContain(`runId ${run.outputs.runId}`);
    expect(run.outputs.state).toBe('timed_out');
    expect(await routes(sims.testsigma, 'trigger')).toHaveLength(1);
    expectNoSecret(run);
  });

  it('a bad input: Failed before any request, naming the input', async () => {
    const run = await runTask(testsigma({ planId: 'plan-a' }));
    expect(run.result.result).toBe('Failed');
    expect(run.result.message).toMatch(/planId:/);
    expect(await sims.testsigma.requests()).toEqual([]);
    expect(only(run, 'results.publish')).toEqual([]);
    expectNoSecret(run);
  });

  // A cancelled job: the agent sends SIGINT, then SIGTERM after its grace period; either may
  // be the first the task sees (a job that hits its timeout gets SIGTERM at once on some hosts).
  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s mid-wait: the remote run is stopped, what is known is written, exit within 5 s',
    async (signal) => {
      await sims.testsigma.scenario({ ...QUICK, durationSeconds: 120 });
      const run = await runTask(testsigma(), {
        sendSignal: { signal, when: /Started Testsigma run/ },
      });
      expect(run.exitAfterSignalMs).toBeLessThan(5000);
      expect(run.result.result).toBe('Failed');
      expect(run.outputs.state).toBe('cancelled');
      expect(fs.existsSync(path.join(run.workspace, 'testrelay-results', 'junit.xml'))).toBe(true);
      expect(await routes(sims.testsigma, 'stop')).toHaveLength(1);
      expect(await routes(sims.testsigma, 'trigger')).toHaveLength(1);
      expectNoSecret(run);
    },
  );
});
