// Testsigma (cloud and self-hosted) as a TestRelay module: its inputs, settings and source.

import { createHttpClient } from '../../core/http.js';
import { commonClientOptions, defineSource } from '../../core/module.js';
import { TESTSIGMA_INPUTS, TESTSIGMA_NOTES } from './inputs.js';
import { readTestsigmaSettings, type TestsigmaSettings } from './settings.js';
import { testsigmaAuthHeaders, testsigmaBaseUrl } from './connection.js';
import { TestsigmaSource } from './source.js';

export type { TestsigmaSettings } from './settings.js';

export const testsigmaModule = defineSource<TestsigmaSettings>({
  kind: 'source',
  name: 'testsigma',
  displayName: 'Testsigma',
  inputs: TESTSIGMA_INPUTS,
  commonInputNotes: TESTSIGMA_NOTES,
  requiredInputs: ['apiKey', 'planId|runId'],
  defaultTimeout: '30m',
  readSettings: readTestsigmaSettings,
  createSource(settings, own, deps) {
    const http = createHttpClient({
      vendor: 'Testsigma',
      baseUrl: testsigmaBaseUrl(settings),
      headers: testsigmaAuthHeaders(own.apiFlavor, settings.apiKey ?? ''),
      ...commonClientOptions(settings, deps),
    });
    return new TestsigmaSource(settings, own, http, deps.logger, deps.clock);
  },
});
