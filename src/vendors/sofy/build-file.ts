// The build to upload (appPath): a local .apk/.ipa, or an http(s) URL downloaded first with the
// job's downloader (core/download.ts, or a CI's own, which may save under a random name); the
// trigger's signal reaches it, so a cancelled job stops the download.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { isAbortError } from '../../core/clock.js';
import { downloadToTemp, safeUrl } from '../../core/download.js';
import { InputError } from '../../core/input-reader.js';
import type { Logger } from '../../core/logger.js';
import type { Redactor } from '../../core/redact.js';

export type AppKind = 'apk' | 'ipa';

export interface BuildFile {
  /** Local path of the file to upload. */
  path: string;
  /** Name Sofy gets: it tells APK from IPA by the extension. */
  name: string;
  kind: AppKind;
  bytes: number;
}

export interface BuildFileDependencies {
  logger: Logger;
  redactor: Redactor;
  /** The job's way to download (the CI's own, or TestRelay's with the proxy and CA settings). */
  downloadFile?: (url: string, signal?: AbortSignal) => Promise<string>;
}

const KIND_OF_EXTENSION: Record<string, AppKind> = { apk: 'apk', ipa: 'ipa' };

function kindOfName(name: string): AppKind | undefined {
  return KIND_OF_EXTENSION[/\.([^./\\]+)$/.exec(name)?.[1]?.toLowerCase() ?? ''];
}

export async function resolveBuildFile(
  appPath: string,
  deps: BuildFileDependencies,
  signal: AbortSignal,
): Promise<BuildFile> {
  if (!/^https?:\/\//i.test(appPath)) {
    const kind = kindOfName(appPath);
    if (!kind) {
      throw new InputError('appPath', `appPath: expected an .apk or .ipa file, got "${appPath}"`);
    }
    return { path: appPath, name: path.basename(appPath), kind, bytes: sizeOf(appPath) };
  }
  // The query may hold a signed token: it never reaches a log.
  const shown = safeUrl(appPath);
  deps.logger.info(`Downloading the build from ${shown}…`);
  let local: string;
  try {
    local = deps.downloadFile
      ? await deps.downloadFile(appPath, signal)
      : await downloadToTemp(appPath, { logger: deps.logger, redactor: deps.redactor, signal });
  } catch (error) {
    if (isAbortError(error)) throw error;
    const reason = deps.redactor.redact((error as Error).message ?? String(error));
    throw new Error(`Could not download appPath ${shown}: ${reason.split(appPath).join(shown)}`);
  }
  signal.throwIfAborted();
  let name = '';
  try {
    name = decodeURIComponent(path.posix.basename(new URL(appPath).pathname));
  } catch {
    // keep the empty name: the content decides below
  }
  const kind = kindOfName(name) ?? sniffAppKind(local);
  if (!kind) {
    throw new Error(
      `appPath: ${shown} gave a file that is neither an .apk nor an .ipa (no such extension in ` +
        'the URL, and the content is not an Android or iOS app package). Sofy accepts only ' +
        '.apk and .ipa builds: check the URL (does it need authentication, or return an HTML page?).',
    );
  }
  if (!kindOfName(name)) name = `${name.replace(/[^\w.-]+/g, '') || 'build'}.${kind}`;
  return { path: local, name, kind, bytes: sizeOf(local) };
}

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch (error) {
    throw new InputError('appPath', `appPath: cannot read "${file}": ${(error as Error).message}`);
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const MAX_COMMENT = 0xffff;
const MAX_DIRECTORY_BYTES = 64 * 1024 * 1024;

/**
 * APK and IPA are both ZIP files: an APK holds AndroidManifest.xml at its root, an IPA a
 * Payload/<name>.app/ folder. Reads only the ZIP's central directory (its table of contents).
 */
export function sniffAppKind(file: string): AppKind | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const size = fs.fstatSync(fd).size;
    const tailLength = Math.min(size, 22 + MAX_COMMENT);
    const tail = Buffer.alloc(tailLength);
    fs.readSync(fd, tail, 0, tailLength, size - tailLength);
    let end = -1;
    for (let i = tailLength - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY) {
        end = i;
        break;
      }
    }
    if (end < 0) return undefined;
    const directoryBytes = tail.readUInt32LE(end + 12);
    const directoryOffset = tail.readUInt32LE(end + 16);
    if (directoryBytes > MAX_DIRECTORY_BYTES || directoryOffset + directoryBytes > size) {
      return undefined;
    }
    const directory = Buffer.alloc(directoryBytes);
    fs.readSync(fd, directory, 0, directoryBytes, directoryOffset);
    for (let at = 0; at + 46 <= directory.length;) {
      if (directory.readUInt32LE(at) !== CENTRAL_FILE_HEADER) break;
      const nameLength = directory.readUInt16LE(at + 28);
      const extraLength = directory.readUInt16LE(at + 30);
      const commentLength = directory.readUInt16LE(at + 32);
      const name = directory.toString('utf8', at + 46, at + 46 + nameLength);
      if (name === 'AndroidManifest.xml') return 'apk';
      if (/^Payload\/[^/]+\.app\//.test(name)) return 'ipa';
      at += 46 + nameLength + extraLength + commentLength;
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
