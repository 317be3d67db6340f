// Spira (SpiraTest / SpiraTeam / SpiraPlan): from settings to a ready Sink (the registry in
// ../sinks.ts calls this).

import { createHttpClient } from '../../core/http.js';
import type { Settings } from '../../core/settings.js';
import type { Sink } from '../../core/sink.js';
import type { SinkDependencies } from '../sinks.js';
import { SpiraApi } from './api.js';
import { SpiraSink } from './sink.js';
import { SERVICE_PATH } from './wire.js';

/** Writes in flight at once: Inflectra recommends 3-5 concurrent posts (§5); 3 is the safe end. */
const SPIRA_MAX_CONCURRENT_WRITES = 3;

export function createSpiraSink(settings: Settings, deps: SinkDependencies): Sink {
  const spira = settings.spira;
  // The relay already knows the key; a sink built another way (tests, other commands) must
  // not leak it either, in whatever form it travels (braced or bare).
  deps.redactor.add(spira.apiKey);
  deps.redactor.add(spira.apiKey?.replace(/^\{|\}$/g, ''));
  const http = createHttpClient({
    vendor: 'Spira',
    baseUrl: `${spira.url}${SERVICE_PATH}`,
    // Spira reads the credentials from these headers on every request (§2); the key keeps
    // its curly braces.
    headers: { username: spira.username ?? '', 'api-key': spira.apiKey ?? '' },
    redactor: deps.redactor,
    logger: deps.logger,
    caCertPath: settings.caCertPath,
    clock: deps.clock,
    random: deps.random,
  });
  const api = new SpiraApi({
    http,
    logger: deps.logger,
    projectId: spira.projectId ?? 0,
    clock: deps.clock,
    random: deps.random,
  });
  return new SpiraSink(settings, {
    api,
    logger: deps.logger,
    redactor: deps.redactor,
    clock: deps.clock,
    maxConcurrentWrites: SPIRA_MAX_CONCURRENT_WRITES,
  });
}
