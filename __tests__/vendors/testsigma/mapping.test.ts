import {
  caseStatusOf,
  finalResultOf,
  snapshotOf,
  verdictOf,
} from '../../../src/vendors/testsigma/status.js';
import { normalizeRun } from '../../../src/vendors/testsigma/wire.js';

// Shapes from vendor-apis/testsigma.md §3.1/§3.2.
const cloudRun = {
  id: 337,
  executionId: 274,
  execution: { id: 274, name: 'Checkout plan' },
  startTime: 1633612675726,
  endTime: null,
  duration: null,
  result: 'QUEUED',
  status: 'STATUS_IN_PROGRESS',
  message: 'Test Plan execution is initiated and waiting to be queued',
  totalCount: 10,
  passedCount: 3,
  failedCount: 1,
  abortedCount: 0,
  stoppedCount: 0,
  notExecutedCount: 0,
  queuedCount: 6,
  childResult: null,
  reRunParentId: null,
};

describe('normalizeRun', () => {
  it('reads the cloud camelCase run object', () => {
    const run = normalizeRun(cloudRun, 'cloud');
    expect(run).toMatchObject({
      id: '337',
      planId: '274',
      planName: 'Checkout plan',
      status: 'STATUS_IN_PROGRESS',
    });
    expect(run.counts).toMatchObject({ total: 10, passed: 3, failed: 1, queued: 6 });
    expect(run.reRun).toBeUndefined();
  });

  it('reads the self-hosted snake_case run object with null counts', () => {
    const run = normalizeRun(
      {
        id: 12,
        test_plan_id: 4,
        result: 'FAILURE',
        status: 'STATUS_COMPLETED',
        total_count: null,
        passed_count: null,
        duration: 13647,
      },
      'self-hosted',
    );
    expect(run).toMatchObject({ id: '12', planId: '4', result: 'FAILURE', durationMs: 13647 });
    expect(run.counts.total).toBeUndefined();
  });

  it('refuses answers that are not a run', () => {
    expect(() => normalizeRun('Incorrect API Key', 'cloud')).toThrow(/not a run object/);
    expect(() => normalizeRun({ status: 'x' }, 'cloud')).toThrow(/no id/);
  });
});

describe('snapshotOf', () => {
  it('is done only on STATUS_COMPLETED and reports progress', () => {
    const running = snapshotOf(normalizeRun(cloudRun, 'cloud'));
    expect(running).toMatchObject({
      done: false,
      progress: 0.4,
      detail: '4 of 10 tests done, 1 not passed',
    });
    for (const status of ['STATUS_CREATED', 'STATUS_QUEUED', 'STATUS_PRE_FLIGHT']) {
      expect(snapshotOf(normalizeRun({ ...cloudRun, status }, 'cloud')).done).toBe(false);
    }
    expect(
      snapshotOf(normalizeRun({ ...cloudRun, status: 'STATUS_COMPLETED' }, 'cloud')).done,
    ).toBe(true);
  });

  it('flags unknown statuses so the wait warns but keeps going', () => {
    const snapshot = snapshotOf(
      normalizeRun({ ...cloudRun, status: 'STATUS_WAITING_FOR_DEVICE' }, 'cloud'),
    );
    expect(snapshot).toMatchObject({ done: false, unknownStatus: 'STATUS_WAITING_FOR_DEVICE' });
  });

  it('waits for the consolidated status when auto re-runs are on', () => {
    const parentDone = {
      ...cloudRun,
      status: 'STATUS_COMPLETED',
      result: 'FAILURE',
      isReRunEnabled: true,
    };
    const waiting = normalizeRun(
      { ...parentDone, consolidatedStatus: 'STATUS_IN_PROGRESS', consolidatedResult: 'QUEUED' },
      'cloud',
    );
    expect(snapshotOf(waiting).done).toBe(false);
    const finished = normalizeRun(
      { ...parentDone, consolidatedStatus: 'STATUS_COMPLETED', consolidatedResult: 'SUCCESS' },
      'cloud',
    );
    expect(snapshotOf(finished).done).toBe(true);
    expect(finalResultOf(finished)).toBe('SUCCESS');
  });
});

describe('result mapping', () => {
  it.each([
    ['SUCCESS', 'passed', 'passed'],
    ['PASSED', 'passed', 'passed'],
    ['FAILURE', 'failed', 'failed'],
    ['FAILED', 'failed', 'failed'],
    ['ABORTED', 'error', 'error'],
    ['NOT_EXECUTED', 'error', 'error'],
    ['STOPPED', 'stopped', 'skipped'],
    ['QUEUED', 'error', 'error'],
    ['PRE_REQUISITE_FAILURE', 'error', 'error'],
  ])('%s → verdict %s, test %s', (value, verdict, status) => {
    expect(verdictOf(value)).toBe(verdict);
    expect(caseStatusOf(value)).toBe(status);
  });
});
