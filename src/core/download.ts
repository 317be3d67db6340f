// Downloads a file to a temporary path, for CIs without a download helper of their own.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;

export async function downloadToTemp(url: string, signal?: AbortSignal): Promise<string> {
  const timeout = AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS);
  const response = await fetch(url, {
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    redirect: 'follow',
  });
  if (!response.ok || !response.body) {
    throw new Error(`Could not download ${safeUrl(url)}: HTTP ${response.status}`);
  }
  const name = path.basename(new URL(url).pathname) || 'download';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'testrelay-'));
  const file = path.join(dir, name);
  await pipeline(
    Readable.fromWeb(response.body as import('node:stream/web').ReadableStream),
    fs.createWriteStream(file),
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
