// Sofy as a TestRelay source: optionally upload a build, trigger a scheduled run, poll its
// status rows, synthesize the test results from them, abort on cancel.

import { inputRef } from '../../core/input-names.js';
import * as path from 'node:path';
import { safeUrl } from '../../core/download.js';
import type { Logger } from '../../core/logger.js';
import type { Redactor } from '../../core/redact.js';
import type { RunResult } from '../../core/result.js';
import type { Settings } from '../../core/settings.js';
import type { SofySettings } from './settings.js';
import type { CancelReport, RunHandle, Source, TriggerPreview } from '../../core/source.js';
import type { GroupRead, SofyApi } from './api.js';
import { appHashToRun } from './build-upload.js';
import { explainError, type ErrorContext } from './errors.js';
import { GroupList, moreRowsMayCome } from './group-list.js';
import { dedupeRows, mergeRows, suitesOf, type SynthesisOptions } from './junit.js';
import { splitEarlierRows } from './legacy-rows.js';
import {
  disagreementWarning,
  earlierRowsNote,
  LEGACY_ROWS_NOTE,
  noRunPageMessage,
  noTestRunsMessage,
  portalLinkLabel,
  queuedNote,
  scheduleLabel,
  unlistedNote,
} from './messages.js';
import {
  groupKind,
  isFinalGroup,
  isFinalRow,
  rowKind,
  snapshotOf,
  type SofySnapshot,
  verdictOfRows,
} from './status.js';
import { groupIdOfTrigger, messageOf, type SofyRow } from './wire.js';

// Calls that only refine the picture (group list, device list) never hold a poll or the
// results back for long: past this, TestRelay goes on without them.
const OPTIONAL_CALL_MS = 30_000;

function withTimeout(signal: AbortSignal, ms: number): AbortSignal {
  return AbortSignal.any([signal, AbortSignal.timeout(ms)]);
}

export interface SofySourceDependencies {
  logger: Logger;
  redactor: Redactor;
  downloadFile?: (url: string, signal?: AbortSignal) => Promise<string>;
}

/** What TestRelay knows of one test run group between polls. */
interface GroupState {
  rows: Map<string, SofyRow>;
  /** Polls in a row where the rows and the group's own status disagree about the end. */
  held: number;
  /** Whether the log said that the legacy API does not list the group. */
  unlistedNoted?: boolean;
  /** When TestRelay sent the trigger (wall time); unknown for a group attached to. */
  triggeredAt?: number;
  /** Whether the log said that the legacy API gave rows of an earlier run. */
  earlierNoted?: boolean;
}

export class SofySource implements Source<SofySnapshot> {
  readonly displayName = 'Sofy';
  // Sofy documents no rate limit; its own guidance and the reference ask for ≥ 15 s.
  readonly minPollIntervalMs = 15_000;
  private readonly groups = new Map<string, GroupState>();
  private readonly groupList: GroupList;
  private readonly planId: string;

  constructor(
    settings: Settings,
    private readonly own: SofySettings,
    private readonly api: SofyApi,
    private readonly deps: SofySourceDependencies,
    private readonly baseUrl: string,
    /** Sofy has no page per run: the best honest link is the portal itself. */
    private readonly portalUrl: string,
  ) {
    this.planId = settings.planId ?? '';
    const readGroupList = api.groupListStatus?.bind(api);
    this.groupList = new GroupList(
      readGroupList &&
        ((groupId, signal) => readGroupList(groupId, withTimeout(signal, OPTIONAL_CALL_MS))),
      deps.logger,
    );
  }

  previewTrigger(): TriggerPreview {
    const { appHash, appPath } = this.own;
    if (appHash || !appPath) return this.api.previewTrigger(appHash);
    const name = /^https?:/i.test(appPath)
      ? path.posix.basename(safeUrl(appPath))
      : path.basename(appPath);
    return this.api.previewTrigger(`<app hash from uploading ${name} first>`);
  }

  async trigger(signal: AbortSignal): Promise<RunHandle> {
    const appHash = await this.buildToRun(signal);
    // Wall time, not the wait's clock: it is compared with the times Sofy gives its rows.
    const triggeredAt = Date.now();
    let raw: unknown;
    try {
      raw = await this.api.trigger(appHash, signal);
    } catch (error) {
      throw explainError(error, this.context({ appHash }));
    }
    const groupId = groupIdOfTrigger(raw);
    if (!groupId) {
      const said = this.deps.redactor.redact(messageOf(raw) ?? JSON.stringify(raw).slice(0, 200));
      throw new Error(
        `Sofy accepted the trigger of ${this.scheduleLabel()} but named no test run group (it said: ${said}). ` +
          'A run may have started: check Automation › Runs & Results in Sofy.',
      );
    }
    this.deps.logger.info(queuedNote(groupId, this.portalUrl));
    this.stateOf(groupId).triggeredAt = triggeredAt;
    this.noteLegacyRows();
    return this.handleOf(groupId);
  }

  async attach(runId: string, signal: AbortSignal): Promise<RunHandle> {
    const handle = this.handleOf(runId);
    const read = await this.read(handle, signal);
    if (this.api.generation === 'legacy' && read.groupStatus === undefined) {
      throw new Error(
        `Sofy lists no test run group ${runId} for ${this.scheduleLabel()}. ` +
          `Check ${inputRef('runId')} (the group id a trigger reported) and ${inputRef('planId')} (the schedule it belongs to).`,
      );
    }
    this.noteLegacyRows();
    return handle;
  }

  async poll(handle: RunHandle, signal: AbortSignal): Promise<SofySnapshot> {
    const read = await this.read(handle, signal);
    const state = this.stateOf(handle.runId);
    const rows = [...state.rows.values()];
    const rowsFinal = rows.length > 0 && rows.every((row) => isFinalRow(rowKind(row.status)));
    const legacy = this.api.generation === 'legacy';
    let groupStatus = read.groupStatus;
    let disagree: boolean;
    if (legacy) {
      disagree = !!groupStatus && isFinalGroup(groupKind(groupStatus)) && !rowsFinal;
      if (groupStatus === undefined && !state.unlistedNoted) {
        state.unlistedNoted = true;
        this.deps.logger.info(unlistedNote(handle.runId));
      }
    } else {
      // Every row is final: ask the group list whether more rows are to come (group-list.ts).
      groupStatus = rowsFinal ? await this.groupList.statusOf(handle.runId, signal) : undefined;
      disagree =
        rowsFinal &&
        moreRowsMayCome(groupStatus === undefined ? undefined : groupKind(groupStatus));
    }
    state.held = disagree ? state.held + 1 : 0;
    const snapshot = snapshotOf({ rows, groupStatus, groupDecides: legacy, held: state.held });
    if (snapshot.done && disagree) this.warnDisagreement(handle.runId, groupStatus, rows);
    return snapshot;
  }

  async collect(handle: RunHandle, last: SofySnapshot, signal: AbortSignal): Promise<RunResult> {
    const rows = dedupeRows(last.rows);
    const result = this.resultOf(handle, rows, {
      osVersions: await this.osVersions(signal),
      unfinishedReason: 'when Sofy reported the group finished',
      unfinishedAs: 'error',
    });
    result.verdict = verdictOfRows(rows);
    if (rows.length === 0) {
      result.message = noTestRunsMessage(handle.runId, this.scheduleLabel());
    }
    return result;
  }

  partial(handle: RunHandle, last: SofySnapshot | undefined): RunResult {
    const rows = last?.rows ?? [...(this.groups.get(handle.runId)?.rows.values() ?? [])];
    const result = this.resultOf(handle, rows, { unfinishedReason: 'when the wait ended' });
    result.state = 'timed_out';
    return result;
  }

  async cancel(handle: RunHandle, signal: AbortSignal): Promise<CancelReport> {
    try {
      return await this.api.abort(handle.runId, signal);
    } catch (error) {
      throw explainError(error, this.context({ groupId: handle.runId }));
    }
  }

  /** The app hash to run: appHash as given, or the hash of the build uploaded from appPath. */
  private buildToRun(signal: AbortSignal): Promise<string | undefined> {
    return appHashToRun(this.own, this.api, this.deps, signal);
  }

  private async read(handle: RunHandle, signal: AbortSignal): Promise<GroupRead> {
    let read: GroupRead;
    try {
      read = await this.api.read(handle.runId, signal);
    } catch (error) {
      throw explainError(error, this.context({ groupId: handle.runId }));
    }
    const state = this.stateOf(handle.runId);
    mergeRows(state.rows, this.rowsOfThisRun(handle.runId, state, read.rows));
    handle.title ??= read.rows.find((row) => row.schedule)?.schedule;
    return read;
  }

  /** The legacy rows less those of earlier runs of the schedule (legacy-rows.ts). */
  private rowsOfThisRun(groupId: string, state: GroupState, rows: SofyRow[]): SofyRow[] {
    if (this.api.generation !== 'legacy' || state.triggeredAt === undefined) return rows;
    const { current, earlier } = splitEarlierRows(rows, state.triggeredAt);
    if (earlier.length > 0 && !state.earlierNoted) {
      state.earlierNoted = true;
      this.deps.logger.info(earlierRowsNote(groupId, state.triggeredAt, earlier));
    }
    return current;
  }

  private stateOf(groupId: string): GroupState {
    let state = this.groups.get(groupId);
    if (!state) {
      state = { rows: new Map(), held: 0 };
      this.groups.set(groupId, state);
    }
    return state;
  }

  private warnDisagreement(
    groupId: string,
    groupStatus: string | undefined,
    rows: SofyRow[],
  ): void {
    const open = rows.filter((row) => !isFinalRow(rowKind(row.status))).length;
    this.deps.logger.warn(disagreementWarning(this.api.generation, groupId, groupStatus, open));
  }

  private async osVersions(signal: AbortSignal): Promise<Map<string, string> | undefined> {
    if (!this.api.osVersions) return undefined;
    try {
      return await this.api.osVersions(withTimeout(signal, OPTIONAL_CALL_MS));
    } catch (error) {
      if (signal.aborted) throw error;
      // Only an enrichment: the results stand without the OS versions.
      this.deps.logger.debug(`No device list from Sofy: ${(error as Error).message}`);
      return undefined;
    }
  }

  private noteLegacyRows(): void {
    if (this.api.generation !== 'legacy') return;
    this.deps.logger.info(LEGACY_ROWS_NOTE);
  }

  private handleOf(groupId: string): RunHandle {
    return { runId: groupId, runUrl: this.portalUrl };
  }

  private resultOf(handle: RunHandle, rows: SofyRow[], options: SynthesisOptions): RunResult {
    const title = handle.title ?? `Sofy schedule ${this.planId}`;
    return {
      vendor: 'sofy',
      vendorName: this.displayName,
      runId: handle.runId,
      runUrl: this.portalUrl,
      title,
      state: 'completed',
      suites: suitesOf(rows, options),
      // The summary links the run id to runUrl: say plainly that it is not a page of the run.
      message: noRunPageMessage(handle.runId, title),
      links: [{ label: portalLinkLabel(handle.runId), url: this.portalUrl }],
    };
  }

  private scheduleLabel(): string {
    return scheduleLabel(this.api.generation, this.planId);
  }

  private context(extra: Partial<ErrorContext>): ErrorContext {
    return {
      generation: this.api.generation,
      planId: this.planId,
      baseUrl: this.baseUrl,
      appHash: this.own.appHash,
      ...extra,
    };
  }
}
