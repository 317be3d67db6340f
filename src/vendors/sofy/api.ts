// Sofy's two API generations behind one interface (vendor-apis/sofy.md §2-§3): the source
// decides what to do, an api knows the paths, payloads and auth of its generation.

import * as fs from 'node:fs';
import type { HttpClient } from '../../core/http.js';
import type { CancelReport, TriggerPreview } from '../../core/source.js';
import type { BuildFile } from './build-file.js';
import {
  type ApiGeneration,
  groupStatusOf,
  messageOf,
  osVersionsOf,
  rowsOf,
  type SofyRow,
} from './wire.js';

export interface GroupRead {
  rows: SofyRow[];
  /** The legacy API's own status of the group; undefined when it did not list the group. */
  groupStatus?: string;
}

export interface SofyApi {
  readonly generation: ApiGeneration;
  /** `appHash` as sent, or a placeholder for a build uploaded first. */
  previewTrigger(appHash: string | undefined): TriggerPreview;
  /** The raw answer; sent once (idempotent: false). */
  trigger(appHash: string | undefined, signal: AbortSignal): Promise<unknown>;
  read(groupId: string, signal: AbortSignal): Promise<GroupRead>;
  /** The group's status from the group list (current generation only; unconfirmed endpoint). */
  groupListStatus?(groupId: string, signal: AbortSignal): Promise<string | undefined>;
  /** Device name → OS version (current generation only). */
  osVersions?(signal: AbortSignal): Promise<Map<string, string>>;
  abort(groupId: string, signal: AbortSignal): Promise<CancelReport>;
  /** The raw answer; sent once (a second upload of the same build is refused as a duplicate). */
  upload(file: BuildFile, signal: AbortSignal): Promise<unknown>;
}

const MIME: Record<BuildFile['kind'], string> = {
  apk: 'application/vnd.android.package-archive',
  ipa: 'application/octet-stream',
};

/** Both generations take the build as the multipart field `applicationFile` (§3.1). */
async function buildForm(file: BuildFile): Promise<FormData> {
  const form = new FormData();
  // A file-backed Blob: the build is streamed from disk, not read into memory.
  form.append(
    'applicationFile',
    await fs.openAsBlob(file.path, { type: MIME[file.kind] }),
    file.name,
  );
  return form;
}

const NOTHING_TO_ABORT = /no test runs could be aborted/i;

/** public.sofy.ai: header `x-sofy-auth-key` (set on the client), schedule GUID in the path. */
export class CurrentApi implements SofyApi {
  readonly generation = 'current';
  private readonly schedulePath: string;

  constructor(
    private readonly http: HttpClient,
    private readonly uploadHttp: HttpClient,
    private readonly scheduleId: string,
  ) {
    this.schedulePath = `/scheduler-microservice/scheduled-runs/${encodeURIComponent(scheduleId)}`;
  }

  previewTrigger(appHash: string | undefined): TriggerPreview {
    const query = appHash ? `?appHash=${appHash}` : '';
    return { method: 'POST', url: `${this.http.url(`${this.schedulePath}/execute`)}${query}` };
  }

  trigger(appHash: string | undefined, signal: AbortSignal): Promise<unknown> {
    return this.http.json({
      method: 'POST',
      path: `${this.schedulePath}/execute`,
      query: appHash ? { appHash } : undefined,
      idempotent: false,
      signal,
    });
  }

  async read(groupId: string, signal: AbortSignal): Promise<GroupRead> {
    const raw = await this.http.json({
      method: 'GET',
      path: `${this.schedulePath}/status/${encodeURIComponent(groupId)}`,
      idempotent: true,
      signal,
    });
    return { rows: rowsOf(raw) };
  }

  async groupListStatus(groupId: string, signal: AbortSignal): Promise<string | undefined> {
    const raw = await this.http.json({
      method: 'GET',
      path: `${this.schedulePath}/test-run-groups`,
      idempotent: true,
      signal,
    });
    return groupStatusOf(raw, groupId);
  }

  async osVersions(signal: AbortSignal): Promise<Map<string, string>> {
    const versions = new Map<string, string>();
    for (const platform of ['ANDROID', 'IOS']) {
      const raw = await this.http.json({
        method: 'GET',
        path: `/device-microservice/public/devices/${platform}`,
        idempotent: true,
        signal,
      });
      for (const [name, os] of osVersionsOf(raw)) versions.set(name, os);
    }
    return versions;
  }

  async abort(groupId: string, signal: AbortSignal): Promise<CancelReport> {
    const raw = await this.http.json({
      method: 'PUT',
      path: `/scheduler-microservice/public/test-run/abort/${encodeURIComponent(this.scheduleId)}`,
      // Always with the group: without it Sofy aborts every active run of the schedule (§3.4).
      query: { testRunGroupId: groupId },
      idempotent: true,
      signal,
    });
    const message = messageOf(raw) ?? '';
    if (NOTHING_TO_ABORT.test(message)) {
      return {
        stopped: false,
        message: `Sofy had nothing left to abort in test run group ${groupId} (it may have finished already).`,
      };
    }
    return { stopped: true, message: `Asked Sofy to abort test run group ${groupId}.` };
  }

  async upload(file: BuildFile, signal: AbortSignal): Promise<unknown> {
    return this.uploadHttp.json({
      method: 'POST',
      path: '/parser-microservice/build-upload',
      form: await buildForm(file),
      idempotent: false,
      signal,
    });
  }
}

/**
 * api.sofy.ai: the key travels in every JSON body as `APIKey` (and as the header
 * `SubscriptionKey` for uploads); the schedule is the numeric `ScheduledID`. The bodies are
 * built here and nowhere else, and never logged.
 */
export class LegacyApi implements SofyApi {
  readonly generation = 'legacy';

  constructor(
    private readonly http: HttpClient,
    private readonly uploadHttp: HttpClient,
    private readonly scheduleId: string,
    private readonly apiKey: string,
  ) {}

  private body(key: string, appHash?: string): Record<string, unknown> {
    return {
      APIKey: key,
      ScheduledID: Number(this.scheduleId),
      ...(appHash ? { AppHash: appHash } : {}),
    };
  }

  previewTrigger(appHash: string | undefined): TriggerPreview {
    return {
      method: 'POST',
      url: this.http.url('/api/CICD/ScheduleAutomatedTestRun'),
      body: this.body('***', appHash),
    };
  }

  trigger(appHash: string | undefined, signal: AbortSignal): Promise<unknown> {
    return this.http.json({
      method: 'POST',
      path: '/api/CICD/ScheduleAutomatedTestRun',
      body: this.body(this.apiKey, appHash),
      idempotent: false,
      signal,
    });
  }

  /**
   * Two reads of one URL (§3.3): with `ScheduleTestRunsGroupID` the group's status, without
   * it the per-run rows. Both are reads, so both may be retried although they are POSTs.
   */
  async read(groupId: string, signal: AbortSignal): Promise<GroupRead> {
    const path = '/api/CICD/ScheduleAutomatedTestRunStatus';
    const group = await this.http.json({
      method: 'POST',
      path,
      query: { ScheduleTestRunsGroupID: groupId },
      body: this.body(this.apiKey),
      idempotent: true,
      signal,
    });
    const rows = await this.http.json({
      method: 'POST',
      path,
      body: this.body(this.apiKey),
      idempotent: true,
      signal,
    });
    return { rows: rowsOf(rows), groupStatus: groupStatusOf(group, groupId) };
  }

  abort(groupId: string): Promise<CancelReport> {
    return Promise.resolve({
      stopped: false,
      message:
        `Sofy's legacy API (numeric ScheduledID) has no abort: test run group ${groupId} goes on. ` +
        'Stop it in the Sofy portal if needed.',
    });
  }

  async upload(file: BuildFile, signal: AbortSignal): Promise<unknown> {
    return this.uploadHttp.json({
      method: 'POST',
      path: '/api/AppTests/buildUpload',
      headers: { SubscriptionKey: this.apiKey },
      form: await buildForm(file),
      idempotent: false,
      signal,
    });
  }
}
