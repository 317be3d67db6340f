// The GitLab pipeline of docs/vendors/squish.md (issue 16), run by gitlab-ci-local (shell
// executor) as the page shows it, only pointed at this checkout's component (include: local),
// a CLI packed from it and the Squish simulator: the trigger job's dotenv report hands runId
// to a parallel: matrix of two worker jobs and to the job that waits for the plan.

import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { startSimulator } from '../../src/vendors/simulators.js';
import { commitAll } from '../helpers/git-project.js';
import { ROOT } from '../helpers/github-runner.js';
import { placesHolding } from '../helpers/secrets.js';
import { SimulatorHandle } from '../helpers/simulator.js';

const GITLAB_CI_LOCAL = path.join(ROOT, 'node_modules', 'gitlab-ci-local', 'dist', 'index.js');
const TOKEN = 'squish-gitlab-workers-token-2f7c';
let sim: SimulatorHandle;
let packDir: string;
let project: string;

beforeAll(async () => {
  packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'testrelay-pack-'));
  execFileSync('npm', ['pack', '--silent', '--pack-destination', packDir], { cwd: ROOT });
  sim = new SimulatorHandle(await startSimulator({ vendor: 'squish', apiKey: TOKEN }));
  await sim.scenario({ workers: 0, tests: 4, capabilities: 'OS=Linux,OS=Windows' });
}, 60_000);

afterAll(async () => {
  await sim?.close();
  for (const dir of [packDir, project]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/* eslint-disable @typescript-eslint/no-explicit-any -- parsed YAML, rewritten below */
/** The page's GitLab pipeline, with the component and server this test has. */
function documentedPipeline(tarball: string): Record<string, any> {
  const page = fs.readFileSync(path.join(ROOT, 'docs/vendors/squish.md'), 'utf8');
  const section = page.slice(page.indexOf('### GitLab CI/CD'));
  const yaml = /```yaml\n([\s\S]*?)```/.exec(section)![1];
  const pipeline = parse(yaml) as Record<string, any>;
  for (const include of pipeline.include) {
    delete include.component;
    include.local = 'templates/testrelay.yml';
    include.inputs = { ...include.inputs, baseUrl: sim.baseUrl, cliVersion: tarball };
  }
  // Runner tags pick machines in GitLab; the shell executor here is every machine.
  delete pipeline['squish-workers'].tags;
  return pipeline;
}

it('trigger → parallel: matrix workers → the waiting job, with every execution run once', async () => {
  const tarball = path.join(
    packDir,
    fs.readdirSync(packDir).find((f) => f.endsWith('.tgz'))!,
  );
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'testrelay-gitlab-workers-'));
  fs.mkdirSync(path.join(project, 'templates'));
  fs.mkdirSync(path.join(project, 'ci'));
  fs.copyFileSync(
    path.join(ROOT, 'gitlab/templates/testrelay.yml'),
    path.join(project, 'templates/testrelay.yml'),
  );
  fs.writeFileSync(
    path.join(project, 'ci/run-squish-test.sh'),
    '#!/bin/sh\necho "squishrunner $TESTRELAY_SQUISH_SUITE/$TESTRELAY_SQUISH_TESTCASE on $SQUISH_OS"\n',
    { mode: 0o755 },
  );
  fs.writeFileSync(path.join(project, '.gitlab-ci.yml'), stringify(documentedPipeline(tarball)));
  commitAll(project);

  const child = spawn(
    process.execPath,
    [
      GITLAB_CI_LOCAL,
      '--force-shell-executor',
      '--no-color',
      '--ignore-predefined-vars',
      'GITLAB_CI',
      '--variable',
      'GITLAB_CI=true',
      '--variable',
      `TESTRELAY_API_KEY=${TOKEN}`,
    ],
    { cwd: project, env: { PATH: process.env.PATH ?? '', HOME: project } },
  );
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exitCode = await new Promise((resolve) => child.on('exit', resolve));

  const status = (job: string) =>
    new RegExp(`^\\s*(PASS|FAIL|WARN)\\s+${job.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm').exec(
      output,
    )?.[1];
  expect({ exitCode, output: output.slice(-3000) }).toMatchObject({ exitCode: 0 });
  expect(status('squish-trigger')).toBe('PASS');
  expect(status('squish-workers: [Linux]')).toBe('PASS');
  expect(status('squish-workers: [Windows]')).toBe('PASS');
  expect(status('squish-results')).toBe('PASS');

  const requests = await sim.requests();
  const finished = requests.filter((r) => r.route === 'finished').map((r) => r.path);
  expect(finished.sort()).toEqual(
    [3339, 3340, 3341, 3342].map((id) => `/execution/v1/finished/${id}`),
  );
  // Each matrix job reserved with its own capability.
  const asked = requests
    .filter((r) => r.route === 'reserve')
    .map((r) => JSON.stringify((r.body as { capabilities: unknown }).capabilities));
  expect(new Set(asked)).toEqual(
    new Set(['[{"key":"OS","value":"Linux"}]', '[{"key":"OS","value":"Windows"}]']),
  );
  expect(output).toContain('squishrunner suite_smoke/tst_login_works on Linux');
  // The waiting job attached to the plan the trigger job started, and saw it through.
  expect(requests.filter((r) => r.route === 'trigger')).toHaveLength(1);
  const results = fs.readFileSync(
    path.join(project, '.gitlab-ci-local/output/squish-results.log'),
    'utf8',
  );
  expect(results).toMatch(/completed, verdict passed — 4 tests: 4 passed/);
  expect(placesHolding(TOKEN, { stdout: output })).toEqual([]);
}, 240_000);
