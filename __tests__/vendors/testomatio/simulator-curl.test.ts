// Testomat.io's own request samples (seed 003, the reporter API reference; kept verbatim in
// fixtures/vendor-scripts/testomatio/) sent with the real `curl` to the simulator: create a
// run, send the sample test, finish with the sample counts. If the vendor's documented calls
// work against the simulator and arrive intact in its kept data, its wire format is faithful
// where those calls depend on it.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  startSimulator,
  type RequestRecord,
  type RunningSimulator,
} from '../../../src/vendors/simulators.js';

const KEY = 'tstmt_sim-curl-token-0003';
const DIR = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../fixtures/vendor-scripts/testomatio',
);
const FIXTURES: Record<string, string> = {
  'create-run.json': 'b08c6b0e56f030b96830d07115fdba5dd0ce2cdabbb6478807f996eccf8aa61d',
  'send-test.json': 'fdcf2dde83fd94b35f610f5b8aa29d0b63a37ee7df84daf924d9bc942eca82e8',
  'finish-run.json': '6545a825512d3707186fb51222142996792823a521792fe6dd1b3d0f4d28d3c7',
};

let sim: RunningSimulator;

/** Runs curl with arguments (no shell); no proxy settings reach it. */
function curl(args: string[]): Promise<{ exitCode: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('curl', ['--silent', '--show-error', ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.resume();
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, stdout });
    });
  });
}

/** Sends one fixture as the JSON body; answers the HTTP status and the parsed body. */
async function send(
  method: string,
  urlPath: string,
  fixture: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const result = await curl([
    '--request',
    method,
    '--header',
    'Content-Type: application/json',
    '--data-binary',
    `@${path.join(DIR, fixture)}`,
    '--write-out',
    '\n%{http_code}',
    `${sim.baseUrl}${urlPath}`,
  ]);
  expect(result.exitCode).toBe(0);
  const lines = result.stdout.split('\n');
  const status = Number(lines.pop());
  return { status, json: JSON.parse(lines.join('\n')) as Record<string, unknown> };
}

beforeAll(async () => {
  sim = await startSimulator({ vendor: 'testomatio', apiKey: KEY });
});

afterAll(async () => {
  await sim.close();
});

describe("Testomat.io's request samples with curl", () => {
  it('the fixtures are unchanged', () => {
    for (const [name, sha256] of Object.entries(FIXTURES)) {
      const digest = createHash('sha256')
        .update(fs.readFileSync(path.join(DIR, name)))
        .digest('hex');
      expect([name, digest]).toEqual([name, sha256]);
    }
  });

  it('create, send the sample test, finish: all arrive as sent', async () => {
    const created = await send('POST', `/api/reporter?api_key=${KEY}`, 'create-run.json');
    expect(created.status).toBe(200);
    const uid = created.json.uid as string;
    expect(created.json.url).toBe(`${sim.baseUrl}/projects/testrelay-demo/runs/${uid}`);

    const added = await send(
      'POST',
      `/api/reporter/${uid}/testrun?api_key=${KEY}`,
      'send-test.json',
    );
    expect(added).toEqual({ status: 200, json: { message: 'Test run added' } });

    const finished = await send(
      'PUT',
      `/api/reporter/${uid}?shared_run=false&api_key=${KEY}`,
      'finish-run.json',
    );
    expect(finished.status).toBe(200);

    const page = await curl(['--fail', created.json.url as string]);
    expect(page.exitCode).toBe(0);
    expect(page.stdout).toContain('My Test Run');

    const run = (await (await fetch(`${sim.baseUrl}/__testomatio/runs/${uid}`)).json()) as Record<
      string,
      unknown
    >;
    expect(run).toMatchObject({
      title: 'My Test Run',
      env: 'production',
      groupTitle: 'Release 1.0',
      tags: [],
      status: 'finished',
      result: 'passed',
      duration: 25.5,
      reportedCounts: { tests_count: 10, passed_count: 8, failed_count: 2 },
      counts: { received: 1, added: 1, held: 1, passed: 1 },
    });
    expect((run.received as unknown[])[0]).toMatchObject({
      via: 'testrun',
      testId: '@Ta0b0c0d0',
      matchedTestId: '@Ta0b0c0d0',
      title: 'Should login successfully',
      suiteTitle: 'Authentication Tests',
      status: 'passed',
      runTime: 0.5,
    });

    const log = (await (await fetch(`${sim.baseUrl}/__sim/requests`)).json()) as RequestRecord[];
    expect(log.map((record) => [record.route, record.status])).toEqual([
      ['createRun', 200],
      ['addTests', 200],
      ['updateRun', 200],
    ]);
    expect(log[0].headers['user-agent']).toMatch(/^curl\//);
    expect(JSON.stringify(log)).not.toContain(KEY);
  });
});
