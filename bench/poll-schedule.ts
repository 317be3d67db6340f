// How many polls does a wait cost, and how late does it notice the end?
// Runs the real wait loop (src/core/wait.ts) in virtual time against runs of several
// lengths, with and without vendor progress, for pollInterval auto and fixed intervals.
// Prints numbers; it is a benchmark, not a test.  Usage: npm run bench

import type { Clock } from '../src/core/clock.js';
import { silentLogger } from '../src/core/logger.js';
import { type PollSnapshot, waitForRun } from '../src/core/wait.js';

class VirtualClock implements Clock {
  time = 0;
  now(): number {
    return this.time;
  }
  async sleep(ms: number): Promise<void> {
    this.time += ms;
  }
}

/** A small seeded PRNG so every run of the benchmark prints the same numbers. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Measure {
  polls: number;
  lagSeconds: number;
}

async function measure(
  runMs: number,
  interval: 'auto' | number,
  withProgress: boolean,
  seed: number,
): Promise<Measure> {
  const clock = new VirtualClock();
  let polls = 0;
  const outcome = await waitForRun<PollSnapshot>({
    poll: async () => {
      polls++;
      const fraction = Math.min(1, clock.now() / runMs);
      return {
        done: fraction >= 1,
        status: fraction >= 1 ? 'COMPLETED' : 'IN_PROGRESS',
        progress: withProgress ? fraction : undefined,
      };
    },
    deadline: runMs * 3,
    interval,
    minIntervalMs: 10_000, // Testsigma's floor
    logger: silentLogger,
    clock,
    random: mulberry32(seed),
  });
  if (outcome.kind !== 'done') throw new Error('benchmark run did not finish');
  return { polls, lagSeconds: (clock.now() - runMs) / 1000 };
}

const RUNS_MINUTES = [2, 10, 30, 90];
const INTERVALS: Array<'auto' | number> = ['auto', 10_000, 30_000, 60_000, 300_000];
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

function label(interval: 'auto' | number): string {
  return interval === 'auto' ? 'auto' : `${interval / 1000}s`;
}

async function main(): Promise<void> {
  for (const withProgress of [true, false]) {
    console.log(
      `\nPolls per run and seconds from the run's end to TestRelay noticing it (mean of ${SEEDS.length} seeds), ` +
        `${withProgress ? 'vendor reports progress (Testsigma counts)' : 'no progress from the vendor'}:\n`,
    );
    console.log(
      ['interval'.padEnd(9), ...RUNS_MINUTES.map((m) => `${m} min run`.padStart(20))].join(''),
    );
    for (const interval of INTERVALS) {
      const cells: string[] = [];
      for (const minutes of RUNS_MINUTES) {
        // Runs end at any second, not on a multiple of the interval: add up to a minute.
        const results = await Promise.all(
          SEEDS.map((seed) =>
            measure(
              minutes * 60_000 + Math.floor(mulberry32(seed * 97)() * 60_000),
              interval,
              withProgress,
              seed,
            ),
          ),
        );
        const polls = results.reduce((a, r) => a + r.polls, 0) / results.length;
        const lag = results.reduce((a, r) => a + r.lagSeconds, 0) / results.length;
        cells.push(`${polls.toFixed(1)} polls, ${lag.toFixed(0)}s`.padStart(20));
      }
      console.log([label(interval).padEnd(9), ...cells].join(''));
    }
  }
  console.log('\n(5 min = the interval of the vendor scripts TestRelay replaces.)');
}

void main();
