// Results can reach Test Center after the plan's executions are `finished` (§4 step 3): once
// the wait is over, the plan's counts are read again until they settle, for a bounded time.

import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { ExecutionApi } from './execution-api.js';
import { isSettled, sameCounts } from './status.js';
import type { TestPlan } from './wire.js';

const SETTLE_MAX_MS = 60_000;
const SETTLE_INTERVAL_MS = 5_000;

export interface SettleOptions {
  clock: Clock;
  logger: Logger;
  /** The pollInterval setting: a fixed one shorter than the settle interval is kept. */
  pollInterval: 'auto' | number;
}

export interface SettledPlan {
  /** The plan as last read. */
  plan: TestPlan;
  /** False when the counts were still changing when time ran out. */
  settled: boolean;
  waitedMs: number;
  /** Server time of the first read, right after completion: the end of the run. */
  completedAt?: number;
}

/** Reads the plan's counts until they settle (status.ts isSettled), for a bounded time. */
export async function settleCounts(
  api: ExecutionApi,
  runId: string,
  doneExecutions: number,
  options: SettleOptions,
  signal: AbortSignal,
): Promise<SettledPlan> {
  const { clock } = options;
  const started = clock.now();
  const interval =
    typeof options.pollInterval === 'number'
      ? Math.min(SETTLE_INTERVAL_MS, options.pollInterval)
      : SETTLE_INTERVAL_MS;
  let previous: TestPlan | undefined;
  let unchangedSince = started;
  let announced = false;
  // Later reads only wait for results: the first one's server time is the end of the run.
  let completedAt: number | undefined;
  for (;;) {
    const plan = await api.plan(runId, 'runId', signal);
    completedAt ??= plan.serverTime;
    const now = clock.now();
    if (!previous || !sameCounts(plan.counts, previous.counts)) unchangedSince = now;
    if (isSettled(plan.counts, previous ? now - unchangedSince : 0, doneExecutions)) {
      return { plan, settled: true, waitedMs: now - started, completedAt };
    }
    if (now - started + interval > SETTLE_MAX_MS) {
      return { plan, settled: false, waitedMs: now - started, completedAt };
    }
    if (!announced) {
      options.logger.info(waitingLine(plan, doneExecutions));
      announced = true;
    }
    previous = plan;
    await clock.sleep(interval, signal);
  }
}

function waitingLine(plan: TestPlan, doneExecutions: number): string {
  return plan.counts.count < doneExecutions
    ? `Waiting for Test Center to receive all results: ${plan.counts.count} so far for ${doneExecutions} finished executions.`
    : `Waiting for Test Center's result counts to settle (${plan.counts.count} results, not all passed, failed or skipped yet).`;
}
