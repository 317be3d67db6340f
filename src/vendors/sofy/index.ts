// Sofy (both API generations, vendor-apis/sofy.md §2) as a TestRelay module: its inputs,
// settings and source.

import { createHttpClient, type HttpClientOptions } from '../../core/http.js';
import { defineSource, type ModuleDependencies } from '../../core/module.js';
import type { Settings } from '../../core/settings.js';
import type { Source } from '../../core/source.js';
import { CurrentApi, LegacyApi } from './api.js';
import { SOFY_INPUTS, SOFY_NOTES } from './inputs.js';
import { readSofySettings, signedUrlSecrets, type SofySettings } from './settings.js';
import { SofySource } from './source.js';
import { sofyBaseUrl, sofyPortalUrl } from './urls.js';

export type { SofySettings } from './settings.js';
export {
  SOFY_CURRENT_URL,
  SOFY_LEGACY_URL,
  SOFY_PORTAL_URL,
  sofyBaseUrl,
  sofyPortalUrl,
} from './urls.js';

// Sofy parses an uploaded build before it answers; a big one can keep the line quiet for a while.
const UPLOAD_READ_TIMEOUT_MS = 15 * 60_000;

export const sofyModule = defineSource<SofySettings>({
  kind: 'source',
  name: 'sofy',
  displayName: 'Sofy',
  inputs: SOFY_INPUTS,
  commonInputNotes: SOFY_NOTES,
  requiredInputs: ['apiKey', 'planId'],
  // Sofy may wait up to 2 hours for a backup device before a run even starts.
  defaultTimeout: '2h30m',
  defaultTimeoutNote: 'its device queue can take 2 hours',
  derivedSecrets: signedUrlSecrets,
  readSettings: readSofySettings,
  createSource: createSofySource,
});

function createSofySource(settings: Settings, own: SofySettings, deps: ModuleDependencies): Source {
  const apiKey = settings.apiKey ?? '';
  // The relay has added it already; the CLI's cancel and any other caller may not have.
  deps.redactor.add(apiKey);
  const baseUrl = sofyBaseUrl(settings, own);
  const legacy = own.apiGeneration === 'legacy';
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
  const uploadHttp = own.appPath
    ? createHttpClient({ ...options, readTimeoutMs: UPLOAD_READ_TIMEOUT_MS })
    : http;
  const planId = settings.planId ?? '';
  const api = legacy
    ? new LegacyApi(http, uploadHttp, planId, apiKey)
    : new CurrentApi(http, uploadHttp, planId);
  return new SofySource(settings, own, api, deps, baseUrl, sofyPortalUrl(baseUrl));
}
