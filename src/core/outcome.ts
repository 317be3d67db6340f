// Exit status is a policy over the RunResult: a job that reports success must mean the
// tests ran and passed.

import { type RunResult, totalsOf, vendorTitle } from './result.js';
import type { InputError, Settings } from './settings.js';
import type { SinkReport } from './sink.js';

export type Conclusion = 'success' | 'failure' | 'neutral';

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
          ? ` Attach to it later with runId ${result.runId}.`
          : '';
      const reason = `Timed out waiting for the ${vendorTitle(result)} run to finish.${attach}${where}`;
      return { conclusion: policy.onTimeout === 'neutral' ? 'neutral' : 'failure', reason };
    }
    case 'cancelled':
      return {
        conclusion: 'failure',
        reason: `The job was cancelled before the run finished.${where}`,
      };
    case 'error':
      return {
        conclusion: 'failure',
        reason: result.message ?? `The ${vendorTitle(result)} run could not be completed.`,
      };
    case 'completed':
      break;
  }

  if (result.verdict === 'stopped') {
    return {
      conclusion: 'failure',
      reason: `The run was stopped on the ${vendorTitle(result)} side.${where}`,
    };
  }
  // Nothing ran (no tests, or all skipped): success would be a lie unless asked for.
  if (totals.passed + totals.failed === 0) {
    const skipped = totals.skipped ? ` (${totals.skipped} skipped)` : '';
    const reason = `No tests ran${skipped}.${where}`;
    if (policy.failOnEmpty) return { conclusion: 'failure', reason };
    if (result.verdict === 'error') return { conclusion: 'failure', reason };
    return { conclusion: 'neutral', reason: `${reason} failOnEmpty is off.` };
  }
  if (totals.failed > 0 || result.verdict === 'failed') {
    const count =
      totals.failed > 0 ? `${totals.failed} of ${totals.total} tests failed` : 'The run failed';
    const reason = `${count}.${where}`;
    return { conclusion: policy.failOnTestFailure ? 'failure' : 'neutral', reason };
  }
  if (result.verdict === 'error') {
    return {
      conclusion: 'failure',
      reason: `The ${vendorTitle(result)} run ended in an error${result.message ? `: ${result.message}` : ''}.${where}`,
    };
  }
  return {
    conclusion: 'success',
    reason: `All ${totals.passed} tests passed${totals.skipped ? ` (${totals.skipped} skipped)` : ''}.`,
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
  if (outcome.conclusion === 'failure')
    return { conclusion: 'failure', reason: `${outcome.reason} ${why}` };
  return { conclusion: 'failure', reason: why };
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
