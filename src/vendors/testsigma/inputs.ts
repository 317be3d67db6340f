// Testsigma's own inputs, and what the common inputs mean for Testsigma.

import { defineInputs } from '../../core/inputs.js';

export const TESTSIGMA_INPUTS = defineInputs('testsigma', [
  {
    name: 'runtimeData',
    label: 'Runtime data',
    type: 'multiline',
    description:
      'Testsigma runtime data: key=value lines, or a JSON object of strings. TestRelay adds ciRunUrl and ciCommit unless you set them.',
  },
  {
    name: 'buildNo',
    label: 'Build number',
    description: "Testsigma build number shown with the results. Default: the CI's run number.",
  },
  {
    name: 'environmentId',
    label: 'Environment ID',
    description: 'Testsigma environment id to run against (a positive integer).',
  },
]);

export const TESTSIGMA_NOTES: Record<string, string> = {
  baseUrl:
    'default https://app.testsigma.com/api/v1; required for a self-hosted server, e.g. https://testsigma.example.com:9090/api/v1.',
  planId: 'the plan id (CI/CD Integration tab).',
  apiFlavor: "'cloud' (default) or 'self-hosted'.",
};
