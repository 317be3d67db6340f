// Squish Test Center: from settings to a ready Source (the registry in ../index.ts calls this).

import { createHttpClient } from '../../core/http.js';
import type { Settings } from '../../core/settings.js';
import type { Source } from '../../core/source.js';
import type { SourceDependencies } from '../index.js';
import { SquishSource } from './source.js';

export { SquishSource } from './source.js';

/** `Token <token>`, or Basic with user:password (§2); settings guarantee one of them. */
export function squishAuthHeaders(settings: Settings): Record<string, string> {
  if (settings.apiKey) return { Authorization: `Token ${settings.apiKey}` };
  const basic = Buffer.from(`${settings.squish.username ?? ''}:${settings.squish.password ?? ''}`);
  return { Authorization: `Basic ${basic.toString('base64')}` };
}

/** The server address: a URL given with the API prefix still means the server. */
export function squishBaseUrl(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '').replace(/\/(execution|api)\/v1$/, '');
}

export function createSquishSource(settings: Settings, deps: SourceDependencies): Source {
  const headers = squishAuthHeaders(settings);
  // The relay already knows these secrets; a source built another way (the CLI's cancel,
  // tests) must not leak them either, in whatever form they travel.
  deps.redactor.add(settings.apiKey);
  deps.redactor.add(settings.squish.password);
  deps.redactor.add(settings.squish.automationToken);
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
    redactor: deps.redactor,
    logger: deps.logger,
    caCertPath: settings.caCertPath,
    clock: deps.clock,
  });
  return new SquishSource(settings, http, deps.logger, deps.redactor, deps.clock);
}
