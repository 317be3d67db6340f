// Where and how TestRelay talks to Testsigma: the base URL (refusing the retired /rest API)
// and the auth header of each API flavor.

import { inputWithValue } from '../../core/input-names.js';
import { InputError, type Settings } from '../../core/settings.js';
import type { ApiFlavor } from './wire.js';

export const TESTSIGMA_CLOUD_URL = 'https://app.testsigma.com/api/v1';

export function testsigmaAuthHeaders(flavor: ApiFlavor, apiKey: string): Record<string, string> {
  // The self-hosted server checks X-TS-API-KEY first; the cloud takes a Bearer token.
  return flavor === 'self-hosted'
    ? { 'X-TS-API-KEY': apiKey }
    : { Authorization: `Bearer ${apiKey}` };
}

/** Base URL to use, after refusing configurations of the retired /rest API. */
export function testsigmaBaseUrl(settings: Settings): string {
  const url = settings.baseUrl ?? TESTSIGMA_CLOUD_URL;
  if (/\/rest\/?$/.test(url) || /\/rest\/execution\//.test(url)) {
    throw new InputError(
      'baseUrl',
      `baseUrl: ${url} is Testsigma's retired /rest API (user and password auth), which TestRelay does not support. ` +
        `Use the API key API: ${TESTSIGMA_CLOUD_URL} for the cloud, or https://<host>:9090/api/v1 with ${inputWithValue('apiFlavor', 'self-hosted')}.`,
    );
  }
  return url;
}
