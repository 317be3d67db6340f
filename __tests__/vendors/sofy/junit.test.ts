// Test results synthesized from Sofy's status rows (Sofy has no results export).
import { parseJunitXml } from '../../../src/core/junit-read.js';
import { renderJunitXml } from '../../../src/core/junit-write.js';
import { dedupeRows, mergeRows, suitesOf } from '../../../src/vendors/sofy/junit.js';
import type { SofyRow } from '../../../src/vendors/sofy/wire.js';

const base = {
  schedule: 'nightly',
  build: '1.43.0(5768)',
  scheduledAt: '2023-10-24T06:14:39.200Z',
};
const rows: SofyRow[] = [
  { ...base, device: 'Pixel 7', scenario: 'Login', status: 'Passed' },
  { ...base, device: 'Galaxy S23', scenario: 'Login', status: 'Failed' },
  { ...base, device: 'Pixel 7', scenario: 'Checkout', status: 'Run Stopped' },
  { ...base, device: 'Galaxy S23', scenario: 'Checkout', status: 'Incomplete' },
  { ...base, device: 'Pixel 7', scenario: 'Search', status: 'Not Executed' },
  // Repeated (as across polls): the later word wins.
  { ...base, device: 'Pixel 7', scenario: 'Login', status: 'Passed' },
];

describe('Sofy JUnit synthesis', () => {
  it('makes one suite per device and one case per scenario, de-duplicated', () => {
    const suites = suitesOf(rows, { osVersions: new Map([['Pixel 7', '14']]) });
    expect(suites.map((s) => s.name)).toEqual(['Pixel 7', 'Galaxy S23']);
    expect(suites[0].cases.map((c) => [c.name, c.classname, c.status])).toEqual([
      ['Login', 'Pixel 7', 'passed'],
      ['Checkout', 'Pixel 7', 'skipped'],
      ['Search', 'Pixel 7', 'error'],
    ]);
    expect(suites[1].cases.map((c) => [c.name, c.status])).toEqual([
      ['Login', 'failed'],
      ['Checkout', 'error'],
    ]);
    expect(suites[0].properties).toEqual({ 'sofy.device': 'Pixel 7', 'sofy.os': '14' });
    expect(suites[1].properties).toEqual({ 'sofy.device': 'Galaxy S23' });
    expect(suites[0].timestamp).toBe(base.scheduledAt);
    expect(suites[0].cases[0].properties).toEqual({
      'sofy.status': 'Passed',
      'sofy.build': '1.43.0(5768)',
      'sofy.scheduledAt': base.scheduledAt,
      'sofy.schedule': 'nightly',
    });
  });

  it('says what each status means, without inventing failure details', () => {
    const cases = suitesOf(rows).flatMap((s) => s.cases);
    const message = (name: string, device: string) =>
      cases.find((c) => c.name === name && c.classname === device)?.message;
    expect(message('Login', 'Pixel 7')).toBeUndefined();
    expect(message('Login', 'Galaxy S23')).toMatch(/Sofy reported "Failed"; .*no failure details/);
    expect(message('Checkout', 'Pixel 7')).toBe('Stopped in Sofy ("Run Stopped")');
    expect(message('Checkout', 'Galaxy S23')).toMatch(/unavailable or lost its connection/);
    expect(message('Search', 'Pixel 7')).toMatch(/not run/);
  });

  it('rows still going are skipped when the wait ends, errors when the group ended', () => {
    const open: SofyRow[] = [
      { device: 'Pixel 7', scenario: 'A', status: 'In Progress' },
      { device: 'Pixel 7', scenario: 'B', status: 'Device Reconnecting' },
    ];
    const waited = suitesOf(open, { unfinishedReason: 'when the wait ended' })[0].cases;
    expect(waited.map((c) => c.status)).toEqual(['skipped', 'error']);
    expect(waited[0].message).toBe(
      'Not finished: Sofy still said "In Progress" when the wait ended',
    );
    expect(waited[1].message).toMatch(/"Device Reconnecting" when the wait ended, a status/);
    const ended = suitesOf(open, { unfinishedAs: 'error' })[0].cases;
    expect(ended.map((c) => c.status)).toEqual(['error', 'error']);
  });

  it('keeps the newest row of a scenario on a device, in first-seen order', () => {
    const known = new Map<string, SofyRow>();
    mergeRows(known, [
      { device: 'D', scenario: 'A', status: 'Running', scheduledAt: '2022-10-07T20:39:26.02' },
      { device: 'D', scenario: 'B', status: 'Running', scheduledAt: '2022-10-07T20:39:26.02' },
    ]);
    mergeRows(known, [
      { device: 'D', scenario: 'B', status: 'Passed', scheduledAt: '2022-10-07T20:39:26.02' },
      // An older group's row (legacy rows are per schedule) does not replace a newer one.
      { device: 'D', scenario: 'A', status: 'Failed', scheduledAt: '2022-10-06T10:00:00' },
    ]);
    expect([...known.values()].map((r) => [r.scenario, r.status])).toEqual([
      ['A', 'Running'],
      ['B', 'Passed'],
    ]);
    expect(dedupeRows(rows)).toHaveLength(5);
  });

  it('renders as JUnit that reads back the same', async () => {
    const suites = suitesOf(rows);
    const xml = renderJunitXml({ vendor: 'sofy', state: 'completed', suites, links: [] });
    const back = await parseJunitXml(xml);
    expect(back.flatMap((s) => s.cases).map((c) => [c.classname, c.name, c.status])).toEqual(
      suites.flatMap((s) => s.cases).map((c) => [c.classname, c.name, c.status]),
    );
  });
});
