// The registry of test platforms: from settings to a ready Source.

import type { Clock } from '../core/clock.js';
import { createHttpClient } from '../core/http.js';
import type { Logger } from '../core/logger.js';
import type { Redactor } from '../core/redact.js';
import type { Settings } from '../core/settings.js';
import type { Source } from '../core/source.js';
import { createSofySource } from './sofy/index.js';
import { createSquishSource } from './squish/index.js';
import { testsigmaAuthHeaders, testsigmaBaseUrl, TestsigmaSource } from './testsigma/source.js';

export interface SourceDependencies {
  logger: Logger;
  redactor: Redactor;
  clock?: Clock;
  /** Downloads a file to a local path (the CI agent's way); used for Sofy's appPath URLs. */
  downloadFile?: (url: string) => Promise<string>;
}

/** Throws InputError for vendor-specific problems in the settings, before any request. */
export function createSource(settings: Settings, deps: SourceDependencies): Source {
  switch (settings.vendor) {
    case 'testsigma': {
      const baseUrl = testsigmaBaseUrl(settings);
      const http = createHttpClient({
        vendor: 'Testsigma',
        baseUrl,
        headers: testsigmaAuthHeaders(settings.testsigma.apiFlavor, settings.apiKey ?? ''),
        redactor: deps.redactor,
        logger: deps.logger,
        caCertPath: settings.caCertPath,
        clock: deps.clock,
      });
      return new TestsigmaSource(settings, http, deps.logger, deps.clock);
    }
    case 'sofy':
      return createSofySource(settings, deps);
    case 'squish':
      return createSquishSource(settings, deps);
    default:
      throw new Error(`internal: no source for vendor ${String(settings.vendor)}`);
  }
}
