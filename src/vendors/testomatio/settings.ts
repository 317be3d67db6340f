// Testomat.io's settings: its inputs read, normalized and checked, every problem named by
// input, before any request.

import type { Inputs } from '../../core/input-reader.js';
import type { Settings } from '../../core/settings.js';

export interface TestomatioSettings {
  /** Project token (tstmt_…). */
  apiKey?: string;
  /** Server origin, e.g. https://app.testomat.io (no trailing slash). */
  url: string;
  /** Report into this existing run (e.g. one Testomat.io created when it started the pipeline). */
  runId?: string;
  /** Title of a new run; undefined = the sink builds one from the result and the CI. */
  title?: string;
  env?: string;
  tags: string[];
  /** Run group title (group_title); `/` nests groups. */
  group?: string;
  /** One run shared by parallel jobs: each job reports a part (`*_parallel`). */
  sharedRun: boolean;
  /** Let Testomat.io create tests it cannot match. */
  createTests: boolean;
  /** Unit of `run_time` (the vendor's importer uses ms; its spec says s). */
  runTimeUnit: 'ms' | 's';
  /**
   * How the job that closes a shared run closes it: `finish` lets Testomat.io work out the
   * result from the parts; `pass`/`fail` say it (the pipeline knows which shards failed).
   */
  closeStatus: 'finish' | 'pass' | 'fail';
}

export function readTestomatioSettings(
  inputs: Inputs,
  common: Settings,
  active: boolean,
): TestomatioSettings {
  const runTimeUnit = inputs.oneOf('testomatioRunTimeUnit', ['ms', 's'] as const) ?? 'ms';
  const settings: TestomatioSettings = {
    apiKey: inputs.optional('testomatioApiKey'),
    url: inputs.httpUrl('testomatioUrl', { noQuery: true }) ?? '',
    runId: inputs.optional('testomatioRunId'),
    title: inputs.optional('testomatioTitle'),
    env: inputs.optional('testomatioEnv'),
    tags: inputs
      .text('testomatioTags')
      .split(/[,\n]/)
      .map((tag) => tag.trim())
      .filter(Boolean),
    group: inputs.optional('testomatioGroup'),
    sharedRun: inputs.bool('testomatioSharedRun'),
    createTests: inputs.bool('testomatioCreateTests'),
    runTimeUnit,
    closeStatus:
      inputs.oneOf('testomatioRunStatus', ['finish', 'pass', 'fail'] as const) ?? 'finish',
  };
  if (active) checkRequired(inputs, settings);
  if (common.mode !== 'close' && settings.closeStatus !== 'finish') {
    inputs.problem(
      'testomatioRunStatus',
      'only for the job that closes a shared Testomat.io run (reportTo testomatio with testomatioRunId, no vendor, no junitFiles); ' +
        'a job that reports results closes its run with pass or fail from its own verdict',
    );
  }
  return settings;
}

function checkRequired(inputs: Inputs, settings: TestomatioSettings): void {
  if (!settings.apiKey) {
    inputs.problem(
      'testomatioApiKey',
      'required to report to testomatio: the project token (tstmt_…) from a secret',
    );
  }
  if (settings.runId && !/^[\w-]+$/.test(settings.runId)) {
    inputs.problem(
      'testomatioRunId',
      `expected a Testomat.io run id (letters, digits, - or _), got "${settings.runId}"`,
    );
  }
}
