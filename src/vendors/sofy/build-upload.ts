// Which build a Sofy run uses: the appHash given, none (the schedule's latest build), or the
// hash Sofy gives a build uploaded from appPath. An upload is sent once: Sofy refuses the
// same build a second time as a duplicate.

import type { SofyApi } from './api.js';
import { type BuildFileDependencies, formatBytes, resolveBuildFile } from './build-file.js';
import { explainUploadError } from './errors.js';
import type { SofySettings } from './settings.js';
import { appHashOf, messageOf } from './wire.js';

export async function appHashToRun(
  own: Pick<SofySettings, 'appHash' | 'appPath'>,
  api: Pick<SofyApi, 'upload'>,
  deps: BuildFileDependencies,
  signal: AbortSignal,
): Promise<string | undefined> {
  const { appHash, appPath } = own;
  const log = deps.logger;
  if (appHash) {
    log.info(`Running the build with app hash ${appHash} (appHash).`);
    return appHash;
  }
  if (!appPath) {
    log.info("No appHash or appPath: Sofy runs the latest build of the schedule's application.");
    return undefined;
  }
  const file = await resolveBuildFile(appPath, deps, signal);
  log.info(`Uploading ${file.name} (${formatBytes(file.bytes)}) to Sofy…`);
  let raw: unknown;
  try {
    raw = await api.upload(file, signal);
  } catch (error) {
    throw explainUploadError(error, file.name);
  }
  const hash = appHashOf(raw);
  if (!hash) {
    throw new Error(
      `Sofy accepted the upload of ${file.name} but named no app hash (it said: ` +
        `${deps.redactor.redact(messageOf(raw) ?? 'nothing')}), so the schedule was not started.`,
    );
  }
  log.info(`Uploaded ${file.name}: running the build with app hash ${hash}.`);
  return hash;
}
