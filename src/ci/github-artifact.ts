// Uploads the JUnit file and the markdown summary as a workflow artifact, with the same
// library actions/upload-artifact@v4+ uses. Its errors are terse or scattered over many
// shapes; they leave here as one ArtifactUploadError whose message says what to do,
// with the runtime token and any SAS signature masked.
// @actions/artifact (with Azure's storage client) is over half of the action's code, and
// only a run with artifactName needs it: it is imported when an upload starts, so ncc puts
// it in a chunk of its own that other runs never load.
import { existsSync } from 'node:fs';
import { Redactor } from '../core/redact.js';

export type ArtifactUploadFailure =
  | 'not-in-actions' // no runtime token / results URL: not a GitHub Actions job step
  | 'already-exists' // an artifact with this name was already uploaded in this run
  | 'files-missing'
  | 'unsupported' // GitHub Enterprise Server: @actions/artifact v2+ is not supported there
  | 'failed';

export class ArtifactUploadError extends Error {
  constructor(
    message: string,
    readonly reason: ArtifactUploadFailure,
  ) {
    super(message);
    this.name = 'ArtifactUploadError';
  }
}

export interface ArtifactUploadOptions {
  /** Days to keep the artifact; the repository's maximum (GITHUB_RETENTION_DAYS) caps it. */
  retentionDays?: number;
}

const RUNTIME_VARS = ['ACTIONS_RUNTIME_TOKEN', 'ACTIONS_RESULTS_URL'] as const;

export async function uploadResultsArtifact(
  name: string,
  files: string[],
  rootDirectory: string,
  options: ArtifactUploadOptions = {},
): Promise<{ id?: number; size?: number }> {
  const fail = (what: string, reason: ArtifactUploadFailure): ArtifactUploadError =>
    new ArtifactUploadError(`Cannot upload artifact "${name}": ${redact(what)}`, reason);

  const unset = RUNTIME_VARS.filter((v) => !process.env[v]);
  if (unset.length > 0) {
    throw fail(
      `not running inside a GitHub Actions job (${unset.join(' and ')} ${unset.length > 1 ? 'are' : 'is'} not set). ` +
        'Leave artifactName empty outside GitHub Actions.',
      'not-in-actions',
    );
  }
  const absent = files.filter((f) => !existsSync(f));
  if (files.length === 0 || absent.length > 0) {
    throw fail(`file not found: ${absent.join(', ') || '(no files given)'}`, 'files-missing');
  }

  try {
    const { DefaultArtifactClient } = await import('@actions/artifact');
    const client = new DefaultArtifactClient();
    const { id, size } = await client.uploadArtifact(name, files, rootDirectory, {
      retentionDays: options.retentionDays,
    });
    return { id, size };
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    if (/\(409\)|already exists/i.test(err.message)) {
      throw fail(
        'an artifact with this name already exists in this workflow run. ' +
          'Artifact names must be unique per run: include the job or matrix values in artifactName.',
        'already-exists',
      );
    }
    if (err.name === 'GHESNotSupportedError') {
      throw fail(
        'workflow artifacts via @actions/artifact v2+ are not supported on GitHub Enterprise Server.',
        'unsupported',
      );
    }
    if (err.name === 'FilesNotFoundError' || /does not exist/.test(err.message)) {
      throw fail(err.message, 'files-missing');
    }
    if (
      /ACTIONS_RUNTIME_TOKEN|ACTIONS_RESULTS_URL|JWT token|Invalid token specified/.test(
        err.message,
      )
    ) {
      throw fail(
        `ACTIONS_RUNTIME_TOKEN is not a usable Actions runtime token (${err.message})`,
        'not-in-actions',
      );
    }
    throw fail(err.message, 'failed');
  }
}

/** The runtime token and signed-URL signatures must not reach the log. */
function redact(text: string): string {
  const redactor = new Redactor();
  redactor.add(process.env.ACTIONS_RUNTIME_TOKEN);
  return redactor.redact(text).replace(/([?&]sig=)[^&\s"']+/gi, '$1***');
}
