// .github/workflows/ci.yml: valid for GitHub (SchemaStore's workflow schema), and doing what
// CONTRIBUTING.md says CI does: .ci/run on the Node version package.json promises, a named
// check-dist job, and the action itself run against a simulator the job started.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { actionYaml, ROOT } from '../helpers/github-runner.js';

const SCHEMA_PATH = path.join(ROOT, '..', 'shared', 'schemas', 'github-workflow.json');
const LOCAL_SCHEMA = path.join(ROOT, '__tests__', 'fixtures', 'schemas', 'github-workflow.json');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string | number | boolean>;
}
interface Job {
  'runs-on': string;
  steps: Step[];
}

const workflow = parse(
  fs.readFileSync(path.join(ROOT, '.github', 'workflows', 'ci.yml'), 'utf8'),
) as { jobs: Record<string, Job> };
const jobs = Object.values(workflow.jobs);
const nodeOf = (job: Job): unknown =>
  job.steps.find((step) => step.uses?.startsWith('actions/setup-node@'))?.with?.['node-version'];

it('is valid against the GitHub workflow schema', () => {
  const schemaFile = fs.existsSync(SCHEMA_PATH) ? SCHEMA_PATH : LOCAL_SCHEMA;
  const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8')) as Record<string, unknown>;
  delete schema.$schema;
  const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
  validate(workflow);
  expect(validate.errors ?? []).toEqual([]);
});

it('runs .ci/run on Ubuntu with the oldest Node version package.json supports', () => {
  const engines = (
    JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      engines: { node: string };
    }
  ).engines.node;
  const oldest = Number(/^>=(\d+)$/.exec(engines)?.[1]);
  const ci = jobs.filter((job) => job.steps.some((step) => step.run?.trim() === 'bash .ci/run'));
  expect(ci.map((job) => ({ os: job['runs-on'], node: nodeOf(job) }))).toEqual([
    { os: 'ubuntu-latest', node: oldest },
  ]);
});

it('has a check-dist job that rebuilds the bundles and fails on a difference', () => {
  const job = workflow.jobs['check-dist'];
  const commands = job.steps.map((step) => step.run ?? '').join('\n');
  expect(commands).toContain('npm run build');
  expect(commands).toContain('npm run docs');
  expect(commands).toMatch(/git status --porcelain[\s\S]*exit 1/);
});

it('runs the action itself (uses: ./) against testrelay simulate started earlier in the job', () => {
  const inputs = Object.keys(actionYaml().inputs as Record<string, unknown>);
  const runs = jobs.flatMap((job) => {
    const index = job.steps.findIndex((step) => step.uses === './');
    if (index === -1) return [];
    const step = job.steps[index];
    const port = /^http:\/\/127\.0\.0\.1:(\d+)\//.exec(String(step.with?.baseUrl))?.[1];
    // The simulator is the packed package's, started with npx in the background, on that port.
    const started = job.steps
      .slice(0, index)
      .some(
        (earlier) =>
          /npx [^\n]*--package=[^\n]*\.tgz/.test(earlier.run ?? '') &&
          new RegExp(`testrelay simulate --vendor testsigma --port ${port} [^\\n]*&\\n`).test(
            earlier.run?.replace(/\\\n\s*/g, '') ?? '',
          ),
      );
    const unknown = Object.keys(step.with ?? {}).filter((name) => !inputs.includes(name));
    return [{ vendor: step.with?.vendor, port: port !== undefined, started, unknown }];
  });
  expect(runs).toEqual([{ vendor: 'testsigma', port: true, started: true, unknown: [] }]);
});
