// Sofy's own inputs, and what the common inputs mean for Sofy.

import { defineInputs } from '../../core/inputs.js';

export const SOFY_INPUTS = defineInputs('sofy', [
  {
    name: 'appHash',
    label: 'App hash',
    description: 'Sofy: run this uploaded build (its app hash). Default: the latest build.',
  },
  {
    name: 'appPath',
    label: 'App file or URL',
    description:
      'Sofy: upload this .apk or .ipa first (a local path, or an http(s) URL that is downloaded) and run it.',
  },
]);

export const SOFY_NOTES: Record<string, string> = {
  baseUrl: 'default https://public.sofy.ai, or https://api.sofy.ai for the legacy API.',
  apiKey: 'the API key (a GUID; Account › Account Settings › API Key).',
  planId: 'the scheduled run id (a GUID; a number for the legacy API).',
  runId: 'the test run group id, with planId.',
  apiFlavor:
    "'current' (public.sofy.ai) or 'legacy' (api.sofy.ai); default: from planId (a GUID is current, a number legacy).",
};
