// Legacy generation (api.sofy.ai) only: which per-run rows belong to the run TestRelay
// started. vendor-apis/sofy.md §3.3 on the per-run status (the group-status URL without its
// query): "Which group these rows belong to is not stated (unconfirmed: probably the latest).
// Note that `ScheduledAt` here has no time zone." So rows of an earlier run of the same
// schedule can come back, before (or beside) those of the run just triggered, and nothing
// but their ScheduledAt, older than the trigger, tells them apart.

import type { SofyRow } from './wire.js';

/**
 * The CI machine's clock and Sofy's differ: a row counts as earlier only when it was
 * scheduled more than this before the trigger. Rows of a run started within this window
 * still lose to newer rows of the same scenario and device (mergeRows).
 */
export const CLOCK_SKEW_MS = 2 * 60_000;

const NO_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * ScheduledAt as epoch milliseconds; undefined when unreadable. A time without a zone is
 * read as UTC (assumed: the current API writes the same field with a `Z`, §3.3).
 */
export function scheduledAtMs(scheduledAt: string | undefined): number | undefined {
  if (!scheduledAt) return undefined;
  const text = scheduledAt.trim();
  const ms = Date.parse(NO_ZONE.test(text) ? `${text}Z` : text);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The rows scheduled before `triggeredAt` (less CLOCK_SKEW_MS) apart; unreadable times stay. */
export function splitEarlierRows(
  rows: readonly SofyRow[],
  triggeredAt: number,
): { current: SofyRow[]; earlier: SofyRow[] } {
  const current: SofyRow[] = [];
  const earlier: SofyRow[] = [];
  for (const row of rows) {
    const at = scheduledAtMs(row.scheduledAt);
    (at !== undefined && at < triggeredAt - CLOCK_SKEW_MS ? earlier : current).push(row);
  }
  return { current, earlier };
}
