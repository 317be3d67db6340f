// Reading Sofy's answers: every documented trigger shape, both generations' status rows,
// group statuses, upload hashes and error bodies (fixtures from vendor-apis/sofy.md §3).
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  appHashOf,
  errorMessageOf,
  groupIdOfTrigger,
  groupStatusOf,
  osVersionsOf,
  rowsOf,
} from '../../../src/vendors/sofy/wire.js';

const fixture = (name: string): unknown =>
  JSON.parse(
    fs.readFileSync(
      path.join(import.meta.dirname, '..', '..', 'fixtures', 'sofy', `${name}.json`),
      'utf8',
    ),
  );

describe('Sofy trigger answers', () => {
  it.each([
    ['trigger-current', '123456'],
    ['trigger-testGroupsRunId', '123457'],
    ['trigger-legacy', '123458'],
  ])('reads the group id of %s as a string', (name, id) => {
    expect(groupIdOfTrigger(fixture(name))).toBe(id);
  });

  it('reads other spellings and nestings defensively', () => {
    expect(groupIdOfTrigger({ data: { scheduleTestRunsGroupID: 7 } })).toBe('7');
    expect(groupIdOfTrigger([{ ScheduleTestRunsGroupID: 8 }])).toBe('8');
    expect(groupIdOfTrigger({ data: [{ ScheduleTestRunsGroupId: '9' }] })).toBe('9');
  });

  it('finds no id where there is none', () => {
    expect(groupIdOfTrigger({ message: 'queued' })).toBeUndefined();
    expect(groupIdOfTrigger({ data: [] })).toBeUndefined();
    expect(groupIdOfTrigger('text')).toBeUndefined();
    expect(groupIdOfTrigger(null)).toBeUndefined();
    expect(groupIdOfTrigger({ testGroupsRunId: '' })).toBeUndefined();
  });
});

describe('Sofy status rows', () => {
  it('reads the current rows', () => {
    expect(rowsOf(fixture('status-current'))).toEqual([
      {
        scenario: 'Login flow',
        device: 'iPad 7th Gen',
        status: 'Run Stopped',
        schedule: 'nightly',
        groupId: '123456',
        scheduledAt: '2023-10-24T06:14:39.200Z',
        build: '1.43.0.release-candidate(5768)',
        manufacturer: undefined,
        model: undefined,
      },
      expect.objectContaining({ scenario: 'Checkout', status: 'Passed' }),
    ]);
  });

  it('reads the legacy rows: device from manufacturer and model, build from its parts', () => {
    expect(rowsOf(fixture('legacy-rows'))).toEqual([
      expect.objectContaining({
        scenario: 'Login flow',
        device: 'Apple iPhone13,2',
        status: 'Passed',
        schedule: 'nightly',
        scheduledAt: '2022-10-07T20:39:26.02',
        build: '1.43.0 (5768)',
        manufacturer: 'Apple',
        model: 'iPhone13,2',
      }),
    ]);
  });

  it('treats empty or null data as no rows yet, and refuses what is no list', () => {
    expect(rowsOf({ data: [], message: 'Fetched 0 record(s).' })).toEqual([]);
    expect(rowsOf({ data: null })).toEqual([]);
    expect(rowsOf({ message: 'nothing' })).toEqual([]);
    expect(rowsOf([])).toEqual([]);
    expect(() => rowsOf({ data: 'busy' })).toThrow(/not a list of runs/);
    expect(() => rowsOf('busy')).toThrow(/not a list of runs/);
  });

  it('fills in what a row leaves out', () => {
    expect(rowsOf([{ Manufacturer: 'Google', Model: 'Pixel 7' }])[0].device).toBe('Google Pixel 7');
    expect(rowsOf([{ Manufacturer: 'OnePlus', Model: 'OnePlus 11' }])[0]).toMatchObject({
      device: 'OnePlus 11',
      scenario: '(unnamed scenario)',
      status: '',
    });
    expect(rowsOf([{}])[0].device).toBe('Unknown device');
  });
});

describe('Sofy group statuses, uploads and errors', () => {
  it('reads the legacy group status of the group asked about', () => {
    expect(groupStatusOf(fixture('legacy-group-status'), '123458')).toBe('Running');
    expect(groupStatusOf(fixture('legacy-group-status'), '999')).toBeUndefined();
    expect(groupStatusOf([], '1')).toBeUndefined();
    expect(groupStatusOf([{ ScheduleTestRunsGroupStatus: 'Queued' }], '1')).toBe('Queued');
  });

  it('reads the current group list', () => {
    const list = [
      { testRunGroupId: '2', status: 'Running' },
      { testRunGroupId: '1', status: 'Complete' },
    ];
    expect(groupStatusOf(list, '1')).toBe('Complete');
    expect(groupStatusOf({ data: list }, '2')).toBe('Running');
  });

  it('reads the app hash of either generation', () => {
    expect(appHashOf(fixture('upload-current'))).toBe('a1b2c3d4e5f6');
    expect(appHashOf({ AppHash: 'ff00', Message: 'ok' })).toBe('ff00');
    expect(appHashOf({ message: 'ok' })).toBeUndefined();
  });

  it("reads the vendor's words from error bodies", () => {
    expect(errorMessageOf(JSON.stringify(fixture('error-invalid-key')))).toBe(
      'Invalid Auth Key. No active API key matches x-sofy-auth-key.',
    );
    expect(errorMessageOf('{"Message":"Authorization has been denied for this request."}')).toBe(
      'Authorization has been denied for this request.',
    );
    expect(errorMessageOf('<html>  Bad   gateway</html>')).toBe('<html> Bad gateway</html>');
    expect(errorMessageOf('[1]')).toBe('');
  });

  it('maps device names to OS versions, dropping names seen with two versions', () => {
    const versions = osVersionsOf({
      data: [
        { device_name: 'Pixel 7', os_version: '14' },
        { device_name: 'iPhone 12', os_version: '16.1' },
        { device_name: 'iPhone 12', os_version: '17.0' },
        { device_name: 'Pixel 7', os_version: '14' },
      ],
    });
    expect([...versions]).toEqual([['Pixel 7', '14']]);
  });
});
