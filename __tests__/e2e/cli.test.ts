// The bundled CLI (dist/cli/index.js) as a user or another CI runs it.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { envName, flagName } from '../../src/core/inputs.js';
import { INPUTS } from '../../src/vendors/registry.js';
import { CLI_BUNDLE, NODE, runCli } from '../helpers/github-runner.js';
import { placesHolding } from '../helpers/secrets.js';
import { type SimulatorHandle, startTestsigma } from '../helpers/simulator.js';

const API_KEY = 'cli-e2e-key-8a7b6c5d4e';
let sim: SimulatorHandle;

beforeAll(async () => {
  sim = await startTestsigma(API_KEY);
});
afterAll(() => sim.close());
beforeEach(async () => {
  await sim.clearRequests();
  await sim.scenario({
    queuedSeconds: 0,
    durationSeconds: 1,
    tests: 4,
    failed: 0,
    errored: 0,
    skipped: 0,
  });
});

describe('testrelay CLI', () => {
  it('--help lists the commands, and run --help every input as a flag and a variable', async () => {
    const top = await runCli(['--help']);
    expect(top.exitCode).toBe(0);
    for (const command of ['run', 'report', 'cancel', 'simulate'])
      expect(top.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));

    const run = await runCli(['run', '--help']);
    expect(run.exitCode).toBe(0);
    for (const input of INPUTS) {
      // The flag, its value's form, then its variable: `--plan-id <value>  TESTRELAY_PLAN_ID`.
      expect(run.stdout).toMatch(
        new RegExp(`^  --${flagName(input.name)}( \\S+)?  ${envName(input.name)}`, 'm'),
      );
    }
    for (const command of ['report', 'cancel', 'simulate']) {
      const help = await runCli([command, '--help']);
      expect(help.exitCode).toBe(0);
      expect(help.stdout).toMatch(/Usage/i);
    }
  });

  it('run --help groups the flags by vendor and sink, marks what each requires, and --vendor narrows it', async () => {
    const all = (await runCli(['run', '--help'])).stdout;
    const sections = all.match(/^\S.*\((--vendor|--report-to) \w+\):$/gm);
    expect(sections).toEqual([
      'Testsigma (--vendor testsigma):',
      'Sofy (--vendor sofy):',
      'Squish Test Center (--vendor squish):',
      'Testomat.io (--report-to testomatio):',
      'Spira (--report-to spira):',
    ]);
    expect(all).toContain('  Required: --api-key; --plan-id or --run-id.');
    expect(all).toMatch(
      /^ {2}--testomatio-api-key <value> {2}TESTRELAY_TESTOMATIO_API_KEY {2}\(required\)$/m,
    );
    expect(all).toMatch(/^Examples:$/m);
    expect(all).toMatch(/^ {2}4 {4}timed out/m);
    // Every line fits an 80-column terminal, examples and usage aside.
    const body = all.slice(all.indexOf('Common flags:'));
    expect(body.split('\n').filter((line) => line.length > 80)).toEqual([]);

    const sofy = (await runCli(['run', '--vendor', 'sofy', '--help'])).stdout;
    expect(sofy).toContain('Sofy (--vendor sofy):');
    expect(sofy).toContain('--app-path <value>  TESTRELAY_APP_PATH');
    expect(sofy).not.toContain('Testsigma (--vendor testsigma):');
    expect(sofy).not.toContain('--spira-url');

    const simulate = (await runCli(['simulate', '--help'])).stdout;
    // A heading is followed by what it heads, never by an empty list.
    expect(simulate).not.toMatch(/variants \(--variant FLAG,FLAG\):\n\n/);
  });

  it('runs a plan from kebab-case flags and writes outputs', async () => {
    await sim.scenario({ failed: 1 });
    const cli = await runCli([
      'run',
      '--vendor',
      'testsigma',
      '--base-url',
      sim.baseUrl,
      '--api-key',
      API_KEY,
      '--plan-id',
      '2090',
      '--poll-interval',
      '1s',
      '--outputs-file',
      'out.env',
      '--json',
    ]);
    expect(cli.exitCode).toBe(1);
    // With --json, stdout is the JSON alone (logs go to stderr), so `| jq` works.
    const outputs = JSON.parse(cli.stdout) as Record<string, unknown>;
    expect(outputs).toMatchObject({
      verdict: 'failed',
      total: 4,
      passed: 3,
      failed: 1,
      state: 'completed',
    });
    expect(fs.readFileSync(path.join(cli.workspace, 'out.env'), 'utf8')).toContain(
      'verdict=failed\n',
    );
    expect(cli.stderr).toMatch(
      /Started Testsigma run \d+: http:\/\/127\.0\.0\.1:\d+\/ui\/td\/runs\/\d+/,
    );
    expect(fs.existsSync(path.join(cli.workspace, 'testrelay-results', 'junit.xml'))).toBe(true);
    expect(await sim.count('trigger')).toBe(1);
    expect(placesHolding(API_KEY, cli)).toEqual([]);
  });

  it('reads the same inputs from TESTRELAY_* variables', async () => {
    const cli = await runCli(['run'], {
      env: {
        TESTRELAY_VENDOR: 'testsigma',
        TESTRELAY_BASE_URL: sim.baseUrl,
        TESTRELAY_API_KEY: API_KEY,
        TESTRELAY_PLAN_ID: '2090',
        TESTRELAY_POLL_INTERVAL: '1s',
        TESTRELAY_BUILD_NO: 'build-77',
      },
    });
    expect(cli.exitCode).toBe(0);
    expect(cli.stdout).toContain('All 4 tests passed');
    const trigger = (await sim.requests()).find((r) => r.route === 'trigger');
    expect(trigger?.body).toMatchObject({ buildNo: 'build-77' });
    expect(placesHolding(API_KEY, cli)).toEqual([]);
  });

  it('exits 2 on bad flags and bad inputs, naming the flag and variable, before any request', async () => {
    const unknown = await runCli(['run', '--plan', '7']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/unknown flag --plan \(did you mean --plan-id\?\)/);

    const bad = await runCli([
      'run',
      '--vendor',
      'testsigma',
      '--base-url',
      sim.baseUrl,
      '--api-key',
      API_KEY,
      '--plan-id',
      'x1',
      '--timeout',
      'soon',
    ]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain(
      'planId: expected a numeric testsigma test plan id, got "x1" (flag --plan-id or TESTRELAY_PLAN_ID)',
    );
    expect(bad.stderr).toMatch(
      /timeout: expected a duration .* \(flag --timeout or TESTRELAY_TIMEOUT\)/,
    );
    expect(await sim.requests()).toEqual([]);
  });

  it('cancel stops a running run', async () => {
    await sim.scenario({ durationSeconds: 60 });
    const started = await fetch(`${sim.baseUrl}/execution_results`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ executionId: 9 }),
    });
    const { id } = (await started.json()) as { id: number };
    const cli = await runCli([
      'cancel',
      '--vendor',
      'testsigma',
      '--base-url',
      sim.baseUrl,
      '--api-key',
      API_KEY,
      '--run-id',
      String(id),
    ]);
    expect(cli.exitCode).toBe(0);
    expect(cli.stdout).toContain(`Asked Testsigma to stop run ${id}`);
    const run = (await (
      await fetch(`${sim.baseUrl}/execution_results/${id}`, {
        headers: { Authorization: `Bearer ${API_KEY}` },
      })
    ).json()) as { result: string; status: string };
    expect(run).toMatchObject({ result: 'STOPPED', status: 'STATUS_COMPLETED' });
  });

  it('simulate prints the ready line, obeys the control API, and stops on SIGTERM', async () => {
    const child = spawn(NODE, [CLI_BUNDLE, 'simulate', '--vendor', 'testsigma', '--tests', '3'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const line = await new Promise<string>((resolve) =>
      createInterface({ input: child.stdout! }).once('line', resolve),
    );
    expect(line).toMatch(/^testsigma http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
    const baseUrl = line.split(' ')[1];
    const put = await fetch(`${baseUrl}/__sim/scenario`, {
      method: 'PUT',
      body: JSON.stringify({ tests: 9, queuedSeconds: 0 }),
    });
    expect(put.status).toBe(200);
    await fetch(`${baseUrl}/execution_results`, {
      method: 'POST',
      headers: { Authorization: 'Bearer any-key-works', 'Content-Type': 'application/json' },
      body: JSON.stringify({ executionId: 1 }),
    });
    const log = (await (await fetch(`${baseUrl}/__sim/requests`)).json()) as Array<{
      method: string;
      path: string;
      at: string;
    }>;
    expect(log).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/api/v1/execution_results',
        at: expect.any(String),
      }),
    ]);
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
