// Test Center's execution counts mapped onto the neutral model (vendor-apis/squish-test-center.md
// §4-§5): when a plan is done, when its result counts have settled, and what they say.

import type { Totals, Verdict } from '../../core/result.js';
import type { PollSnapshot } from '../../core/wait.js';
import type { PlanCounts, StatusCounts } from './wire.js';

export interface SquishSnapshot extends PollSnapshot {
  /** Undefined when the status answer could not be read (we keep waiting). */
  counts?: StatusCounts;
}

/** Done when no execution is open or reserved any more (§4, the completion rule). */
export function snapshotOf(counts: StatusCounts | undefined, raw?: string): SquishSnapshot {
  if (!counts) {
    const shown = (raw ?? '').replace(/\s+/g, ' ').slice(0, 80);
    return { done: false, status: 'unreadable status', unknownStatus: shown || 'empty answer' };
  }
  const { open, reserved, done } = counts;
  const total = open + reserved + done;
  const finished = open === 0 && reserved === 0;
  // No execution reserved yet: nobody works on the plan (no worker, or none matching).
  const status = finished
    ? 'done'
    : reserved === 0 && done === 0
      ? 'waiting for a worker'
      : 'in progress';
  return {
    counts,
    done: finished,
    status,
    detail: `${open} open, ${reserved} running, ${done} done`,
    progress: total > 0 ? done / total : undefined,
  };
}

/** How long unchanged counts that leave results unaccounted for must stay unchanged. */
export const SETTLE_STABLE_MS = 10_000;

/**
 * Whether the result counts read after completion can be trusted (§4 step 3). Results are
 * uploaded apart from `finished`, so they can lag behind it. Settled when there are at least
 * as many results as finished executions, and either
 *  - every result is accounted for as passed, failed or skipped: nothing can be pending,
 *    whichever way `count` is meant (results received, or tests planned: unconfirmed), or
 *  - the counts have not changed for SETTLE_STABLE_MS: the rest are results that are neither
 *    (Squish NONE) — or, if `count` means planned tests, results that are very late.
 * The caller bounds the reads; what is still missing then is reported as missing.
 */
export function isSettled(
  current: PlanCounts,
  unchangedForMs: number,
  doneExecutions: number,
): boolean {
  if (current.count < doneExecutions) return false;
  const accounted = current.passes + current.failed + current.skipped;
  return accounted >= current.count || unchangedForMs >= SETTLE_STABLE_MS;
}

export function sameCounts(a: PlanCounts, b: PlanCounts): boolean {
  return (
    a.passes === b.passes && a.failed === b.failed && a.skipped === b.skipped && a.count === b.count
  );
}

export interface CountSummary {
  totals: Partial<Totals>;
  /** Finished executions without any result (e.g. an infrastructure failure). */
  missing: number;
  /** Results that are neither passed, failed nor skipped: Squish NONE ("no result"). */
  noResult: number;
}

/**
 * Totals from the plan counts. Results Test Center counts but files under none of the three
 * (NONE) count as skipped ("no result"); finished executions without a result count as errors,
 * so the totals never claim more passed tests than ran.
 */
export function summarizeCounts(counts: PlanCounts, doneExecutions: number): CountSummary {
  const noResult = Math.max(0, counts.count - counts.passes - counts.failed - counts.skipped);
  const missing = Math.max(0, doneExecutions - counts.count);
  return {
    missing,
    noResult,
    totals: {
      total: counts.count + missing,
      passed: counts.passes,
      failed: counts.failed + missing,
      errors: missing,
      skipped: counts.skipped + noResult,
    },
  };
}

/**
 * §5: failed when a test failed; error when no result arrived, or fewer results than finished
 * executions; passed otherwise. A plan where nothing passed (all skipped or without result) is
 * an empty run: no verdict, so the failOnEmpty rule decides.
 */
export function verdictOf(counts: PlanCounts, summary: CountSummary): Verdict | undefined {
  if (counts.failed > 0) return 'failed';
  if (counts.count === 0 || summary.missing > 0) return 'error';
  if (counts.passes === 0) return undefined;
  return 'passed';
}
