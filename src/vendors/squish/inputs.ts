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
      'Squish Test Center: key=value lines; wait only for the executions with these capabilities (e.g. OS=Linux). In worker mode: what this machine offers; it reserves only executions (and servers) that have them.',
  },
  {
    name: 'mode',
    label: 'Mode',
    description:
      "Squish Test Center: empty to trigger (or attach) and wait; 'trigger' to only start the plan (workers attach with its runId output); 'worker' to run the plan's executions here (reserve, run command, heartbeat, finished).",
  },
  {
    name: 'command',
    label: 'Command per execution',
    description:
      'Squish Test Center, worker mode: the shell command to run for each reserved execution; it gets TESTRELAY_SQUISH_SUITE, _TESTCASE, _EXECUTION_ID, _SERVER_HOST … in its environment.',
  },
  {
    name: 'reservationTimeout',
    label: 'Reservation timeout',
    default: '30s',
    description:
      'Squish Test Center, worker mode: how long a reservation lasts without a heartbeat (heartbeats go every third of it), e.g. 30s.',
  },
  {
    name: 'allocateServer',
    label: 'Allocate a Squish server',
    default: 'false',
    description:
      'Squish Test Center, worker mode: have Test Center allocate a matching Squish server per execution (TESTRELAY_SQUISH_SERVER_HOST/_PORT).',
  },
  {
    name: 'concurrency',
    default: '1',
    description:
      'Squish Test Center, worker mode: executions run at once in this job, each with its own reservation (1 to 32).',
  },
  {
    name: 'resetOnExitCodes',
    label: 'Reset on exit codes',
    description:
      "Squish Test Center, worker mode: the command's exit codes that mean an infrastructure failure, e.g. 75,76: the execution is reset for another worker instead of failing.",
  },
  {
    name: 'maxResets',
    label: 'Most resets per execution',
    default: '2',
    description:
      'Squish Test Center, worker mode: how often this worker resets one execution before it reports it failed.',
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
