// Squish Test Center's own inputs, and what the common inputs mean for it.

import { CONNECTION_COMMANDS, defineInputs } from '../../core/inputs.js';

export const SQUISH_INPUTS = defineInputs('squish', [
  {
    name: 'project',
    label: 'Project',
    description: 'Squish Test Center: project of the template named by planTitle.',
  },
  {
    name: 'planTitle',
    label: 'Plan template title',
    description: 'Squish Test Center: title of the test plan template to run (instead of planId).',
  },
  {
    name: 'title',
    label: 'Execution title',
    description:
      'Squish Test Center: title of the new plan execution. Default: workflow name and run number.',
  },
  {
    name: 'batch',
    label: 'Batch',
    description:
      'Squish Test Center: batch that receives the results. Default: branch and run number, one batch per CI run.',
  },
  {
    name: 'username',
    label: 'User name',
    description: 'Squish Test Center: user name, with password, instead of an apiKey token.',
    commands: CONNECTION_COMMANDS,
  },
  {
    name: 'password',
    label: 'Password',
    secret: true,
    description: 'Squish Test Center: password for username. Pass it from a secret.',
    commands: CONNECTION_COMMANDS,
  },
  {
    name: 'scheduleTime',
    label: 'Schedule time',
    description:
      'Squish Test Center: when Test Center should run the plan itself: now, an ISO 8601 time, or epoch ms (with linkedRepos).',
  },
  {
    name: 'linkedRepos',
    label: 'Linked repositories',
    type: 'multiline',
    description:
      "Squish Test Center: '<repository id>=<branch or commit>' lines; a bare id means the CI's commit.",
  },
  {
    name: 'capabilities',
    label: 'Capabilities',
    type: 'multiline',
    description:
      'Squish Test Center: key=value lines; wait only for the executions with these capabilities (e.g. OS=Linux).',
  },
  {
    name: 'automationToken',
    label: 'Results API token',
    secret: true,
    description:
      "Squish Test Center: the AutomationToken shown on your server's Results API page, for per-test results.",
  },
]);

export const SQUISH_NOTES: Record<string, string> = {
  baseUrl: 'your server (required), e.g. http://testcenter.example.com:8800.',
  apiKey: 'an access token (or username and password).',
  planId: 'the template id (or use project and planTitle).',
};
