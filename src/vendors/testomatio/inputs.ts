// Testomat.io's inputs (reportTo testomatio).

import { defineInputs, SINK_COMMANDS } from '../../core/inputs.js';

export const TESTOMATIO_INPUTS = defineInputs('testomatio', [
  {
    name: 'testomatioApiKey',
    label: 'Testomat.io token',
    secret: true,
    description:
      'Testomat.io project token (tstmt_…); Testomat.io passes it as `testomatio` when it starts the pipeline. Pass it from a secret.',
    commands: SINK_COMMANDS,
  },
  {
    name: 'testomatioUrl',
    label: 'Testomat.io server',
    default: 'https://app.testomat.io',
    description: 'Testomat.io server (on-premise or beta hosts).',
    commands: SINK_COMMANDS,
  },
  {
    name: 'testomatioRunId',
    label: 'Testomat.io run',
    description:
      'Report into this existing run instead of creating one (Testomat.io passes it as `run` when it starts the pipeline).',
    commands: SINK_COMMANDS,
  },
  {
    name: 'testomatioTitle',
    label: 'Testomat.io run title',
    description:
      'Title of the new run. Default: what ran and the CI run, e.g. "Testsigma test plan 2090 · CI #42". Parallel jobs of a shared run must use the same title.',
    commands: SINK_COMMANDS,
  },
  {
    name: 'testomatioEnv',
    label: 'Testomat.io environment',
    description: 'Environment of the run, e.g. "Windows, Chrome".',
    commands: SINK_COMMANDS,
  },
  {
    name: 'testomatioTags',
    label: 'Testomat.io tags',
    description: 'Tags of the new run, comma-separated.',
    commands: SINK_COMMANDS,
  },
  {
    name: 'testomatioGroup',
    label: 'Testomat.io run group',
    description: 'Run group (by title; created if needed; "/" nests groups).',
    commands: SINK_COMMANDS,
  },
  {
    name: 'testomatioSharedRun',
    label: 'Shared Testomat.io run',
    default: 'false',
    description:
      'Parallel jobs report into one run (found by title): each job closes only its part; a last job with testomatioRunId closes the run.',
    commands: SINK_COMMANDS,
  },
  {
    name: 'testomatioRunStatus',
    label: 'Close the shared run as',
    options: ['finish', 'pass', 'fail'],
    default: 'finish',
    description:
      'Only for the job that closes a shared run: finish (Testomat.io works out the result from the parts), pass or fail.',
    commands: SINK_COMMANDS,
  },
  {
    name: 'testomatioCreateTests',
    label: 'Create unmatched tests',
    default: 'false',
    description:
      'Let Testomat.io create the tests it cannot match (no @T id, no test of that title).',
    commands: SINK_COMMANDS,
  },
  {
    name: 'testomatioRunTimeUnit',
    label: 'run_time unit',
    options: ['ms', 's'],
    default: 'ms',
    description:
      "Unit of each test's run_time: 'ms' (what Testomat.io's own importer sends) or 's' (what its API spec says).",
    commands: SINK_COMMANDS,
  },
]);
