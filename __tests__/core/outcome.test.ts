import { decideOutcome, type OutcomePolicy, withSinkReports } from '../../src/core/outcome.js';
import type { SinkReport } from '../../src/core/sink.js';
import type { CaseStatus, RunResult } from '../../src/core/result.js';

const policy: OutcomePolicy = { failOnTestFailure: true, failOnEmpty: true, onTimeout: 'fail' };

function result(statuses: CaseStatus[], extra: Partial<RunResult> = {}): RunResult {
  return {
    vendor: 'testsigma',
    runId: '1001',
    runUrl: 'http://127.0.0.1/ui/td/runs/1001',
    state: 'completed',
    verdict: 'passed',
    suites: [{ name: 's', cases: statuses.map((status, i) => ({ name: `t${i}`, status })) }],
    links: [],
    ...extra,
  };
}

describe('decideOutcome', () => {
  it('succeeds only when tests ran and passed', () => {
    expect(decideOutcome(result(['passed', 'skipped']), policy)).toEqual({
      conclusion: 'success',
      reason: 'The 1 test passed (1 skipped).',
    });
  });

  it('fails on test failures unless told otherwise', () => {
    const failed = result(['passed', 'failed', 'error'], { verdict: 'failed' });
    expect(decideOutcome(failed, policy)).toMatchObject({
      conclusion: 'failure',
      reason: expect.stringMatching(/^2 of 3 tests failed/),
    });
    expect(decideOutcome(failed, { ...policy, failOnTestFailure: false }).conclusion).toBe(
      'neutral',
    );
  });

  it('fails when no test ran, unless failOnEmpty is off', () => {
    const empty = result([], { verdict: 'passed' });
    expect(decideOutcome(empty, policy)).toMatchObject({
      conclusion: 'failure',
      reason: expect.stringMatching(/^No tests ran/),
    });
    expect(decideOutcome(empty, { ...policy, failOnEmpty: false }).conclusion).toBe('neutral');
  });

  it('treats all-skipped like empty', () => {
    const skipped = result(['skipped', 'skipped'], { verdict: undefined });
    expect(decideOutcome(skipped, policy)).toMatchObject({
      conclusion: 'failure',
      reason: expect.stringMatching(/^No tests ran \(2 skipped\)/),
    });
    expect(decideOutcome(skipped, { ...policy, failOnEmpty: false }).conclusion).toBe('neutral');
  });

  it('says when TestRelay stopped a timed-out run instead of offering to attach', () => {
    const stopped = result([], { state: 'timed_out', verdict: undefined, remoteStopped: true });
    expect(decideOutcome(stopped, policy).reason).toMatch(/TestRelay stopped it/);
    expect(decideOutcome(stopped, policy).reason).not.toMatch(/runId/);
  });

  it('uses the vendor counts when there is no per-test detail', () => {
    const counted = result([], { suites: [], reportedCounts: { total: 4, passed: 4 } });
    expect(decideOutcome(counted, policy).conclusion).toBe('success');
  });

  it('fails or goes neutral on timeout and says how to attach', () => {
    const timedOut = result([], { state: 'timed_out', verdict: undefined });
    expect(decideOutcome(timedOut, policy)).toMatchObject({
      conclusion: 'failure',
      reason: expect.stringMatching(/runId 1001/),
    });
    expect(decideOutcome(timedOut, { ...policy, onTimeout: 'neutral' }).conclusion).toBe('neutral');
  });

  it('fails on vendor errors, stops and cancels even when tests passed', () => {
    expect(decideOutcome(result(['passed'], { verdict: 'error' }), policy).conclusion).toBe(
      'failure',
    );
    expect(decideOutcome(result(['passed'], { verdict: 'stopped' }), policy).conclusion).toBe(
      'failure',
    );
    expect(decideOutcome(result(['passed'], { state: 'cancelled' }), policy).conclusion).toBe(
      'failure',
    );
    expect(decideOutcome(result([], { state: 'error', message: 'HTTP 401' }), policy)).toEqual({
      conclusion: 'failure',
      reason: 'HTTP 401',
      cause: 'vendor',
    });
  });

  it('names the cause of each failure, for the exit codes of CIs that have only those', () => {
    const cause = (extra: Partial<RunResult>, statuses: CaseStatus[] = ['passed']) =>
      decideOutcome(result(statuses, extra), policy).cause;
    expect(cause({}, ['failed'])).toBe('tests');
    expect(cause({ verdict: 'stopped' })).toBe('tests');
    expect(cause({}, [])).toBe('tests');
    expect(cause({ state: 'timed_out' })).toBe('timeout');
    expect(cause({ state: 'cancelled' })).toBe('cancelled');
    expect(cause({ state: 'error', message: 'HTTP 503' })).toBe('vendor');
    expect(cause({ state: 'error', message: 'appPath: no such file', errorCause: 'input' })).toBe(
      'input',
    );
    expect(cause({})).toBeUndefined();
  });
});

describe('withSinkReports', () => {
  const report = (status: SinkReport['status'], message: string): SinkReport => ({
    sink: 'spira',
    displayName: 'Spira',
    status,
    message,
    total: 3,
    sent: status === 'reported' ? 3 : 0,
    unmatched: [],
  });

  it('keeps the outcome when every system took the results or had nothing to take', () => {
    const passed = decideOutcome(result(['passed']), policy);
    expect(withSinkReports(passed, [report('reported', 'ok'), report('skipped', 'none')])).toEqual(
      passed,
    );
  });

  it('fails a passing run when a system failed, saying which and why', () => {
    const passed = decideOutcome(result(['passed']), policy);
    expect(withSinkReports(passed, [report('failed', 'Access Denied.')])).toEqual({
      conclusion: 'failure',
      reason: 'Reporting to Spira failed: Access Denied.',
      cause: 'vendor',
    });
  });

  it('adds the system failure to a test failure, and fails a neutral outcome', () => {
    const failed = decideOutcome(result(['failed', 'passed']), policy);
    const both = withSinkReports(failed, [report('failed', 'Access Denied.')]);
    expect(both.reason).toBe(`${failed.reason} Reporting to Spira failed: Access Denied.`);
    // The failed tests stay the cause: they are what the user looks at first.
    expect(both.cause).toBe('tests');
    const neutral = decideOutcome(result([]), { ...policy, failOnEmpty: false });
    expect(neutral.conclusion).toBe('neutral');
    expect(withSinkReports(neutral, [report('failed', 'x')]).conclusion).toBe('failure');
  });

  it('keeps a run passing but with issues when a system matched only part of the tests', () => {
    const passed = decideOutcome(result(['passed']), policy);
    const partial = { ...report('reported', 'ok'), unmatched: ['Login works'] };
    expect(withSinkReports(passed, [partial])).toEqual({
      ...passed,
      issues: ['Spira: 1 of 3 tests matched nothing there.'],
    });
    const failed = decideOutcome(result(['failed']), policy);
    expect(withSinkReports(failed, [partial])).toEqual(failed);
  });
});
