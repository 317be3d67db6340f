// Keeps one reservation alive while its command runs: a heartbeat every third of the
// reservation timeout, and another one right away after a slow one (it may have reached the
// server late), so a long test never loses its execution to another worker.

import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import { errorMessage } from '../../core/text.js';
import type { ReservationApi } from './reservation-api.js';

export interface Heartbeats {
  /** Stops the heartbeats; resolves once the one in flight, if any, is over. */
  stop(): Promise<void>;
  /** Heartbeats Test Center accepted. */
  readonly sent: number;
}

export function keepAlive(
  api: ReservationApi,
  executionId: string,
  timeoutMs: number,
  clock: Clock,
  logger: Logger,
): Heartbeats {
  const stopper = new AbortController();
  const interval = Math.max(100, Math.floor(timeoutMs / 3));
  let sent = 0;
  let warned = false;
  const loop = async (): Promise<void> => {
    let wait = interval;
    while (!stopper.signal.aborted) {
      try {
        await clock.sleep(wait, stopper.signal);
      } catch {
        return;
      }
      const started = clock.now();
      try {
        // A beat stuck longer than the interval is abandoned: the next one is due.
        await api.heartbeat(
          executionId,
          timeoutMs,
          AbortSignal.any([stopper.signal, AbortSignal.timeout(interval)]),
        );
        sent += 1;
      } catch (error) {
        if (stopper.signal.aborted) return;
        if (!warned) {
          logger.warn(`Heartbeat of execution ${executionId} failed: ${errorMessage(error)}`);
          warned = true;
        }
      }
      wait = clock.now() - started > interval / 2 ? 0 : interval;
    }
  };
  const running = loop();
  return {
    stop: async () => {
      stopper.abort();
      await running;
    },
    get sent() {
      return sent;
    },
  };
}
