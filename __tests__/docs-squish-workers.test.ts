// The worker workflows of docs/vendors/squish.md (issue 16) are ones a reader can copy: the
// GitHub one is a valid workflow and the GitLab one a valid pipeline (SchemaStore's schemas) with the three jobs wired as the page
// says, and every input the GitHub, GitLab and Azure examples give is one the action, the
// component and the task take.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Ajv } from 'ajv';
import { parse, parseAllDocuments } from 'yaml';
import { actionYaml, ROOT } from './helpers/github-runner.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- parsed YAML, checked by the assertions */
const page = fs.readFileSync(path.join(ROOT, 'docs/vendors/squish.md'), 'utf8');
const section = page.slice(page.indexOf('## Workers: run the plan'));
const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1]);
const [github, gitlab, azure] = blocks.map((text) => parse(text) as Record<string, any>);

const actionInputs = Object.keys(actionYaml().inputs);
const componentInputs = Object.keys(
  (
    parseAllDocuments(
      fs.readFileSync(path.join(ROOT, 'gitlab/templates/testrelay.yml'), 'utf8'),
    )[0].toJS() as {
      spec: { inputs: Record<string, unknown> };
    }
  ).spec.inputs,
);
const taskInputs = (
  JSON.parse(fs.readFileSync(path.join(ROOT, 'azure-task/TestRelay/task.json'), 'utf8')) as {
    inputs: Array<{ name: string }>;
  }
).inputs.map((input) => input.name);

it('has the GitHub, GitLab and Azure workflows', () => {
  expect(blocks).toHaveLength(3);
});

it('the GitHub workflow is valid against the workflow schema', () => {
  const schema = JSON.parse(
    fs.readFileSync(path.join(ROOT, '__tests__/fixtures/schemas/github-workflow.json'), 'utf8'),
  ) as Record<string, unknown>;
  delete schema.$schema;
  const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
  validate(github);
  expect(validate.errors ?? []).toEqual([]);
});

it('the GitHub workflow: trigger → workers matrix with mode: worker → wait, by runId', () => {
  const { trigger, workers, wait } = github.jobs;
  const step = (job: any) => job.steps.find((s: any) => s.uses?.startsWith('testrelay/testrelay@'));
  expect(step(trigger).with.mode).toBe('trigger');
  expect(trigger.outputs.runId).toBe(`\${{ steps.${step(trigger).id}.outputs.runId }}`);
  expect(workers.needs).toBe('trigger');
  expect(workers.strategy.matrix.include.length).toBeGreaterThanOrEqual(2);
  expect(step(workers).with).toMatchObject({
    mode: 'worker',
    runId: '${{ needs.trigger.outputs.runId }}',
    capabilities: '${{ matrix.capabilities }}',
  });
  expect(step(workers).with.command).toBeTruthy();
  expect(wait.needs).toBe('trigger');
  expect(step(wait).with.runId).toBe('${{ needs.trigger.outputs.runId }}');
  expect(step(wait).with.mode).toBeUndefined();
  for (const job of [trigger, workers, wait]) {
    for (const name of Object.keys(step(job).with)) expect(actionInputs).toContain(name);
  }
});

it('the GitLab pipeline is valid against the GitLab CI schema', () => {
  const schema = JSON.parse(
    fs.readFileSync(path.join(ROOT, '__tests__/fixtures/schemas/gitlab-ci.json'), 'utf8'),
  ) as Record<string, unknown>;
  delete schema.$schema;
  // The schema's "uri" formats need ajv-formats; without it they were ignored anyway.
  const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(
    schema,
  );
  validate(gitlab);
  expect(validate.errors ?? []).toEqual([]);
});

it('the GitLab pipeline uses only component inputs, with a parallel matrix of workers', () => {
  const includes = gitlab.include as Array<{ inputs: Record<string, string> }>;
  expect(includes.map((include) => include.inputs.mode)).toEqual(['trigger', 'worker', undefined]);
  for (const include of includes) {
    for (const name of Object.keys(include.inputs)) expect(componentInputs).toContain(name);
  }
  const workerJob = includes[1].inputs.jobName;
  expect(gitlab[workerJob].parallel.matrix).toBeDefined();
  expect(includes[1].inputs.runId).toBe('$TESTRELAY_RUN_ID');
});

it('the Azure pipeline uses only task inputs, with a strategy matrix of workers', () => {
  const jobs = azure.jobs as Array<Record<string, any>>;
  const workers = jobs.find((job) => job.job === 'workers')!;
  expect(workers.strategy.matrix).toBeDefined();
  expect(workers.steps[0].inputs).toMatchObject({ mode: 'worker', runId: '$(runId)' });
  for (const job of jobs) {
    for (const step of job.steps) {
      for (const name of Object.keys(step.inputs)) expect(taskInputs).toContain(name);
    }
  }
});
