// The CLI's exit-status table (testrelay --help, docs/cli.md), row by row, through the
// bundled CLI against the Testsigma simulator; and the messages of those exits, in the CLI's
// own terms (flags and variables, not the GitHub inputs).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLI_BUNDLE, collect, NODE, ROOT, runCli } from '../helpers/github-runner.js';
import { placesHolding } from '../helpers/secrets.js';
import { type SimulatorHandle, startTestsigma } from '../helpers/simulator.js';

const API_KEY = 'exit-codes-key-5e4d3c2b1a';
let sim: SimulatorHandle;

beforeAll(async () => {
  sim = await startTestsigma(API_KEY);
});
afterAll(() => sim.close());
beforeEach(async () => {
  await sim.clearRequests();
  await sim.scenario({ queuedSeconds: 0, durationSeconds: 1, tests: 3, failed: 0 });
});

const PASSING = '<testsuite name="s"><testcase classname="c" name="a" time="1"/></testsuite>';
const FAILING =
  '<testsuite name="s"><testcase classname="c" name="a"><failure message="no"/></testcase></testsuite>';

/** `testrelay report` on one JUnit file written into the workspace first. */
function report(xml: string, extra: string[] = [], env: Record<string, string> = {}) {
  return runCli(['report', '--junit-files', 'in.xml', ...extra], {
    env,
    prepare: ({ workspace }) => fs.writeFileSync(path.join(workspace, 'in.xml'), xml),
  });
}

function runPlan(extra: string[], env: Record<string, string> = {}) {
  return runCli(
    [
      'run',
      '--vendor',
      'testsigma',
      '--base-url',
      sim.baseUrl,
      '--plan-id',
      '2090',
      '--poll-interval',
      '1s',
      ...extra,
    ],
    { env: { TESTRELAY_API_KEY: API_KEY, ...env } },
  );
}

describe('exit status', () => {
  it('0: passed; --json gives counts and seconds as numbers; one test is "1 test"', async () => {
    const step = await report(PASSING, ['--json']);
    expect(step.exitCode).toBe(0);
    const outputs = JSON.parse(step.stdout) as Record<string, unknown>;
    expect(outputs).toMatchObject({ total: 1, passed: 1, failed: 0, skipped: 0, duration: 1 });
    expect(outputs.verdict).toBe('passed');
    expect(step.stderr).toContain('1 test: 1 passed');
    expect(step.stderr).toContain('The 1 test passed.');
    expect(step.stderr).not.toMatch(/1 tests/);
  });

  it('1: a test failed', async () => {
    const step = await report(FAILING);
    expect(step.exitCode).toBe(1);
    expect(step.stderr).toContain('error: 1 of 1 tests failed.');
  });

  it('2: a JUnit file that is missing, not JUnit, or unreadable, named as --junit-files', async () => {
    const missing = await runCli(['report', '--junit-files', 'nothere.xml']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(
      /junitFiles: No JUnit files found in .*: nothing matched "nothere.xml" \(flag --junit-files or TESTRELAY_JUNIT_FILES\)/,
    );

    const notJunit = await report('this is not xml');
    expect(notJunit.exitCode).toBe(2);
    expect(notJunit.stderr).toMatch(/junitFiles: Cannot read JUnit XML from in\.xml/);

    // Unreadable: root reads any file, so the CLI runs as nobody when the tests run as root.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'testrelay-unreadable-'));
    fs.chmodSync(dir, 0o777);
    fs.writeFileSync(path.join(dir, 'secret.xml'), PASSING, { mode: 0o000 });
    fs.chmodSync(path.join(dir, 'secret.xml'), 0o000);
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const child = spawn(NODE, [CLI_BUNDLE, 'report', '--junit-files', 'secret.xml'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...asNobody,
    });
    const unreadable = await collect(child, {});
    expect(unreadable.exitCode).toBe(2);
    expect(unreadable.stderr).toContain(
      `junitFiles: cannot read the JUnit file ${path.join(dir, 'secret.xml')}: permission denied (EACCES)`,
    );
  });

  it('2: a CA file that is missing or not PEM, before any request', async () => {
    const missing = await report(PASSING, ['--ca-cert-path', 'no-such-ca.pem']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain(
      'caCertPath: cannot read "no-such-ca.pem" (no such file); expected a PEM file of CA certificates',
    );

    const notPemFile = path.join(ROOT, 'package.json');
    const notPem = await runPlan(['--ca-cert-path', notPemFile]);
    expect(notPem.exitCode).toBe(2);
    expect(notPem.stderr).toContain(`caCertPath: "${notPemFile}" is not a PEM file`);
    expect(await sim.requests()).toEqual([]);
  });

  it('2: a JUnit path that cannot be written fails the step, after relaying the rest', async () => {
    const step = await report(PASSING, ['--junit-path', '/etc/passwd/junit.xml', '--json']);
    expect(step.exitCode).toBe(2);
    expect(step.stderr).toMatch(
      /error: Could not write the JUnit file \/etc\/passwd\/junit\.xml \(--junit-path \(TESTRELAY_JUNIT_PATH\)\): /,
    );
    // The outputs still say what the tests did; junitPath stays empty, since nothing was written.
    expect(JSON.parse(step.stdout)).toMatchObject({ passed: 1, junitPath: '' });
  });

  it('3: the vendor refuses the key; the message names the flag and the variable', async () => {
    const step = await runPlan([], { TESTRELAY_API_KEY: 'not-the-key' });
    expect(step.exitCode).toBe(3);
    expect(step.stderr).toContain('Check --api-key (TESTRELAY_API_KEY).');
    expect(step.stderr).not.toMatch(/Check apiKey/);
  });

  it('3: nothing answers at the base URL: says what to check, after the retries', async () => {
    const step = await runCli(
      ['run', '--vendor', 'testsigma', '--base-url', 'http://127.0.0.1:1', '--plan-id', '1'],
      { env: { TESTRELAY_API_KEY: API_KEY } },
    );
    expect(step.exitCode).toBe(3);
    expect(step.stderr).toContain(
      'Nothing accepts connections at 127.0.0.1:1: check --base-url (TESTRELAY_BASE_URL) and that the server is up.',
    );
  }, 30_000);

  it('4: timed out (onTimeout fail); the hint to attach names --run-id', async () => {
    await sim.scenario({ durationSeconds: 120 });
    const step = await runPlan(['--timeout', '2s']);
    expect(step.exitCode).toBe(4);
    expect(step.stderr).toMatch(/Attach to it later with --run-id \d+ \(TESTRELAY_RUN_ID=\d+\)\./);
  });

  it('0 for a neutral timeout, 5 for the same in a GitLab job', async () => {
    await sim.scenario({ durationSeconds: 120 });
    const plain = await runPlan(['--timeout', '2s', '--on-timeout', 'neutral']);
    expect(plain.exitCode).toBe(0);
    const gitlab = await runPlan(['--timeout', '2s', '--on-timeout', 'neutral'], {
      GITLAB_CI: 'true',
    });
    expect(gitlab.exitCode).toBe(5);
  });

  it('130: cancelled by SIGTERM', async () => {
    await sim.scenario({ durationSeconds: 120 });
    const step = await runCli(
      ['run', '--vendor', 'testsigma', '--base-url', sim.baseUrl, '--plan-id', '2090'],
      {
        env: { TESTRELAY_API_KEY: API_KEY },
        sendSignal: { signal: 'SIGTERM', when: /Started Testsigma run/ },
      },
    );
    expect(step.exitCode).toBe(130);
  });
});

describe('--verbose', () => {
  it('shows each request with its status and time, and the wait decisions, never the key', async () => {
    const step = await runPlan(['--verbose']);
    expect(step.exitCode).toBe(0);
    expect(step.stderr).toMatch(/debug: Testsigma POST \/execution_results → HTTP 200 in \d+ ms/);
    expect(step.stderr).toMatch(
      /debug: Testsigma GET \/execution_results\/\d+ → HTTP 200 in \d+ ms/,
    );
    expect(step.stderr).toMatch(/debug: wait: next poll in \d+\.\ds \(fixed interval; \d+s left\)/);
    expect(placesHolding(API_KEY, step)).toEqual([]);
  });

  it('is quiet without the flag', async () => {
    const step = await runPlan([]);
    expect(step.stderr).not.toContain('debug:');
  });
});
