// The GitLab component end to end: gitlab-ci-local (the pinned 4.73.0, shell executor, no
// Docker) runs a pipeline that includes gitlab/templates/testrelay.yml with inputs, the job
// installs the CLI from a tarball packed from this checkout (cliVersion) and runs it against
// the simulators. Asserted: the job's status, the JUnit and dotenv reports, the log's
// sections, one trigger, and no secret in the job log or artifacts.
//
// gitlab-ci-local sets GITLAB_CI=false on purpose (to tell itself from a runner); the
// pipelines set it to true, as GitLab does, so the CLI acts as in a real GitLab job.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { startSimulator } from '../../src/vendors/simulators.js';
import { commitAll } from '../helpers/git-project.js';
import { ROOT } from '../helpers/github-runner.js';
import { placesHolding } from '../helpers/secrets.js';
import { SimulatorHandle } from '../helpers/simulator.js';

const GITLAB_CI_LOCAL = path.join(ROOT, 'node_modules', 'gitlab-ci-local', 'dist', 'index.js');
const TESTSIGMA_KEY = 'ts-gitlab-key-7c1d9e';
const SQUISH_TOKEN = 'squish-gitlab-token-3b8f';
const QUICK = { queuedSeconds: 0, durationSeconds: 1, tests: 3 };

let tarball: string;
let packDir: string;
const projects: string[] = [];
let testsigma: SimulatorHandle;
let squish: SimulatorHandle;

beforeAll(async () => {
  // The CLI as users get it: `npm pack` of this checkout (dist/cli is committed).
  packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'testrelay-pack-'));
  const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', packDir], {
    cwd: ROOT,
    encoding: 'utf8',
  }).trim();
  tarball = path.join(packDir, name.split('\n').pop() as string);
  testsigma = new SimulatorHandle(
    await startSimulator({ vendor: 'testsigma', apiKey: TESTSIGMA_KEY }),
  );
  squish = new SimulatorHandle(await startSimulator({ vendor: 'squish', apiKey: SQUISH_TOKEN }));
});

afterAll(async () => {
  await testsigma?.close();
  await squish?.close();
  for (const dir of [packDir, ...projects]) fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  for (const sim of [testsigma, squish]) {
    await fetch(`${sim.baseUrl}/__sim/reset`, { method: 'POST' });
    await sim.clearRequests();
  }
});

interface Pipeline {
  /** gitlab-ci-local's exit status (0 also for a failure its allow_failure rule allows). */
  exitCode: number | null;
  /** The job's result as the pipeline shows it. */
  status?: string;
  /** gitlab-ci-local's own output (job lines prefixed with the job name). */
  output: string;
  /** The job's raw log, escape codes and all. */
  log: string;
  /** The dotenv report, parsed. */
  dotenv: Record<string, string>;
  junit: string;
  summary: string;
  project: string;
  exitAfterSignalMs?: number;
}

interface PipelineOptions {
  /** CI/CD variables of the project (where the secrets are). */
  variables?: Record<string, string>;
  /** Files to commit into the project. */
  files?: Record<string, string>;
  /** SIGTERM the job's TestRelay process once the job log matches this. */
  sigtermWhen?: RegExp;
  /** Inputs of further includes of the component: more TestRelay jobs in the pipeline. */
  moreJobs?: Record<string, string>[];
}

async function runPipeline(
  inputs: Record<string, string>,
  options: PipelineOptions = {},
): Promise<Pipeline> {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'testrelay-gitlab-'));
  projects.push(project);
  fs.mkdirSync(path.join(project, 'templates'));
  fs.copyFileSync(
    path.join(ROOT, 'gitlab', 'templates', 'testrelay.yml'),
    path.join(project, 'templates', 'testrelay.yml'),
  );
  const include = {
    include: [inputs, ...(options.moreJobs ?? [])].map((jobInputs) => ({
      local: 'templates/testrelay.yml',
      inputs: { cliVersion: tarball, ...jobInputs },
    })),
  };
  fs.writeFileSync(path.join(project, '.gitlab-ci.yml'), JSON.stringify(include, null, 2));
  for (const [file, text] of Object.entries(options.files ?? {})) {
    fs.mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
    fs.writeFileSync(path.join(project, file), text);
  }
  commitAll(project);

  const variables = { GITLAB_CI: 'true', ...options.variables };
  const args = [
    GITLAB_CI_LOCAL,
    '--force-shell-executor',
    '--no-color',
    '--ignore-predefined-vars',
    'GITLAB_CI',
  ];
  for (const [name, value] of Object.entries(variables))
    args.push('--variable', `${name}=${value}`);
  const child = spawn(process.execPath, args, {
    cwd: project,
    env: { PATH: process.env.PATH ?? '', HOME: project },
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  let signalledAt: number | undefined;
  const watcher = options.sigtermWhen
    ? setInterval(() => {
        if (signalledAt === undefined && options.sigtermWhen?.test(output)) {
          signalledAt = Date.now();
          sigtermTestRelay(project);
        }
      }, 50)
    : undefined;
  const exitCode = await exitOf(child);
  if (watcher) clearInterval(watcher);

  const read = (file: string) =>
    fs.existsSync(path.join(project, file))
      ? fs.readFileSync(path.join(project, file), 'utf8')
      : '';
  const dotenv = Object.fromEntries(
    read('testrelay-results/testrelay.env')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  return {
    exitCode,
    status: /^\s*(PASS|FAIL|WARN)\s+testrelay\b/m.exec(output)?.[1],
    output,
    log: read('.gitlab-ci-local/output/testrelay.log'),
    dotenv,
    junit: read('testrelay-results/junit.xml'),
    summary: read('testrelay-results/summary.md'),
    project,
    exitAfterSignalMs: signalledAt === undefined ? undefined : Date.now() - signalledAt,
  };
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

/** What GitLab does to a cancelled job's script: SIGTERM to the process it runs. */
function sigtermTestRelay(project: string): void {
  const ps = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  for (const line of ps.split('\n')) {
    const [pid, ...args] = line.trim().split(/\s+/);
    if (!args.join(' ').includes('.bin/testrelay run')) continue;
    // This test's job: the one running in this project (the job's working directory).
    const cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
    if (cwd === project || cwd.startsWith(`${project}/`)) process.kill(Number(pid), 'SIGTERM');
  }
}

/** The counts on <testsuites>, as GitLab's JUnit report reads them. */
function junitCounts(xml: string): Record<string, string> {
  const open = /<testsuites\b[^>]*>/.exec(xml)?.[0] ?? '';
  return Object.fromEntries(
    ['tests', 'failures', 'errors', 'skipped'].map((name) => [
      name,
      new RegExp(`\\b${name}="(\\d+)"`).exec(open)?.[1] ?? '',
    ]),
  );
}

/** No secret in the job log, gitlab-ci-local's output or any artifact TestRelay wrote. */
function expectNoSecret(pipeline: Pipeline, secret: string): void {
  expect(placesHolding(secret, { stdout: pipeline.output, stderr: pipeline.log })).toEqual([]);
  const results = path.join(pipeline.project, 'testrelay-results');
  if (fs.existsSync(results)) expect(placesHolding(secret, { workspace: results })).toEqual([]);
}

/**
 * The log's sections, as gitlab-ci-local saw them: it matches each marker with GitLab's own
 * pattern and logs `<name>_started` and `<name> took <n>ms` in its place, so a malformed
 * marker would show here as raw text instead.
 */
const sections = (log: string): string[] =>
  [...log.matchAll(/\b(testrelay_[a-z]+)(_started| took \d+ms)/g)].map(
    (match) => `${match[2] === '_started' ? 'start' : 'end'} ${match[1]}`,
  );

it('the template is what npm run docs makes, two YAML documents: spec, then the job', () => {
  const text = fs.readFileSync(path.join(ROOT, 'gitlab', 'templates', 'testrelay.yml'), 'utf8');
  const [spec, job] = text.split(/^---$/m).map((part) => parse(part));
  expect(Object.keys(spec)).toEqual(['spec']);
  expect(Object.keys(job)).toEqual(['$[[ inputs.jobName ]]']);
});

it('a passing Testsigma plan: job passes, JUnit and dotenv reports, sections, one trigger', async () => {
  await testsigma.scenario(QUICK);
  const pipeline = await runPipeline(
    { vendor: 'testsigma', baseUrl: testsigma.baseUrl, planId: '2090', pollInterval: '1s' },
    { variables: { TESTRELAY_API_KEY: TESTSIGMA_KEY } },
  );
  expect({ exit: pipeline.exitCode, status: pipeline.status }).toEqual({ exit: 0, status: 'PASS' });
  expect(junitCounts(pipeline.junit)).toEqual({
    tests: '3',
    failures: '0',
    errors: '0',
    skipped: '0',
  });
  expect(pipeline.dotenv).toMatchObject({
    TESTRELAY_STATE: 'completed',
    TESTRELAY_VERDICT: 'passed',
    TESTRELAY_TOTAL: '3',
    TESTRELAY_FAILED: '0',
  });
  expect(pipeline.dotenv.TESTRELAY_RUN_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
  expect(pipeline.log).not.toContain('section_');
  expect(sections(pipeline.log)).toEqual([
    'start testrelay_trigger',
    'end testrelay_trigger',
    'start testrelay_wait',
    'end testrelay_wait',
    'start testrelay_results',
    'end testrelay_results',
  ]);
  expect(pipeline.summary).toContain('Passed');
  expect(await testsigma.count('trigger')).toBe(1);
  // The build links back to the GitLab job (gitlab-ci-local's CI_JOB_URL).
  const [trigger] = (await testsigma.requests()).filter((r) => r.route === 'trigger');
  expect(JSON.stringify(trigger.body ?? trigger.query ?? {})).toContain('/-/jobs/');
  expectNoSecret(pipeline, TESTSIGMA_KEY);
});

it('a later TestRelay job triggers its own plan, not attach to the run in the dotenv of an earlier one', async () => {
  // Dotenv variables of earlier jobs override job variables in GitLab: a second job whose
  // runId input came as TESTRELAY_RUN_ID would attach to the first job's run.
  await testsigma.scenario(QUICK);
  const common = { vendor: 'testsigma', baseUrl: testsigma.baseUrl, pollInterval: '1s' };
  const pipeline = await runPipeline(
    { ...common, planId: '2090' },
    {
      variables: { TESTRELAY_API_KEY: TESTSIGMA_KEY },
      moreJobs: [{ ...common, planId: '2091', jobName: 'testrelay-again', stage: 'deploy' }],
    },
  );
  expect(/^\s*(PASS|FAIL|WARN)\s+testrelay-again\b/m.exec(pipeline.output)?.[1]).toBe('PASS');
  const triggers = (await testsigma.requests()).filter((r) => r.route === 'trigger');
  expect(triggers.map((r) => JSON.stringify(r.body ?? r.query)).join('\n')).toContain('2091');
  expect(triggers).toHaveLength(2);
  const again = fs.readFileSync(
    path.join(pipeline.project, '.gitlab-ci-local', 'output', 'testrelay-again.log'),
    'utf8',
  );
  expect(again).not.toMatch(/attach/i);
});

it('a failing Squish plan: job fails, the JUnit report holds the failure', async () => {
  await squish.scenario({ ...QUICK, workers: 2, failed: 1 });
  const pipeline = await runPipeline(
    { vendor: 'squish', baseUrl: squish.baseUrl, planId: '64', pollInterval: '1s' },
    { variables: { TESTRELAY_API_KEY: SQUISH_TOKEN } },
  );
  expect(pipeline.status).toBe('FAIL');
  expect(pipeline.dotenv).toMatchObject({
    TESTRELAY_VERDICT: 'failed',
    TESTRELAY_TOTAL: '3',
    TESTRELAY_FAILED: '1',
  });
  expect(junitCounts(pipeline.junit).tests).toBe('3');
  expect(Number(junitCounts(pipeline.junit).failures)).toBe(1);
  expect(await squish.count('trigger')).toBe(1);
  expectNoSecret(pipeline, SQUISH_TOKEN);
});

it('file mode: JUnit files of the job, no vendor, no request', async () => {
  const junit =
    '<testsuite name="unit"><testcase name="a"/><testcase name="b"><failure message="boom"/></testcase>' +
    '<testcase name="c"><skipped/></testcase></testsuite>';
  const pipeline = await runPipeline(
    { junitFiles: 'reports/*.xml' },
    { files: { 'reports/unit.xml': junit } },
  );
  expect(pipeline.status).toBe('FAIL');
  expect(junitCounts(pipeline.junit)).toEqual({
    tests: '3',
    failures: '1',
    errors: '0',
    skipped: '1',
  });
  expect(pipeline.dotenv).toMatchObject({ TESTRELAY_TOTAL: '3', TESTRELAY_FAILED: '1' });
  expect(await testsigma.requests()).toEqual([]);
});

it('a bad input fails the job before any request, naming the input', async () => {
  const pipeline = await runPipeline(
    { vendor: 'testsigma', baseUrl: testsigma.baseUrl, planId: 'plan-a' },
    { variables: { TESTRELAY_API_KEY: TESTSIGMA_KEY } },
  );
  expect(pipeline.status).toBe('FAIL');
  // Named as the component's input the user set, not as the CLI flag the job runs.
  expect(pipeline.log).toContain('planId: expected a numeric testsigma test plan id');
  expect(pipeline.log).not.toContain('--plan-id');
  expect(await testsigma.requests()).toEqual([]);
  expectNoSecret(pipeline, TESTSIGMA_KEY);
});

it('a neutral timeout is a warning: exit code 5, allowed to fail', async () => {
  await testsigma.scenario({ ...QUICK, durationSeconds: 120 });
  const pipeline = await runPipeline(
    {
      vendor: 'testsigma',
      baseUrl: testsigma.baseUrl,
      planId: '2090',
      pollInterval: '1s',
      timeout: '3s',
      onTimeout: 'neutral',
    },
    { variables: { TESTRELAY_API_KEY: TESTSIGMA_KEY } },
  );
  expect({ exit: pipeline.exitCode, status: pipeline.status }).toEqual({ exit: 0, status: 'WARN' });
  expect(pipeline.dotenv.TESTRELAY_STATE).toBe('timed_out');
  expect(await testsigma.count('trigger')).toBe(1);
});

it('SIGTERM mid-wait stops the remote run, writes the reports and exits within 5 s', async () => {
  await testsigma.scenario({ ...QUICK, durationSeconds: 120 });
  const pipeline = await runPipeline(
    { vendor: 'testsigma', baseUrl: testsigma.baseUrl, planId: '2090', pollInterval: '1s' },
    { variables: { TESTRELAY_API_KEY: TESTSIGMA_KEY }, sigtermWhen: /Started Testsigma run/ },
  );
  expect(pipeline.exitAfterSignalMs).toBeLessThan(5000);
  expect(pipeline.status).toBe('FAIL');
  expect(pipeline.dotenv.TESTRELAY_STATE).toBe('cancelled');
  expect(pipeline.junit).toContain('<testsuites');
  expect(await testsigma.count('stop')).toBe(1);
  expect(await testsigma.count('trigger')).toBe(1);
  expectNoSecret(pipeline, TESTSIGMA_KEY);
});
