// Current generation (public.sofy.ai) only: whether more devices' rows may still come once
// every row shown is final. This is the one place TestRelay leans on Sofy's group list, an
// endpoint the vendor does not document. What vendor-apis/sofy.md says, §3.3:
//
// - documented: `GET …/scheduled-runs/{scheduledRunGuid}/status/{testRunGroupId}` gives rows
//   with "scheduledRunName", "testRunGroupId", "scenarioName", "scheduledAt", "build",
//   "device", "status", and "There are no counts, steps, durations or report links": nothing
//   in a status answer says how many rows the group will have;
// - assumed: "There is one row per scenario × device (unconfirmed: inferred from the row
//   fields)" and "`data` may be empty right after the trigger (unconfirmed: rows presumably
//   appear once devices are assigned)", so the rows of a device that is assigned later (the
//   simulator's "rows appearing one device at a time") are missing until then;
// - assumed: "Group list: `GET …/scheduled-runs/{scheduledRunGuid}/test-run-groups` →
//   `[{testRunGroupId, executedAt, status, message}]`. Unconfirmed (only in a third-party API
//   profile)."
//
// So the rows decide the end, and the group list may only hold it back: when every row is
// final but the list still calls the group running (queued, waiting …), more rows may come.
// Any other word of the list, no entry for the group, or any trouble reading it, and the
// rows alone decide; a list that holds the end back for MAX_HELD_POLLS polls is overruled
// (status.ts).

import { VendorHttpError } from '../../core/http.js';
import type { Logger } from '../../core/logger.js';
import type { GroupKind } from './status.js';

/** True when the group list's word for a group (see groupKind) says more rows may come. */
export function moreRowsMayCome(groupListKind: GroupKind | undefined): boolean {
  return groupListKind === 'pending';
}

export type GroupListRead = (groupId: string, signal: AbortSignal) => Promise<string | undefined>;

/** Reads a group's status in the group list; undefined whenever the list cannot tell. */
export class GroupList {
  private usable = true;

  constructor(
    /** The API's read of the list, time-bound by the caller; absent on the legacy generation. */
    private readonly read: GroupListRead | undefined,
    private readonly logger: Logger,
  ) {}

  async statusOf(groupId: string, signal: AbortSignal): Promise<string | undefined> {
    if (!this.read || !this.usable) return undefined;
    try {
      return await this.read(groupId, signal);
    } catch (error) {
      if (signal.aborted) throw error;
      // A refusal is for good; a passing fault only for this poll.
      if (!(error instanceof VendorHttpError) || !error.retryable) this.usable = false;
      this.logger.debug(
        `Sofy's group list gave no status (${(error as Error).message}); the status rows decide.`,
      );
      return undefined;
    }
  }
}
