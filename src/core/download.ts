// Downloads a file to a temporary path through the shared HTTP client, so a download honours
// the proxy, the extra CA certificates, the job's cancel signal and the redaction of secrets
// like every other request. For CIs without a download helper of their own.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHttpClient } from './http.js';
import type { Logger } from './logger.js';
import type { Redactor } from './redact.js';

// A build of a few hundred MB over a slow line: the whole download is bounded, not each read.
const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;

export interface DownloadOptions {
  logger: Logger;
  redactor: Redactor;
  caCertPath?: string;
  signal?: AbortSignal;
}

export async function downloadToTemp(url: string, options: DownloadOptions): Promise<string> {
  const parsed = new URL(url);
  const http = createHttpClient({
    vendor: 'Download',
    baseUrl: parsed.origin,
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
  await http.download(
    `${parsed.pathname}${parsed.search}`,
    file,
    options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
  );
  return file;
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
