// Testomat.io: from settings to a ready Sink, and the close call of a shared run (the
// registry in ../sinks.ts calls these).

import { createHttpClient } from '../../core/http.js';
import type { Settings } from '../../core/settings.js';
import type { Sink, SinkReport } from '../../core/sink.js';
import type { SinkDependencies } from '../sinks.js';
import { TestomatioApi } from './api.js';
import { closeSharedRun } from './close.js';
import { TestomatioSink } from './sink.js';

export { findTestId, titleOf } from './match.js';
export { TestomatioSink } from './sink.js';

function createApi(settings: Settings, deps: SinkDependencies): TestomatioApi {
  // The relay already knows the token; a sink built another way (the CLI's close, tests) must
  // not leak it either, in whatever form it travels.
  deps.redactor.add(settings.testomatio.apiKey);
  const http = createHttpClient({
    vendor: 'Testomat.io',
    baseUrl: settings.testomatio.url,
    // The token travels in the JSON body (§2), never in a header or the URL.
    headers: {},
    redactor: deps.redactor,
    logger: deps.logger,
    caCertPath: settings.caCertPath,
    clock: deps.clock,
    random: deps.random,
  });
  return new TestomatioApi(http, settings.testomatio.apiKey ?? '', deps.redactor);
}

export function createTestomatioSink(settings: Settings, deps: SinkDependencies): Sink {
  return new TestomatioSink(settings, createApi(settings, deps), deps.logger, deps.redactor);
}

/**
 * What the last job of a sharded pipeline calls: `finish` on the shared run testomatioRunId,
 * which the other jobs reported their parts into. Resolves with a failed report, never throws.
 */
export async function closeTestomatioRun(
  settings: Settings,
  deps: SinkDependencies,
  signal: AbortSignal,
): Promise<SinkReport> {
  return await closeSharedRun(
    createApi(settings, deps),
    settings.testomatio.runId,
    settings.testomatio.closeStatus,
    deps.redactor,
    signal,
  );
}
