// Squish Test Center: status and count mapping, the settle rule and the verdict (pure code).
import {
  isSettled,
  SETTLE_STABLE_MS,
  snapshotOf,
  summarizeCounts,
  verdictOf,
} from '../../../src/vendors/squish/status.js';
import { errorText, normalizePlan, normalizeStatus } from '../../../src/vendors/squish/wire.js';

const counts = (passes: number, failed: number, skipped: number, count: number) => ({
  passes,
  failed,
  skipped,
  count,
});

describe('Squish status answers', () => {
  it('reads done, finished, or both (done wins), and lenient numbers', () => {
    expect(normalizeStatus({ open: 18, reserved: 7, done: 3 })).toEqual({
      open: 18,
      reserved: 7,
      done: 3,
    });
    expect(normalizeStatus({ open: 0, reserved: 0, finished: 5 })).toEqual({
      open: 0,
      reserved: 0,
      done: 5,
    });
    expect(normalizeStatus({ open: '1', reserved: '0', done: 2, finished: 9 })).toEqual({
      open: 1,
      reserved: 0,
      done: 2,
    });
  });

  it('gives up on answers without open/reserved counts (the wait keeps going)', () => {
    expect(normalizeStatus({ status: 'ok' })).toBeUndefined();
    expect(normalizeStatus([1, 2])).toBeUndefined();
    expect(normalizeStatus(null)).toBeUndefined();
    const snapshot = snapshotOf(undefined, '{"status":"ok"}');
    expect(snapshot).toMatchObject({ done: false, unknownStatus: '{"status":"ok"}' });
  });

  it('is done when nothing is open or reserved, with progress from the counts', () => {
    expect(snapshotOf({ open: 3, reserved: 2, done: 7 })).toMatchObject({
      done: false,
      status: 'in progress',
      detail: '3 open, 2 running, 7 done',
      progress: 7 / 12,
    });
    expect(snapshotOf({ open: 4, reserved: 0, done: 0 })).toMatchObject({
      done: false,
      status: 'waiting for a worker',
      progress: 0,
    });
    expect(snapshotOf({ open: 0, reserved: 0, done: 4 })).toMatchObject({
      done: true,
      status: 'done',
      progress: 1,
    });
    // Reserved but not yet finished is not done.
    expect(snapshotOf({ open: 0, reserved: 1, done: 4 }).done).toBe(false);
    // Nothing at all (e.g. no execution matches the capabilities): done, with nothing to show.
    expect(snapshotOf({ open: 0, reserved: 0, done: 0 })).toMatchObject({
      done: true,
      progress: undefined,
    });
  });
});

describe('Squish test plan answers', () => {
  it('reads the Test Plan Response leniently (string ids, missing counts)', () => {
    expect(
      normalizePlan({
        id: '105',
        title: 'CI run',
        type: 'Instance',
        project: 'Shop',
        batch_name: 'main #42',
        server_dt: 1755880673658,
        passes: 3,
      }),
    ).toEqual({
      id: '105',
      title: 'CI run',
      type: 'instance',
      project: 'Shop',
      batchName: 'main #42',
      serverTime: 1755880673658,
      counts: counts(3, 0, 0, 0),
    });
    expect(() => normalizePlan([{ id: 1 }])).toThrow(/a list where one test plan was expected/);
    expect(() => normalizePlan({ title: 'x' })).toThrow(/no id/);
  });

  it('reads the documented error body, or keeps the text', () => {
    expect(errorText('{"code": 400, "message": "Invalid test plan ID"}')).toBe(
      'Invalid test plan ID',
    );
    expect(errorText('Bad Gateway\n')).toBe('Bad Gateway');
  });
});

describe('Squish settle rule', () => {
  it('waits while fewer results than finished executions arrived', () => {
    expect(isSettled(counts(2, 0, 0, 2), 60_000, 3)).toBe(false);
  });

  it('settles at once when every result is passed, failed or skipped', () => {
    expect(isSettled(counts(2, 1, 1, 4), 0, 4)).toBe(true);
    // count as planned tests (unconfirmed reading): done once all are accounted for.
    expect(isSettled(counts(0, 0, 0, 4), 0, 4)).toBe(false);
  });

  it('settles results without a verdict (NONE) once the counts stop changing', () => {
    const withNone = counts(2, 0, 0, 3);
    expect(isSettled(withNone, 0, 3)).toBe(false);
    expect(isSettled(withNone, SETTLE_STABLE_MS - 1, 3)).toBe(false);
    expect(isSettled(withNone, SETTLE_STABLE_MS, 3)).toBe(true);
  });
});

describe('Squish counts and verdict', () => {
  it('maps counts to totals: NONE as skipped, executions without a result as errors', () => {
    expect(summarizeCounts(counts(5, 2, 1, 9), 10)).toEqual({
      missing: 1,
      noResult: 1,
      totals: { total: 10, passed: 5, failed: 3, errors: 1, skipped: 2 },
    });
  });

  it('failed when a test failed, even with results missing', () => {
    const c = counts(3, 1, 0, 4);
    expect(verdictOf(c, summarizeCounts(c, 5))).toBe('failed');
  });

  it('error when no result arrived, or fewer than finished executions', () => {
    const none = counts(0, 0, 0, 0);
    expect(verdictOf(none, summarizeCounts(none, 0))).toBe('error');
    expect(verdictOf(none, summarizeCounts(none, 3))).toBe('error');
    const short = counts(3, 0, 0, 3);
    expect(verdictOf(short, summarizeCounts(short, 4))).toBe('error');
  });

  it('passed when all results are in and none failed; nothing passed is an empty run', () => {
    const good = counts(3, 0, 1, 4);
    expect(verdictOf(good, summarizeCounts(good, 4))).toBe('passed');
    const skippedOnly = counts(0, 0, 2, 2);
    expect(verdictOf(skippedOnly, summarizeCounts(skippedOnly, 2))).toBeUndefined();
  });
});
