// Downloads a file to a temporary path through the shared HTTP client, so a download honours
// the proxy, the extra CA certificates, the job's cancel signal and the redaction of secrets
// like every other request. Every CI uses it: a CI's own helper (GitHub's tool-cache) cannot
// be cancelled, and would keep a cancelled job alive until it is killed.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Clock, systemClock } from './clock.js';
import { createHttpClient, VendorHttpError } from './http.js';
import type { Logger } from './logger.js';
import type { Redactor } from './redact.js';

// A build of a few hundred MB over a slow line: the whole download is bounded, not each read.
const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;
// Storage servers have bad moments: a network error, 429 or 5xx is tried again, twice.
const DOWNLOAD_ATTEMPTS = 3;
const RETRY_DELAY_MS = 2000;

export interface DownloadOptions {
  logger: Logger;
  redactor: Redactor;
  caCertPath?: string;
  /** The job's cancel signal: it stops the download at once, also between attempts. */
  signal?: AbortSignal;
  clock?: Clock;
}

export async function downloadToTemp(url: string, options: DownloadOptions): Promise<string> {
  const parsed = new URL(url);
  const http = createHttpClient({
    vendor: 'Download',
    baseUrl: parsed.origin,
    urlInput: null,
    // No credentials travel with a download, so following a redirect (signed storage URLs
    // redirect) cannot carry a key to another host.
    headers: {},
    followRedirects: true,
    readTimeoutMs: DOWNLOAD_TIMEOUT_MS,
    redactor: options.redactor,
    logger: options.logger,
    caCertPath: options.caCertPath,
  });
  const name = path.basename(parsed.pathname) || 'download';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'testrelay-'));
  const file = path.join(dir, name);
  const timeout = AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const clock = options.clock ?? systemClock;
  for (let attempt = 1; ; attempt++) {
    try {
      await http.download(`${parsed.pathname}${parsed.search}`, file, signal);
      return file;
    } catch (error) {
      if (signal.aborted || attempt >= DOWNLOAD_ATTEMPTS || !worthRetrying(error)) throw error;
      const delay = RETRY_DELAY_MS * attempt;
      options.logger.info(
        `${(error as Error).message}; retrying in ${delay / 1000}s (attempt ${attempt + 1} of ${DOWNLOAD_ATTEMPTS})`,
      );
      await clock.sleep(delay, signal);
    }
  }
}

function worthRetrying(error: unknown): boolean {
  if (!(error instanceof VendorHttpError)) return false;
  return error.status === undefined || error.status === 429 || error.status >= 500;
}

/** The URL without its query, which may carry a signed token. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return 'the URL';
  }
}
