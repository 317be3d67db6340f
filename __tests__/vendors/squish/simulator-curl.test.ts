// The vendor's own curl examples of the Squish Test Center Execution API
// (fixtures/vendor-scripts/squish/execution-api-examples.sh, see the README there), run with
// the real curl against the simulator. Only the host and token placeholders are replaced; if
// the vendor's examples fail against the simulator, the simulator is wrong.

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

const TOKEN = 'curl-example-token-3a7c';
const DOC_HOST = 'http://testcenter.example.com';
const DOC_TOKEN = 'zX4AAEdKAAD3GwAAfnUAAFd8AADybwAAXnUAAFUaAAA';
const FIXTURE = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../fixtures/vendor-scripts/squish/execution-api-examples.sh',
);

let sim: RunningSimulator;
let home: string;

/** The examples by name, as published (`# example: <name>` followed by the command). */
function readExamples(): Map<string, string> {
  const examples = new Map<string, string>();
  const blocks = fs
    .readFileSync(FIXTURE, 'utf8')
    .split(/^# example: /m)
    .slice(1);
  for (const block of blocks) {
    const newline = block.indexOf('\n');
    examples.set(block.slice(0, newline).trim(), block.slice(newline + 1).trim());
  }
  return examples;
}

const examples = readExamples();
const ran = new Set<string>();

interface CurlAnswer {
  code: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
  stderr: string;
}

/** Runs one example with bash and curl; the .curlrc in HOME adds the status line. */
function runExample(name: string): Promise<CurlAnswer> {
  const published = examples.get(name);
  if (published === undefined) throw new Error(`no example "${name}" in the fixture`);
  ran.add(name);
  const command = published.split(DOC_HOST).join(sim.baseUrl).split(DOC_TOKEN).join(TOKEN);
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LC_ALL: 'C' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (exitCode) => {
      if (exitCode !== 0) {
        reject(new Error(`curl exited ${exitCode}: ${stderr}`));
        return;
      }
      const cut = stdout.lastIndexOf('\n');
      const body = stdout.slice(0, cut);
      let json: unknown;
      try {
        json = body === '' ? undefined : JSON.parse(body);
      } catch {
        json = body;
      }
      resolve({ code: Number(stdout.slice(cut + 1)), json, stderr });
    });
  });
}

beforeAll(async () => {
  // The examples' ids: template 64 in "MyProject", instance 105, execution 3339 (what the
  // reserve example asks for: OS=Linux and browser=chrome), server 3 (after the two defaults).
  sim = await startSimulator({
    vendor: 'squish',
    apiKey: TOKEN,
    scenario: {
      templates: ['64:MyProject:CI Tests master'],
      capabilities: 'OS=Linux&browser=chrome,OS=Windows&browser=chrome',
      workers: 0,
      tests: 4,
    },
  });
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'testrelay-squish-curl-'));
  // curl's own options for the test, so the published commands stay untouched.
  fs.writeFileSync(
    path.join(home, '.curlrc'),
    'silent\nshow-error\nnoproxy = "*"\nwrite-out = "\\n%{http_code}"\n',
  );
});

afterAll(async () => {
  await sim.close();
  fs.rmSync(home, { recursive: true, force: true });
});

describe("the vendor's curl examples against the simulator", () => {
  it('has all thirteen examples in the fixture', () => {
    expect([...examples.keys()]).toEqual([
      'lookup-template',
      'get-testplan',
      'executeplan',
      'status',
      'reserve',
      'heartbeat',
      'finished-success',
      'finished-error',
      'reset',
      'list-servers',
      'add-server',
      'update-server',
      'remove-server',
    ]);
    for (const command of examples.values()) {
      expect(command.startsWith(`curl --location "${DOC_HOST}/execution/v1/`)).toBe(true);
      expect(command).toContain(`Authorization: Token ${DOC_TOKEN}`);
    }
  });

  it('runs the execution flow: lookup, trigger, status, reserve, heartbeat, finished, reset', async () => {
    const found = await runExample('lookup-template');
    expect(found.code).toBe(200);
    // The documented query says "CI-Tests-master"; the answer is titled "CI Tests master".
    expect(found.json).toMatchObject({ id: 64, title: 'CI Tests master', type: 'template' });

    const plan = await runExample('get-testplan');
    expect(plan.code).toBe(200);
    expect(plan.json).toMatchObject({ id: 64, type: 'template', project: 'MyProject' });

    const created = await runExample('executeplan');
    expect(created.code).toBe(201);
    expect(created.json).toMatchObject({
      id: 105,
      type: 'instance',
      title: 'Nightly Regression Run',
      batch_name: 'Nightly_Tests_2025',
      count: 0,
    });

    const counts = await runExample('status');
    expect(counts.code).toBe(200);
    expect(counts.json).toEqual({ open: 2, reserved: 0, done: 0 });

    const reserved = await runExample('reserve');
    expect(reserved.code).toBe(200);
    expect(reserved.json).toMatchObject({
      status: 'Reservation successful',
      execution_id: 3339,
      batch: 'Nightly_Tests_2025',
      project_name: 'MyProject',
      server: { id: 1, host: '127.0.0.1', port: '4322', testset: 3339 },
    });

    expect((await runExample('heartbeat')).code).toBe(200);

    const failed = await runExample('finished-error');
    expect(failed.code).toBe(200);
    expect(failed.json).toEqual({ status: 'Execution marked as finished' });

    expect((await runExample('reset')).code).toBe(200);

    // A worker takes the reset execution again (not one of the examples), then succeeds.
    const again = await fetch(`${sim.baseUrl}/execution/v1/reserve/105`, {
      method: 'POST',
      headers: { Authorization: `Token ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ capabilities: [{ key: 'OS', value: 'Linux' }] }),
    });
    expect(((await again.json()) as { execution_id: number }).execution_id).toBe(3339);
    const succeeded = await runExample('finished-success');
    expect(succeeded.code).toBe(200);
    expect(succeeded.json).toEqual({ status: 'Execution marked as finished' });

    const after = await fetch(`${sim.baseUrl}/execution/v1/status/105`, {
      headers: { Authorization: `Token ${TOKEN}` },
    });
    expect(await after.json()).toEqual({ open: 3, reserved: 0, done: 1 });
  });

  it('runs the Squish server examples: list, add, update, remove', async () => {
    const listed = await runExample('list-servers');
    expect(listed.code).toBe(200);
    expect(listed.json).toHaveLength(2);

    const added = await runExample('add-server');
    expect(added.code).toBe(200);
    expect(added.json).toEqual({
      enabled: true,
      host: '192.168.1.101',
      id: 3,
      labels: [
        { key: 'OS', value: 'Linux' },
        { key: 'browser', value: 'firefox' },
      ],
      port: '4324',
    });

    const updated = await runExample('update-server');
    expect(updated.code).toBe(200);
    expect(updated.json).toMatchObject({
      id: 3,
      enabled: false,
      port: '4325',
      host: '192.168.1.101',
    });

    expect((await runExample('remove-server')).code).toBe(200);
  });

  it('ran every example once, all authorized, with the exact trigger body and no token logged', async () => {
    expect([...ran].sort()).toEqual([...examples.keys()].sort());
    const log = (await (await fetch(`${sim.baseUrl}/__sim/requests`)).json()) as RequestRecord[];
    expect(log.every((entry) => entry.authorized)).toBe(true);
    const trigger = log.find((entry) => entry.route === 'trigger');
    expect(trigger?.body).toEqual({
      templateId: 64,
      title: 'Nightly Regression Run',
      batch: 'Nightly_Tests_2025',
    });
    expect(trigger?.headers['user-agent']).toMatch(/^curl\//);
    expect(JSON.stringify(log)).not.toContain(TOKEN);
  });
});
