// Sofy: from settings to a ready source, for either API generation (vendor-apis/sofy.md §2).

import { createHttpClient, type HttpClientOptions } from '../../core/http.js';
import { InputError, type Settings } from '../../core/settings.js';
import type { Source } from '../../core/source.js';
import type { SourceDependencies } from '../index.js';
import { CurrentApi, LegacyApi } from './api.js';
import { SOFY_CURRENT_URL, SOFY_LEGACY_URL } from './errors.js';
import { SofySource } from './source.js';

export { SOFY_CURRENT_URL, SOFY_LEGACY_URL } from './errors.js';
export const SOFY_PORTAL_URL = 'https://portal.sofy.ai';

// Sofy parses an uploaded build before it answers; a big one can keep the line quiet for a while.
const UPLOAD_READ_TIMEOUT_MS = 15 * 60_000;

/** The base URL for the generation, refusing Sofy's own host of the other one. */
export function sofyBaseUrl(settings: Settings): string {
  const generation = settings.sofy.apiGeneration;
  const url = settings.baseUrl ?? (generation === 'legacy' ? SOFY_LEGACY_URL : SOFY_CURRENT_URL);
  const host = hostOf(url);
  if (generation === 'current' && host === hostOf(SOFY_LEGACY_URL)) {
    throw new InputError(
      'baseUrl',
      `baseUrl: ${url} is Sofy's legacy API, which takes a numeric ScheduledID as planId; ` +
        `for a schedule GUID use ${SOFY_CURRENT_URL} (or leave baseUrl empty).`,
    );
  }
  if (generation === 'legacy' && host === hostOf(SOFY_CURRENT_URL)) {
    throw new InputError(
      'baseUrl',
      `baseUrl: ${url} is Sofy's current API, which takes a schedule GUID as planId; ` +
        `for a numeric ScheduledID use ${SOFY_LEGACY_URL} (or leave baseUrl empty).`,
    );
  }
  return url;
}

/**
 * Sofy documents no link to a single run. For Sofy's own hosts the best honest link is the
 * portal; for any other base URL (a proxy, the simulator) its origin.
 */
export function sofyPortalUrl(baseUrl: string): string {
  const host = hostOf(baseUrl);
  if (host === 'sofy.ai' || host.endsWith('.sofy.ai')) return SOFY_PORTAL_URL;
  try {
    return new URL(baseUrl).origin;
  } catch {
    return SOFY_PORTAL_URL;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return '';
  }
}

export function createSofySource(settings: Settings, deps: SourceDependencies): Source {
  const apiKey = settings.apiKey ?? '';
  // The relay has added it already; the CLI's cancel and any other caller may not have.
  deps.redactor.add(apiKey);
  const baseUrl = sofyBaseUrl(settings);
  const legacy = settings.sofy.apiGeneration === 'legacy';
  const options: HttpClientOptions = {
    vendor: 'Sofy',
    baseUrl,
    // The legacy API takes the key in each JSON body instead (see LegacyApi).
    headers: legacy ? {} : { 'x-sofy-auth-key': apiKey },
    redactor: deps.redactor,
    logger: deps.logger,
    caCertPath: settings.caCertPath,
    clock: deps.clock,
  };
  const http = createHttpClient(options);
  const uploadHttp = settings.sofy.appPath
    ? createHttpClient({ ...options, readTimeoutMs: UPLOAD_READ_TIMEOUT_MS })
    : http;
  const planId = settings.planId ?? '';
  const api = legacy
    ? new LegacyApi(http, uploadHttp, planId, apiKey)
    : new CurrentApi(http, uploadHttp, planId);
  return new SofySource(settings, api, deps, baseUrl, sofyPortalUrl(baseUrl));
}
