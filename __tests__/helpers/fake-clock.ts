import type { Clock } from '../../src/core/clock.js';
import { abortError } from '../../src/core/clock.js';

/** A clock whose sleeps pass instantly, recording what was asked. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(public time = 1_000_000) {}
  now(): number {
    return this.time;
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw abortError(signal);
    this.sleeps.push(ms);
    this.time += ms;
  }
}
