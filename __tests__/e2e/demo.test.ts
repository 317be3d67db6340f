// The README's quick start: `npm run demo` on the committed bundles, from a fresh directory.
// It takes about 13 s of simulated plan time; it guards the first command a new user runs.

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { collect, ROOT } from '../helpers/github-runner.js';

it('npm run demo triggers, waits, relays and reports to both simulated systems', async () => {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'testrelay-demo-'));
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'demo.mjs')], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: cwd },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const step = await collect(child, { timeoutMs: 60_000 });
  expect(step.exitCode).toBe(0);
  expect(step.stdout).toMatch(/Started Testsigma run \d+/);
  expect(step.stdout).toContain('Testomat.io received 12 test results');
  expect(step.stdout).toContain('Spira recorded 12 test runs in test case 1: 2 Failed, 10 Passed.');
  expect(step.stdout).toContain('testrelay exited 1');
  // The commands it prints are whole (a user re-runs them by hand): every flag that ran,
  // the keys as environment variables; and the report command, run as printed, works.
  expect(step.stdout).toMatch(/TESTRELAY_API_KEY=demo-api-key .*index\.js run \\\n/);
  expect(step.stdout).toContain("  --spira-mapping 'default = 1'");
  expect(step.stdout).toContain('  --testomatio-create-tests \\\n');
  expect(step.stdout).toMatch(/index\.js report \\\n {2}--junit-files demo-results\/junit\.xml/);
  expect(step.stdout).toContain('testrelay report exited 1: the same 2 failed tests.');
  expect(step.stdout.match(/Recorded 12 test runs in Spira/g)).toHaveLength(2);
  // No simulator chatter, no advice meant for a real vendor.
  expect(`${step.stdout}${step.stderr}`).not.toMatch(/ready; stop with|is faster than/);
  for (const file of ['junit.xml', 'summary.md', 'outputs.env']) {
    expect(fs.existsSync(path.join(cwd, 'demo-results', file))).toBe(true);
  }
  expect(fs.readFileSync(path.join(cwd, 'demo-results', 'outputs.env'), 'utf8')).toMatch(
    /^testomatioRunUrl=http:\/\/127\.0\.0\.1:\d+\/projects\//m,
  );
}, 90_000);
