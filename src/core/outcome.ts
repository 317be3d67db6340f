// Exit status is a policy over the RunResult: a job that reports success must mean the
// tests ran and passed.

import { inputRef, inputWithValue } from './input-names.js';
import { type RunResult, totalsOf, vendorTitle } from './result.js';
import type { InputError, Settings } from './settings.js';
import type { SinkReport } from './sink.js';

export type Conclusion = 'success' | 'failure' | 'neutral';

/**
 * What a failure (or a neutral end) was about, for CIs whose only signal is an exit code
 * (the CLI's table): the tests or the vendor's run; the inputs or configuration; reaching
 * the vendor or a sink; the deadline; a cancelled job.
 */
export type FailureCause = 'tests' | 'input' | 'vendor' | 'timeout' | 'cancelled';

export interface Outcome {
  conclusion: Conclusion;
  /** One sentence saying why, for logs, the summary and the step failure message. */
  reason: string;
  /** Set when the inputs were refused (before any request): every problem, by input. */
  inputProblems?: InputError[];
  /**
   * What went partly wrong though the step did not fail (a sink that matched only some
   * tests): a CI with a "succeeded with issues" result (Azure) shows it that way.
   */
  issues?: string[];
  /** Set on failure and neutral outcomes. */
  cause?: FailureCause;
}

export type OutcomePolicy = Pick<Settings, 'failOnTestFailure' | 'failOnEmpty' | 'onTimeout'>;

export function decideOutcome(result: RunResult, policy: OutcomePolicy): Outcome {
  const totals = totalsOf(result);
  const where = result.runUrl ? ` See ${result.runUrl}` : '';

  switch (result.state) {
    case 'timed_out': {
      const attach = result.remoteStopped
        ? ' TestRelay stopped it.'
        : result.runId
          ? ` Attach to it later with ${inputWithValue('runId', result.runId)}.`
          : '';
      const reason = `Timed out waiting for the ${vendorTitle(result)} run to finish.${attach}${where}`;
      const conclusion = policy.onTimeout === 'neutral' ? 'neutral' : 'failure';
      return { conclusion, reason, cause: 'timeout' };
    }
    case 'cancelled':
      return {
        conclusion: 'failure',
        reason: `The job was cancelled before the run finished.${where}`,
        cause: 'cancelled',
      };
    case 'error':
      return {
        conclusion: 'failure',
        reason: result.message ?? `The ${vendorTitle(result)} run could not be completed.`,
        cause: result.errorCause ?? 'vendor',
      };
    case 'completed':
      break;
  }

  if (result.verdict === 'stopped') {
    return {
      conclusion: 'failure',
      reason: `The run was stopped on the ${vendorTitle(result)} side.${where}`,
      cause: 'tests',
    };
  }
  // Nothing ran (no tests, or all skipped): success would be a lie unless asked for.
  if (totals.passed + totals.failed === 0) {
    const skipped = totals.skipped ? ` (${totals.skipped} skipped)` : '';
    const reason = `No tests ran${skipped}.${where}`;
    if (policy.failOnEmpty || result.verdict === 'error') {
      return { conclusion: 'failure', reason, cause: 'tests' };
    }
    return {
      conclusion: 'neutral',
      reason: `${reason} ${inputRef('failOnEmpty')} is off.`,
      cause: 'tests',
    };
  }
  if (totals.failed > 0 || result.verdict === 'failed') {
    const count =
      totals.failed > 0 ? `${totals.failed} of ${totals.total} tests failed` : 'The run failed';
    const reason = `${count}.${where}`;
    return {
      conclusion: policy.failOnTestFailure ? 'failure' : 'neutral',
      reason,
      cause: 'tests',
    };
  }
  if (result.verdict === 'error') {
    return {
      conclusion: 'failure',
      reason: `The ${vendorTitle(result)} run ended in an error${result.message ? `: ${result.message}` : ''}.${where}`,
      cause: 'tests',
    };
  }
  return {
    conclusion: 'success',
    reason: `${allPassed(totals.passed)}${totals.skipped ? ` (${totals.skipped} skipped)` : ''}.`,
  };
}

/**
 * The outcome once the results were reported on (reportTo): a sink that failed fails the
 * step, whatever the tests said, and the reason says which system and why.
 */
export function withSinkReports(outcome: Outcome, reports: SinkReport[]): Outcome {
  const failed = reports.filter((report) => report.status === 'failed');
  if (failed.length === 0) return withPartialReports(outcome, reports);
  const why = failed
    .map((report) => `Reporting to ${report.displayName} failed: ${report.message}`)
    .join(' ');
  // Failed tests stay the cause: they are what the user fixes first.
  if (outcome.conclusion === 'failure') {
    return { conclusion: 'failure', reason: `${outcome.reason} ${why}`, cause: outcome.cause };
  }
  return { conclusion: 'failure', reason: why, cause: 'vendor' };
}

function allPassed(count: number): string {
  return count === 1 ? 'The 1 test passed' : `All ${count} tests passed`;
}

/** Reports that delivered only part of the results: issues of a step that still passes. */
function withPartialReports(outcome: Outcome, reports: SinkReport[]): Outcome {
  const issues = reports
    .filter((report) => report.status === 'reported' && report.unmatched.length > 0)
    .map(
      (report) =>
        `${report.displayName}: ${report.unmatched.length} of ${report.total} tests matched nothing there.`,
    );
  if (issues.length === 0 || outcome.conclusion === 'failure') return outcome;
  return { ...outcome, issues: [...(outcome.issues ?? []), ...issues] };
}
