import { formatDuration, parseDuration } from '../../src/core/duration.js';

describe('parseDuration', () => {
  it.each([
    ['30m', 1_800_000],
    ['90s', 90_000],
    ['1h30m', 5_400_000],
    ['1h 30m', 5_400_000],
    ['500ms', 500],
    ['1.5m', 90_000],
    ['2H', 7_200_000],
  ])('%s → %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['30', '', 'm', '10 minutes', '-5m', '1d'])('refuses %p', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );
});

describe('formatDuration', () => {
  it('is short and readable', () => {
    expect(formatDuration(250)).toBe('250 ms');
    expect(formatDuration(23_040)).toBe('23.0 s');
    expect(formatDuration(61_000)).toBe('1m 01s');
    expect(formatDuration(3_900_000)).toBe('1h 05m');
    expect(formatDuration(undefined)).toBe('—');
  });
});
