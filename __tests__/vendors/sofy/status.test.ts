// Sofy's free-text statuses → the neutral model, the verdict, and when a group is done
// (vendor-apis/sofy.md §4).
import {
  caseStatusOf,
  groupKind,
  MAX_HELD_POLLS,
  rowKind,
  snapshotOf,
  verdictOfRows,
} from '../../../src/vendors/sofy/status.js';
import type { SofyRow } from '../../../src/vendors/sofy/wire.js';

function row(status: string, device = 'Pixel 7', scenario = `S ${status}`): SofyRow {
  return { status, device, scenario };
}

describe('Sofy row statuses', () => {
  it.each([
    ['Passed', 'passed'],
    ['passed', 'passed'],
    ['PASS', 'passed'],
    ['Complete', 'passed'],
    ['Completed', 'passed'],
    ['Failed', 'failed'],
    ['FAILURE', 'failed'],
    ['Incomplete', 'error'],
    ['Not Executed', 'error'],
    ['not_executed', 'error'],
    ['Complete with errors', 'error'],
    ['Stopped', 'stopped'],
    ['Run Stopped', 'stopped'],
    ['Stopped by User', 'stopped'],
    ['Cancelled by User', 'stopped'],
    ['Canceled', 'stopped'],
    ['Aborted', 'stopped'],
    ['Running', 'pending'],
    ['Queued', 'pending'],
    ['In Queue', 'pending'],
    ['Scheduled', 'pending'],
    ['Waiting for Device', 'pending'],
    ['Setting up Device', 'pending'],
    ['Downloading App', 'pending'],
    ['Parsing App', 'pending'],
    ['Loading Scenarios', 'pending'],
    ['In Progress', 'pending'],
    ['  in   progress ', 'pending'],
    ['Finalizing', 'pending'],
    ['Device Reconnecting', 'unknown'],
    ['', 'unknown'],
  ])('"%s" is %s', (status, kind) => {
    expect(rowKind(status)).toBe(kind);
  });

  it('maps final kinds onto test statuses: stopped is skipped, platform trouble an error', () => {
    expect(caseStatusOf('passed')).toBe('passed');
    expect(caseStatusOf('failed')).toBe('failed');
    expect(caseStatusOf('stopped')).toBe('skipped');
    expect(caseStatusOf('error')).toBe('error');
  });
});

describe('Sofy group statuses', () => {
  it.each([
    ['Queued', 'pending'],
    ['In Queue', 'pending'],
    ['Running', 'pending'],
    ['Finalizing', 'pending'],
    ['Scheduled', 'pending'],
    ['Complete', 'complete'],
    ['Complete with errors', 'completeWithErrors'],
    ['Complete with Errors', 'completeWithErrors'],
    ['Stopped by User', 'stopped'],
    ['Cancelled by User', 'stopped'],
    ['Rebooting', 'unknown'],
  ])('"%s" is %s', (status, kind) => {
    expect(groupKind(status)).toBe(kind);
  });
});

describe('Sofy verdict', () => {
  it('error first, then failed, then stopped, else passed', () => {
    expect(verdictOfRows([])).toBe('error');
    expect(verdictOfRows([row('Passed'), row('Failed'), row('Incomplete')])).toBe('error');
    expect(verdictOfRows([row('Passed'), row('Not Executed')])).toBe('error');
    expect(verdictOfRows([row('Run Stopped'), row('Failed')])).toBe('failed');
    expect(verdictOfRows([row('Passed'), row('Stopped')])).toBe('stopped');
    expect(verdictOfRows([row('Passed'), row('Complete')])).toBe('passed');
  });

  it('a row that never became final is an error', () => {
    expect(verdictOfRows([row('Passed'), row('Running')])).toBe('error');
    expect(verdictOfRows([row('Passed'), row('Device Reconnecting')])).toBe('error');
  });
});

describe('Sofy snapshots (current generation: the rows decide)', () => {
  it('no rows: not started, no progress', () => {
    const snapshot = snapshotOf({ rows: [], groupDecides: false });
    expect(snapshot).toMatchObject({ done: false, status: 'Not started', progress: undefined });
    expect(snapshot.detail).toMatch(/no test runs yet/);
  });

  it('progress is final rows over rows; done when every row is final', () => {
    const going = snapshotOf({
      rows: [row('Passed'), row('Failed'), row('In Progress'), row('In Progress', 'Galaxy')],
      groupDecides: false,
    });
    expect(going).toMatchObject({
      done: false,
      progress: 0.5,
      status: '1 Passed, 1 Failed, 2 In Progress',
      detail: '2 of 4 test runs done, 1 not passed',
      unknownStatus: undefined,
    });
    expect(
      snapshotOf({ rows: [row('Passed'), row('Run Stopped')], groupDecides: false }).done,
    ).toBe(true);
  });

  it('an unknown status keeps waiting and is reported for the warning', () => {
    const snapshot = snapshotOf({
      rows: [row('Passed'), row('Device Reconnecting')],
      groupDecides: false,
    });
    expect(snapshot).toMatchObject({ done: false, unknownStatus: 'Device Reconnecting' });
  });

  it('a group list that still says running holds the end back, for a while', () => {
    const rows = [row('Passed')];
    expect(snapshotOf({ rows, groupStatus: 'Running', groupDecides: false, held: 1 }).done).toBe(
      false,
    );
    expect(
      snapshotOf({ rows, groupStatus: 'Running', groupDecides: false, held: MAX_HELD_POLLS }).done,
    ).toBe(true);
    expect(snapshotOf({ rows, groupStatus: 'Complete', groupDecides: false }).done).toBe(true);
    // Words of the unconfirmed list that are not "still going" do not block the end.
    expect(snapshotOf({ rows, groupStatus: 'Rebooting', groupDecides: false }).done).toBe(true);
  });
});

describe('Sofy snapshots (legacy generation: the group decides)', () => {
  const done = [row('Passed'), row('Failed')];

  it('waits while the group is queued or running, whatever the rows say', () => {
    expect(snapshotOf({ rows: done, groupStatus: 'Queued', groupDecides: true }).done).toBe(false);
    const running = snapshotOf({ rows: done, groupStatus: 'Running', groupDecides: true });
    expect(running).toMatchObject({ done: false, status: 'Running: 1 Passed, 1 Failed' });
  });

  it('ends when the group is complete and its rows final', () => {
    for (const status of ['Complete', 'Complete with errors', 'Stopped by User']) {
      expect(snapshotOf({ rows: done, groupStatus: status, groupDecides: true }).done).toBe(true);
    }
  });

  it('waits for lagging rows only so long', () => {
    const rows = [row('Passed'), row('Running')];
    expect(snapshotOf({ rows, groupStatus: 'Complete', groupDecides: true, held: 1 }).done).toBe(
      false,
    );
    expect(
      snapshotOf({ rows, groupStatus: 'Complete', groupDecides: true, held: MAX_HELD_POLLS }).done,
    ).toBe(true);
  });

  it('an unknown group status keeps waiting with a warning; a missing one just waits', () => {
    expect(snapshotOf({ rows: done, groupStatus: 'Rebooting', groupDecides: true })).toMatchObject({
      done: false,
      unknownStatus: 'Rebooting',
    });
    expect(snapshotOf({ rows: done, groupDecides: true })).toMatchObject({
      done: false,
      unknownStatus: undefined,
    });
  });
});
