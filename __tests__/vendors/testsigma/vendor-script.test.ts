// Testsigma's own published bash script (fixtures/vendor-scripts/testsigma_cicd.sh, unchanged)
// run against the simulator: if the vendor's integration works against the simulator, the
// simulator's wire format is faithful where that script depends on it (single-line JSON,
// one "id" in the trigger answer, "status"/"result" once, JUnit after completion).

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  startSimulator,
  type RequestRecord,
  type RunningSimulator,
} from '../../../src/vendors/simulators.js';

const KEY = 'vendor-script-key-91d2';
const PLAN_ID = '2090';
const SCRIPT = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../fixtures/vendor-scripts/testsigma_cicd.sh',
);

let sim: RunningSimulator;
const tempDirs: string[] = [];

interface ScriptRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  dir: string;
}

/** Copies the script into a fresh directory, pointing only its two URL variables at the simulator. */
function prepareScript(): { dir: string; script: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'testrelay-vendor-script-'));
  tempDirs.push(dir);
  const original = fs.readFileSync(SCRIPT, 'utf8');
  let replaced = 0;
  const rewritten = original
    .replace(/^TESTSIGMA_TEST_PLAN_REST_URL=.*$/m, () => {
      replaced += 1;
      return `TESTSIGMA_TEST_PLAN_REST_URL=${sim.baseUrl}/execution_results`;
    })
    .replace(/^TESTSIGMA_JUNIT_REPORT_URL=.*$/m, () => {
      replaced += 1;
      return `TESTSIGMA_JUNIT_REPORT_URL=${sim.baseUrl}/reports/junit`;
    });
  expect(replaced).toBe(2);
  const script = path.join(dir, 'testsigma_cicd.sh');
  fs.writeFileSync(script, rewritten);
  return { dir, script };
}

function runScript(apiKey = KEY): Promise<ScriptRun> {
  const { dir, script } = prepareScript();
  return new Promise((resolve, reject) => {
    const child = spawn(
      'bash',
      [
        script,
        `--apikey=${apiKey}`,
        `--testplanid=${PLAN_ID}`,
        '--maxtimeinmins=0',
        '--reportfilepath=./junit.xml',
      ],
      { cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, LC_ALL: 'C' } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, stdout, stderr, dir });
    });
  });
}

async function scenario(patch: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${sim.baseUrl}/__sim/scenario`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(patch),
  });
  expect(response.status).toBe(200);
}

async function requests(): Promise<RequestRecord[]> {
  return (await (await fetch(`${sim.baseUrl}/__sim/requests`)).json()) as RequestRecord[];
}

beforeAll(async () => {
  sim = await startSimulator({ vendor: 'testsigma', apiKey: KEY });
});

afterAll(async () => {
  await sim.close();
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  await fetch(`${sim.baseUrl}/__sim/reset`, { method: 'POST' });
  // The script burns a poll without sleeping on any status but in-progress/completed, so
  // no created phase. It also computes its sleep (12 s) from the default wait time *before*
  // reading --maxtimeinmins, so every in-progress poll costs 12 s: keep those few.
  await scenario({ queuedSeconds: 0, pollsToComplete: 1, tests: 5 });
});

describe("Testsigma's own bash script against the simulator", () => {
  it('exits 0 and writes a valid JUnit file for a passing plan', async () => {
    // One in-progress poll (the script then sleeps), completion on the second.
    await scenario({ pollsToComplete: 2 });
    const run = await runScript();

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('Run ID: 1001');
    expect(run.stdout).toContain('Poll #1 - Test Execution in progress...');
    expect(run.stdout).toContain('Poll #2 - Tests Execution completed...');
    expect(run.stdout).not.toContain('Unexpected Execution status');
    const junit = fs.readFileSync(path.join(run.dir, 'junit.xml'), 'utf8');
    expect(junit).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8" standalone="yes"\?>\n<testsuites>/,
    );
    expect(junit).toContain('tests="5" failures="0" errors="0"');
    expect(junit.match(/<testcase /g)).toHaveLength(5);
    expect(junit.trimEnd().endsWith('</testsuites>')).toBe(true);
    // The script also keeps the final status answer.
    const saved = fs.readFileSync(path.join(run.dir, 'testsigma.json'), 'utf8');
    expect(JSON.parse(saved)).toMatchObject({
      id: 1001,
      status: 'STATUS_COMPLETED',
      result: 'SUCCESS',
    });

    const log = await requests();
    const triggers = log.filter((entry) => entry.route === 'trigger');
    expect(triggers).toHaveLength(1);
    // The script's payload: executionId and buildNo unquoted, runtimeData from its defaults.
    expect(triggers[0].body).toMatchObject({
      executionId: Number(PLAN_ID),
      runtimeData: { url: 'https://the-internet.herokuapp.com/login', test: '1221' },
    });
    expect(typeof (triggers[0].body as { buildNo: unknown }).buildNo).toBe('number');
    expect(log.filter((entry) => entry.route === 'poll')).toHaveLength(2);
    expect(log.filter((entry) => entry.route === 'junit')).toHaveLength(1);
    expect(log.every((entry) => entry.authorized && entry.status === 200)).toBe(true);
    expect(JSON.stringify(log)).not.toContain(KEY);
  });

  it('exits 1 for a failing plan', async () => {
    await scenario({ failed: 2 });
    const run = await runScript();

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('FAILURE');
    const junit = fs.readFileSync(path.join(run.dir, 'junit.xml'), 'utf8');
    expect(junit).toContain('failures="2" errors="2"');
    expect((await requests()).filter((entry) => entry.route === 'trigger')).toHaveLength(1);
  });

  it('exits 1 when the API key is refused', async () => {
    const run = await runScript('wrong-key');

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('Failed to start Test Plan execution!');
    const log = await requests();
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ route: 'trigger', authorized: false, status: 401 });
  });
});
