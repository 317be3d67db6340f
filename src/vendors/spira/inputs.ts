// Spira's inputs (reportTo spira).

import { defineInputs, SINK_COMMANDS } from '../../core/inputs.js';

export const SPIRA_INPUTS = defineInputs('spira', [
  {
    name: 'spiraUrl',
    label: 'Spira URL',
    description:
      'Spira instance, e.g. https://example.spiraservice.net (with its virtual directory on-premise, e.g. https://host/Spira).',
    commands: SINK_COMMANDS,
  },
  {
    name: 'spiraUsername',
    label: 'Spira user name',
    description: 'Spira user name that records the test runs.',
    commands: SINK_COMMANDS,
  },
  {
    name: 'spiraApiKey',
    label: 'Spira API key',
    secret: true,
    description:
      "The Spira user's API key (RSS token, with or without its curly braces). Pass it from a secret.",
    commands: SINK_COMMANDS,
  },
  {
    name: 'spiraProjectId',
    label: 'Spira product ID',
    description: 'Spira product (project) id, e.g. 24 or PR:24.',
    commands: SINK_COMMANDS,
  },
  {
    name: 'spiraReleaseId',
    label: 'Spira release ID',
    description: 'Release the test runs belong to, e.g. 5 or RL:5.',
    commands: SINK_COMMANDS,
  },
  {
    name: 'spiraTestSetId',
    label: 'Spira test set ID',
    description: 'Test set the test runs belong to, e.g. 2 or TX:2.',
    commands: SINK_COMMANDS,
  },
  {
    name: 'spiraMapping',
    label: 'Spira test case mapping',
    type: 'multiline',
    description:
      'Tests → Spira test cases: a file (or the lines inline) of "classname.name = 123" lines, "default = 9" for the rest, "= 123 manual" for the manual-run flow. Tests may also carry TC:123 in their name or a spira.testCaseId JUnit property.',
    commands: SINK_COMMANDS,
  },
  {
    name: 'spiraBuildName',
    label: 'Spira build name',
    description:
      'Create a build of this name under spiraReleaseId first (passed or failed from the verdict) and record the runs in it.',
    commands: SINK_COMMANDS,
  },
  {
    name: 'spiraStatuses',
    label: 'Spira statuses',
    type: 'multiline',
    description:
      'ExecutionStatusId per test status over the defaults passed=2, failed=1, error=5 (Blocked), skipped=3 (Not Run), e.g. "skipped=4".',
    commands: SINK_COMMANDS,
  },
]);
