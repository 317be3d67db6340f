// Testomat.io as a TestRelay module: its inputs, settings, outputs and sink, and the
// close-only job of a shared run.

import { createHttpClient } from '../../core/http.js';
import { commonClientOptions, defineSink, type ModuleDependencies } from '../../core/module.js';
import type { Settings } from '../../core/settings.js';
import { TestomatioApi } from './api.js';
import { closeSharedRun } from './close.js';
import { TESTOMATIO_INPUTS } from './inputs.js';
import { readTestomatioSettings, type TestomatioSettings } from './settings.js';
import { TestomatioSink } from './sink.js';

export { findTestId, titleOf } from './match.js';
export type { TestomatioSettings } from './settings.js';
export { TestomatioSink } from './sink.js';

function createApi(
  settings: Settings,
  own: TestomatioSettings,
  deps: ModuleDependencies,
): TestomatioApi {
  // The relay already knows the token; a sink built another way (the CLI's close, tests) must
  // not leak it either, in whatever form it travels.
  deps.redactor.add(own.apiKey);
  const http = createHttpClient({
    vendor: 'Testomat.io',
    baseUrl: own.url,
    urlInput: 'testomatioUrl',
    // The token travels in the JSON body (§2), never in a header or the URL.
    headers: {},
    ...commonClientOptions(settings, deps),
  });
  return new TestomatioApi(http, own.apiKey ?? '', deps.redactor);
}

export const testomatioModule = defineSink<TestomatioSettings>({
  kind: 'sink',
  name: 'testomatio',
  displayName: 'Testomat.io',
  inputs: TESTOMATIO_INPUTS,
  commonInputNotes: { failOnNoMatch: 'no test carries a @T id or a title it knows.' },
  requiredInputs: ['testomatioApiKey'],
  outputs: [
    {
      name: 'testomatioRunUrl',
      description:
        'Link to the Testomat.io run that received the results (with reportTo testomatio).',
    },
    {
      name: 'testomatioRunId',
      description:
        'Id of that Testomat.io run: pass it as testomatioRunId to a later job (e.g. to close a shared run).',
    },
  ],
  outputsOf: (report) => ({ testomatioRunUrl: report.url ?? '', testomatioRunId: report.id ?? '' }),
  readSettings: readTestomatioSettings,
  createSink: (settings, own, deps) =>
    new TestomatioSink(settings, own, createApi(settings, own, deps), deps.logger, deps.redactor),
  // The last job of a sharded pipeline: the parts reported into one run; this closes it.
  closeOnly: {
    wanted: (inputs) => inputs.text('testomatioRunId') !== '',
    hint: 'to close a shared Testomat.io run, reportTo testomatio with testomatioRunId',
    describe: (own) => `Testomat.io run ${own.runId ?? ''}`,
    async close(settings, own, deps, signal) {
      const api = createApi(settings, own, deps);
      const report = await closeSharedRun(api, own.runId, own.closeStatus, deps.redactor, signal);
      // The run id stays the job's output even when closing failed: a retry job needs it.
      return { ...report, id: report.id ?? deps.redactor.redact(own.runId ?? '') };
    },
  },
});
