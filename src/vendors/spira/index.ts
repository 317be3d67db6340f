// Spira (SpiraTest / SpiraTeam / SpiraPlan) as a TestRelay module: its inputs, settings,
// outputs and sink.

import { createHttpClient } from '../../core/http.js';
import { commonClientOptions, defineSink, type ModuleDependencies } from '../../core/module.js';
import type { Settings } from '../../core/settings.js';
import type { Sink } from '../../core/sink.js';
import { SpiraApi } from './api.js';
import { SPIRA_INPUTS } from './inputs.js';
import { readSpiraSettings, type SpiraSettings } from './settings.js';
import { SpiraSink } from './sink.js';
import { SERVICE_PATH } from './wire.js';

export type { SpiraMapping, SpiraMappingEntry, SpiraSettings } from './settings.js';

/** Writes in flight at once: Inflectra recommends 3-5 concurrent posts (§5); 3 is the safe end. */
const SPIRA_MAX_CONCURRENT_WRITES = 3;

function createSpiraSink(settings: Settings, spira: SpiraSettings, deps: ModuleDependencies): Sink {
  // The relay already knows the key; a sink built another way (tests, other commands) must
  // not leak it either, in whatever form it travels (braced or bare).
  deps.redactor.add(spira.apiKey);
  deps.redactor.add(spira.apiKey?.replace(/^\{|\}$/g, ''));
  const http = createHttpClient({
    vendor: 'Spira',
    baseUrl: `${spira.url}${SERVICE_PATH}`,
    urlInput: 'spiraUrl',
    // Spira reads the credentials from these headers on every request (§2); the key keeps
    // its curly braces.
    headers: { username: spira.username ?? '', 'api-key': spira.apiKey ?? '' },
    ...commonClientOptions(settings, deps),
  });
  const api = new SpiraApi({
    http,
    logger: deps.logger,
    projectId: spira.projectId ?? 0,
    clock: deps.clock,
    random: deps.random,
  });
  return new SpiraSink(settings, spira, {
    api,
    logger: deps.logger,
    redactor: deps.redactor,
    clock: deps.clock,
    maxConcurrentWrites: SPIRA_MAX_CONCURRENT_WRITES,
  });
}

export const spiraModule = defineSink<SpiraSettings>({
  kind: 'sink',
  name: 'spira',
  displayName: 'Spira',
  inputs: SPIRA_INPUTS,
  commonInputNotes: { failOnNoMatch: 'no test maps to a test case.' },
  requiredInputs: ['spiraUrl', 'spiraUsername', 'spiraApiKey', 'spiraProjectId'],
  outputs: [
    {
      name: 'spiraRunUrl',
      description:
        'Link to the Spira build, or test runs, that received the results (with reportTo spira).',
    },
  ],
  outputsOf: (report) => ({ spiraRunUrl: report.url ?? '' }),
  readSettings: (inputs, _common, active) => readSpiraSettings(inputs, active),
  createSink: createSpiraSink,
});
