// The wait loop: poll a remote run until it is done, the deadline passes, or the CI
// cancels. The deadline always holds, whatever the vendor answers.

import { type Clock, isAbortError, systemClock } from './clock.js';
import { VendorHttpError } from './http.js';
import type { Logger } from './logger.js';

export interface PollSnapshot {
  done: boolean;
  /** Vendor status text for logs, e.g. "STATUS_IN_PROGRESS". */
  status: string;
  /** 0..1 when the vendor reports how far the run is. */
  progress?: number;
  /** Short progress text for logs, e.g. "7 of 20 tests done". */
  detail?: string;
  /** Set when the vendor answered a status we don't know: we keep waiting and warn once. */
  unknownStatus?: string;
}

export type WaitOutcome<S extends PollSnapshot> =
  { kind: 'done'; last: S } | { kind: 'timed_out'; last?: S } | { kind: 'cancelled'; last?: S };

export interface WaitOptions<S extends PollSnapshot> {
  poll: (signal: AbortSignal) => Promise<S>;
  /** Absolute time (clock ms) by which the wait ends. */
  deadline: number;
  interval: 'auto' | number;
  /** The fastest the vendor should be polled; auto never goes below it. */
  minIntervalMs: number;
  maxIntervalMs?: number;
  /** Aborted when the CI cancels the job. */
  signal?: AbortSignal;
  logger: Logger;
  onPoll?: (snapshot: S, elapsedMs: number) => void;
  clock?: Clock;
  random?: () => number;
  /** Polls that failed in a row (after the HTTP layer's own retries) before giving up. */
  maxConsecutiveFailures?: number;
}

export async function waitForRun<S extends PollSnapshot>(
  options: WaitOptions<S>,
): Promise<WaitOutcome<S>> {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const maxFailures = options.maxConsecutiveFailures ?? 5;
  const started = clock.now();
  const warnedUnknown = new Set<string>();
  let last: S | undefined;
  let failures = 0;
  let interval = options.minIntervalMs;

  for (;;) {
    if (options.signal?.aborted) return { kind: 'cancelled', last };
    const remaining = options.deadline - clock.now();
    if (remaining <= 0) return { kind: 'timed_out', last };

    const pollSignal = combine(options.signal, remaining);
    try {
      last = await options.poll(pollSignal);
      failures = 0;
    } catch (error) {
      if (options.signal?.aborted) return { kind: 'cancelled', last };
      if (isAbortError(error) || pollSignal.aborted) return { kind: 'timed_out', last };
      if (!(error instanceof VendorHttpError) || !error.retryable || ++failures >= maxFailures)
        throw error;
      // Info: transient, and CI warnings are capped; it becomes the error if it persists.
      options.logger.info(`${error.message}; still waiting (${failures} failed polls in a row)`);
    }

    if (last && failures === 0) {
      warnUnknownOnce(last, warnedUnknown, options.logger);
      options.onPoll?.(last, clock.now() - started);
      if (last.done) return { kind: 'done', last };
    }

    interval = nextInterval(options, clock.now() - started, interval, last?.progress, random);
    const sleepFor = Math.min(interval, options.deadline - clock.now());
    if (sleepFor <= 0) continue;
    options.logger.debug(
      `wait: next poll in ${(sleepFor / 1000).toFixed(1)}s ` +
        `(${options.interval === 'auto' ? 'auto' : 'fixed'} interval` +
        `${sleepFor < interval ? ', cut short by the timeout' : ''}; ` +
        `${Math.round((options.deadline - clock.now()) / 1000)}s left)`,
    );
    try {
      await clock.sleep(sleepFor, options.signal);
    } catch (error) {
      if (isAbortError(error)) return { kind: 'cancelled', last };
      throw error;
    }
  }
}

/** An unknown status keeps the wait going; it is worth a warning, once per status. */
function warnUnknownOnce(snapshot: PollSnapshot, warned: Set<string>, logger: Logger): void {
  const status = snapshot.unknownStatus;
  if (!status || warned.has(status)) return;
  warned.add(status);
  logger.warn(`Unknown run status "${status}"; still waiting until it completes or the timeout.`);
}

/** The pause before the next poll: adaptive with `auto`, else the fixed interval, jittered. */
function nextInterval<S extends PollSnapshot>(
  options: WaitOptions<S>,
  elapsedMs: number,
  previousMs: number,
  progress: number | undefined,
  random: () => number,
): number {
  if (options.interval !== 'auto') return withJitter(options.interval, random);
  return nextAutoInterval({
    elapsedMs,
    previousMs,
    progress,
    minMs: options.minIntervalMs,
    maxMs: options.maxIntervalMs ?? 60_000,
    random,
  });
}

export interface AutoIntervalInput {
  elapsedMs: number;
  previousMs: number;
  /** 0..1, when known. */
  progress?: number;
  minMs: number;
  maxMs: number;
  random: () => number;
}

/**
 * Quick at first; slower while far from done; quicker again when the vendor's own progress
 * says the end is near; never below the vendor's floor; always with ±10% jitter so many
 * pipelines started together don't poll in lockstep.
 */
export function nextAutoInterval(input: AutoIntervalInput): number {
  const { elapsedMs, previousMs, progress, minMs, maxMs } = input;
  let base: number;
  if (elapsedMs < 60_000) {
    base = minMs;
  } else if (progress !== undefined && progress > 0 && progress < 1) {
    // Estimated time left from the rate so far; poll about four times in what remains.
    const remainingMs = (elapsedMs * (1 - progress)) / progress;
    base = remainingMs / 4;
  } else if (progress !== undefined && progress >= 1) {
    base = minMs;
  } else {
    base = previousMs * 1.5;
  }
  const clamped = Math.min(maxMs, Math.max(minMs, base));
  const jittered = clamped * (0.9 + input.random() * 0.2);
  return Math.round(Math.max(minMs, jittered));
}

function combine(signal: AbortSignal | undefined, timeoutMs: number): AbortSignal {
  const timeout = AbortSignal.timeout(Math.max(1, Math.ceil(timeoutMs)));
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

/** ±10% around a fixed interval, so pipelines started together don't poll in lockstep. */
function withJitter(ms: number, random: () => number): number {
  return Math.round(ms * (0.9 + random() * 0.2));
}
