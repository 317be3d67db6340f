import { VendorHttpError } from '../../src/core/http.js';
import { silentLogger, type Logger } from '../../src/core/logger.js';
import { nextAutoInterval, type PollSnapshot, waitForRun } from '../../src/core/wait.js';
import { FakeClock } from '../helpers/fake-clock.js';

const running: PollSnapshot = { done: false, status: 'STATUS_IN_PROGRESS' };
const done: PollSnapshot = { done: true, status: 'STATUS_COMPLETED' };

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { ...silentLogger, warn: (m: string) => warnings.push(m), warnings };
}

describe('waitForRun', () => {
  it('polls at the fixed interval until done', async () => {
    const clock = new FakeClock();
    const answers = [running, running, done];
    let polls = 0;
    const outcome = await waitForRun({
      poll: async () => answers[polls++],
      deadline: clock.now() + 60_000,
      interval: 5000,
      minIntervalMs: 1000,
      logger: silentLogger,
      clock,
      random: () => 0.5,
    });
    expect(outcome).toEqual({ kind: 'done', last: done });
    expect(polls).toBe(3);
    expect(clock.sleeps).toEqual([5000, 5000]);
  });

  it('holds the deadline whatever the vendor answers, and never sleeps past it', async () => {
    const clock = new FakeClock();
    const deadline = clock.now() + 25_000;
    let polls = 0;
    const outcome = await waitForRun({
      poll: async () => {
        polls++;
        return running;
      },
      deadline,
      interval: 10_000,
      minIntervalMs: 1000,
      logger: silentLogger,
      clock,
      random: () => 0.5,
    });
    expect(outcome.kind).toBe('timed_out');
    expect(clock.now()).toBe(deadline);
    expect(clock.sleeps).toEqual([10_000, 10_000, 5000]);
    expect(polls).toBe(3);
  });

  it('keeps waiting on an unknown status and warns once', async () => {
    const clock = new FakeClock();
    const logger = recordingLogger();
    const odd = { done: false, status: 'STATUS_WAITING', unknownStatus: 'STATUS_WAITING' };
    const answers = [odd, odd, odd, done];
    let i = 0;
    const outcome = await waitForRun({
      poll: async () => answers[i++],
      deadline: clock.now() + 600_000,
      interval: 1000,
      minIntervalMs: 1000,
      logger,
      clock,
    });
    expect(outcome.kind).toBe('done');
    expect(logger.warnings.filter((w) => w.includes('STATUS_WAITING'))).toHaveLength(1);
  });

  it('rides out transient poll failures but gives up after too many in a row', async () => {
    const clock = new FakeClock();
    const transient = () => new VendorHttpError('Testsigma GET /x: HTTP 503', 503, '', true);
    let i = 0;
    const flaky = await waitForRun({
      poll: async () => {
        i++;
        if (i <= 2) throw transient();
        return done;
      },
      deadline: clock.now() + 600_000,
      interval: 1000,
      minIntervalMs: 1000,
      logger: silentLogger,
      clock,
    });
    expect(flaky.kind).toBe('done');

    await expect(
      waitForRun({
        poll: async () => {
          throw transient();
        },
        deadline: clock.now() + 600_000,
        interval: 1000,
        minIntervalMs: 1000,
        logger: silentLogger,
        clock,
        maxConsecutiveFailures: 3,
      }),
    ).rejects.toThrow(/HTTP 503/);
  });

  it('fails at once on errors that retrying cannot fix', async () => {
    const clock = new FakeClock();
    let polls = 0;
    await expect(
      waitForRun({
        poll: async () => {
          polls++;
          throw new VendorHttpError('Testsigma GET /x: HTTP 401', 401, '', false);
        },
        deadline: clock.now() + 600_000,
        interval: 1000,
        minIntervalMs: 1000,
        logger: silentLogger,
        clock,
      }),
    ).rejects.toThrow(/401/);
    expect(polls).toBe(1);
  });

  it('returns cancelled when the signal aborts', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    let polls = 0;
    const outcome = await waitForRun({
      poll: async () => {
        if (++polls === 2) controller.abort();
        return running;
      },
      deadline: clock.now() + 600_000,
      interval: 1000,
      minIntervalMs: 1000,
      signal: controller.signal,
      logger: silentLogger,
      clock,
    });
    expect(outcome).toEqual({ kind: 'cancelled', last: running });
  });

  it('reports each poll with the elapsed time', async () => {
    const clock = new FakeClock();
    const seen: Array<[string, number]> = [];
    const answers = [running, done];
    let i = 0;
    await waitForRun({
      poll: async () => answers[i++],
      deadline: clock.now() + 60_000,
      interval: 2000,
      minIntervalMs: 1000,
      logger: silentLogger,
      clock,
      random: () => 0.5,
      onPoll: (s, elapsed) => seen.push([s.status, elapsed]),
    });
    expect(seen).toEqual([
      ['STATUS_IN_PROGRESS', 0],
      ['STATUS_COMPLETED', 2000],
    ]);
  });
});

it('jitters a fixed interval by ±10%', async () => {
  const clock = new FakeClock();
  const answers = [running, running, done];
  let i = 0;
  await waitForRun({
    poll: async () => answers[i++],
    deadline: clock.now() + 60_000,
    interval: 10_000,
    minIntervalMs: 1000,
    logger: silentLogger,
    clock,
    random: (() => {
      const values = [0, 1];
      return () => values.shift() ?? 0.5;
    })(),
  });
  expect(clock.sleeps).toEqual([9000, 11_000]);
});

describe('nextAutoInterval', () => {
  const base = { minMs: 10_000, maxMs: 60_000, random: () => 0.5 };

  it('polls at the vendor floor during the first minute', () => {
    expect(nextAutoInterval({ ...base, elapsedMs: 5000, previousMs: 10_000 })).toBe(10_000);
  });

  it('slows down while there is no progress to go by, up to the ceiling', () => {
    let interval = 10_000;
    const seen: number[] = [];
    for (let elapsed = 60_000; elapsed < 600_000; elapsed += interval) {
      interval = nextAutoInterval({ ...base, elapsedMs: elapsed, previousMs: interval });
      seen.push(interval);
    }
    expect(seen[1]).toBeGreaterThan(seen[0]);
    expect(Math.max(...seen)).toBe(60_000);
  });

  it('speeds up when the vendor says the end is near', () => {
    const far = nextAutoInterval({
      ...base,
      elapsedMs: 300_000,
      previousMs: 30_000,
      progress: 0.2,
    });
    const near = nextAutoInterval({
      ...base,
      elapsedMs: 300_000,
      previousMs: 30_000,
      progress: 0.95,
    });
    expect(far).toBe(60_000);
    expect(near).toBe(10_000);
  });

  it('jitters by ±10% but never goes below the floor', () => {
    const low = nextAutoInterval({
      ...base,
      random: () => 0,
      elapsedMs: 120_000,
      previousMs: 20_000,
    });
    const high = nextAutoInterval({
      ...base,
      random: () => 1,
      elapsedMs: 120_000,
      previousMs: 20_000,
    });
    expect(low).toBe(27_000);
    expect(high).toBe(33_000);
    expect(nextAutoInterval({ ...base, random: () => 0, elapsedMs: 1000, previousMs: 1 })).toBe(
      10_000,
    );
  });
});
