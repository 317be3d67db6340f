// Bounded concurrency for Spira writes. Spira's database deadlocks under parallel writes
// (vendor-apis/spira.md §5: Inflectra recommends 3-5 concurrent posts), so every write of a
// report goes through one Limiter: at most `limit` requests in flight, first come first served.
// A deadlock answer is the server saying it is over its capacity, so the limit can shrink
// (never below 1) and stays shrunk for the rest of that report.

import { abortError } from '../../core/clock.js';

interface Waiter {
  grant: () => void;
  reject: (error: Error) => void;
  signal?: AbortSignal;
}

export class Limiter {
  private active = 0;
  private readonly waiting: Waiter[] = [];
  // One abort listener per signal, not per waiter: a report queues every chunk at once, and
  // Node warns about more than 10 listeners on one signal.
  private readonly watched = new WeakSet<AbortSignal>();

  constructor(private limit: number) {
    this.limit = Math.max(1, Math.floor(limit));
  }

  get current(): number {
    return this.limit;
  }

  /** One fewer request in flight from now on (never fewer than 1). */
  shrink(): void {
    this.limit = Math.max(1, this.limit - 1);
  }

  /** Runs `task` once a slot is free; the slot is held until it settles. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await task();
    } finally {
      this.active -= 1;
      this.pump();
    }
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    if (this.waiting.length === 0 && this.active < this.limit) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({
        grant: () => {
          this.active += 1;
          resolve();
        },
        reject,
        signal,
      });
      if (signal && !this.watched.has(signal)) {
        this.watched.add(signal);
        signal.addEventListener('abort', () => this.dropWaiters(signal), { once: true });
      }
    });
  }

  /** Rejects everyone still waiting with this signal. */
  private dropWaiters(signal: AbortSignal): void {
    for (let i = this.waiting.length - 1; i >= 0; i -= 1) {
      const waiter = this.waiting[i];
      if (waiter.signal !== signal) continue;
      this.waiting.splice(i, 1);
      waiter.reject(abortError(signal));
    }
  }

  private pump(): void {
    while (this.active < this.limit && this.waiting.length > 0) this.waiting.shift()!.grant();
  }
}

/** `items` in consecutive chunks of at most `size`. */
export function chunksOf<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    chunks.push(items.slice(start, start + size));
  }
  return chunks;
}
