// Squish Test Center as a TestRelay module: its inputs, settings, source and worker mode.

import { createHttpClient, type HttpClient } from '../../core/http.js';
import { commonClientOptions, defineSource, type ModuleDependencies } from '../../core/module.js';
import type { Settings } from '../../core/settings.js';
import { SQUISH_INPUTS, SQUISH_NOTES } from './inputs.js';
import {
  basicAuthSecrets,
  basicCredentials,
  readSquishSettings,
  type SquishSettings,
} from './settings.js';
import { SquishSource } from './source.js';
import { squishWorkerMode } from './worker-mode.js';
import { WORKER_OUTPUTS } from './worker-report.js';

export type { SquishSettings } from './settings.js';
export { SquishSource } from './source.js';

/** `Token <token>`, or Basic with user:password (§2); settings guarantee one of them. */
export function squishAuthHeaders(settings: Settings, own: SquishSettings): Record<string, string> {
  if (settings.apiKey) return { Authorization: `Token ${settings.apiKey}` };
  return { Authorization: `Basic ${basicCredentials(own.username ?? '', own.password ?? '')}` };
}

/** The server address: a URL given with the API prefix still means the server. */
export function squishBaseUrl(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '').replace(/\/(execution|api)\/v1$/, '');
}

export const squishModule = defineSource<SquishSettings>({
  kind: 'source',
  name: 'squish',
  displayName: 'Squish Test Center',
  inputs: SQUISH_INPUTS,
  commonInputNotes: SQUISH_NOTES,
  requiredInputs: ['baseUrl', 'apiKey|username', 'planId|planTitle|runId'],
  defaultTimeout: '1h',
  derivedSecrets: basicAuthSecrets,
  readSettings: readSquishSettings,
  createSource(settings, own, deps) {
    return buildClient(settings, own, deps).source;
  },
  worker: squishWorkerMode(buildClient),
  outputs: WORKER_OUTPUTS,
});

function buildClient(
  settings: Settings,
  own: SquishSettings,
  deps: ModuleDependencies,
): { source: SquishSource; http: HttpClient; serverUrl: string } {
  const headers = squishAuthHeaders(settings, own);
  // The relay already knows these secrets; a source built another way (the CLI's cancel,
  // tests) must not leak them either, in whatever form they travel.
  deps.redactor.add(settings.apiKey);
  deps.redactor.add(own.password);
  deps.redactor.add(own.automationToken);
  if (!settings.apiKey) deps.redactor.add(headers.Authorization.slice('Basic '.length));
  const baseUrl = squishBaseUrl(settings.baseUrl ?? '');
  if (settings.baseUrl && baseUrl !== settings.baseUrl.replace(/\/+$/, '')) {
    deps.logger.info(
      `baseUrl: using the server address ${baseUrl} (the API paths are added to it).`,
    );
  }
  const http = createHttpClient({
    vendor: 'Squish Test Center',
    baseUrl,
    headers,
    ...commonClientOptions(settings, deps),
  });
  const source = new SquishSource(settings, own, http, deps.logger, deps.redactor, deps.clock);
  return { source, http, serverUrl: baseUrl };
}
