// Sofy's addresses: the API host of each generation, and the honest link for a run.

import { InputError, type Settings } from '../../core/settings.js';
import { SOFY_CURRENT_URL, SOFY_LEGACY_URL } from './errors.js';
import type { SofySettings } from './settings.js';

export { SOFY_CURRENT_URL, SOFY_LEGACY_URL } from './errors.js';
export const SOFY_PORTAL_URL = 'https://portal.sofy.ai';

/** The base URL for the generation, refusing Sofy's own host of the other one. */
export function sofyBaseUrl(settings: Settings, own: SofySettings): string {
  const generation = own.apiGeneration;
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
