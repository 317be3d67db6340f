// What a worker job reports (issue 16): a RunResult with one test case per execution it ran
// (so the JUnit file, totals and exit status come from the relay's usual publishing), its
// own outputs, and a summary table of the executions with the server and exit code of each.

import { formatDuration } from '../../core/duration.js';
import type { OutputSpec } from '../../core/inputs.js';
import type { RunResult, TestCase, TestSuite } from '../../core/result.js';
import { verdictFromCases } from '../../core/result.js';
import { markdownLinkUrl, markdownTableCell } from '../../core/untrusted-text.js';
import { exitText, type ExecutionRecord, type WorkerRun } from './worker.js';

export const WORKER_OUTPUTS: readonly OutputSpec[] = [
  {
    name: 'executionsRun',
    description:
      'Squish Test Center, worker mode: executions this worker ran (a reset one and its retry count twice).',
    numeric: true,
  },
  {
    name: 'executionsPassed',
    description: 'Squish Test Center, worker mode: executions it reported finished and passed.',
    numeric: true,
  },
  {
    name: 'executionsFailed',
    description: 'Squish Test Center, worker mode: executions it reported finished with a failure.',
    numeric: true,
  },
  {
    name: 'executionsReset',
    description:
      'Squish Test Center, worker mode: executions it reset for another worker (infrastructure failures and cancels).',
    numeric: true,
  },
];

// A plan of thousands stays readable (and within the summary limit); the JUnit file has all.
const SUMMARY_ROWS = 200;

export function countsOf(records: readonly ExecutionRecord[]): Record<string, number> {
  const count = (...outcomes: string[]): number =>
    records.filter((record) => outcomes.includes(record.outcome)).length;
  return {
    executionsRun: records.length,
    executionsPassed: count('passed'),
    executionsFailed: count('failed'),
    executionsReset: count('reset', 'cancelled'),
  };
}

export function workerOutputs(run: WorkerRun): Record<string, string> {
  return Object.fromEntries(
    Object.entries(countsOf(run.records)).map(([name, value]) => [name, String(value)]),
  );
}

function caseOf(record: ExecutionRecord): TestCase {
  const { reservation } = record;
  const server = reservation.server
    ? `${reservation.server.host}:${reservation.server.port}`
    : undefined;
  const exit = exitText(record);
  const properties: Record<string, string> = {
    executionId: reservation.executionId,
    exit,
  };
  if (reservation.testId) properties.testId = reservation.testId;
  if (server) properties.server = server;
  const testCase: TestCase = {
    name: reservation.testcase,
    classname: reservation.suite || undefined,
    status: 'passed',
    durationSeconds: record.durationMs / 1000,
    properties,
  };
  const details = record.tail.join('\n') || undefined;
  switch (record.outcome) {
    case 'failed':
      testCase.status = 'failed';
      testCase.message = `The command failed (${exit})`;
      testCase.details = details;
      break;
    case 'reset':
      testCase.status = 'skipped';
      testCase.message = `Infrastructure failure (${exit}): reset for another worker`;
      testCase.details = details;
      break;
    case 'cancelled':
      testCase.status = 'skipped';
      testCase.message = 'Stopped with the job: reset for another worker';
      break;
  }
  if (record.reportProblem) {
    testCase.status = 'error';
    testCase.message = `${testCase.message ?? 'Passed'}, but Test Center did not take the report: ${record.reportProblem}`;
  }
  return testCase;
}

/** One suite per Squish suite, in the order this worker first ran one of its tests. */
export function workerResult(
  run: WorkerRun,
  handle: { runId: string; runUrl?: string; title?: string },
): RunResult {
  const suites = new Map<string, TestSuite>();
  for (const record of run.records) {
    const name = record.reservation.suite || 'Squish Test Center';
    let suite = suites.get(name);
    if (!suite) {
      suite = { name, cases: [] };
      suites.set(name, suite);
    }
    suite.cases.push(caseOf(record));
  }
  const result: RunResult = {
    vendor: 'squish',
    vendorName: 'Squish Test Center',
    runId: handle.runId,
    runUrl: handle.runUrl,
    title: `Worker on plan execution ${handle.runId}${handle.title ? `: ${handle.title}` : ''}`,
    state:
      run.ended === 'drained'
        ? 'completed'
        : run.ended === 'cancelled'
          ? 'cancelled'
          : run.ended === 'timed_out'
            ? 'timed_out'
            : 'error',
    suites: [...suites.values()],
    links: handle.runUrl ? [{ label: 'Test Center', url: handle.runUrl }] : [],
    message: run.error ?? endedMessage(run),
  };
  result.verdict = run.ended === 'drained' ? verdictFromCases(result) : undefined;
  if (run.ended === 'error') result.errorCause = 'vendor';
  return result;
}

function endedMessage(run: WorkerRun): string {
  const counts = countsOf(run.records);
  const what =
    `ran ${counts.executionsRun} execution(s): ${counts.executionsPassed} passed, ` +
    `${counts.executionsFailed} failed, ${counts.executionsReset} reset`;
  switch (run.ended) {
    case 'cancelled':
      return `The job was cancelled; this worker ${what}. The running ones were reset for another worker.`;
    case 'timed_out':
      return `The timeout ended this worker; it ${what}. The running ones were reset for another worker.`;
    default:
      return `Nothing left for these capabilities; this worker ${what}.`;
  }
}

/** The summary table: suite, test case, server, duration, exit, result, and the plan's link. */
export function workerSummary(run: WorkerRun, runId: string, runUrl: string | undefined): string {
  const link = markdownLinkUrl(runUrl);
  const plan = link ? `[plan execution ${runId}](${link})` : `plan execution ${runId}`;
  const lines = [`### Squish Test Center worker`, '', `Executions run by this job on ${plan}.`, ''];
  if (run.records.length === 0) {
    lines.push('None: other workers had taken them all.');
    return `${lines.join('\n')}\n`;
  }
  lines.push(
    '| Suite | Test case | Server | Duration | Exit | Result |',
    '|---|---|---|---|---|---|',
  );
  for (const record of run.records.slice(0, SUMMARY_ROWS)) {
    const { reservation } = record;
    const server = reservation.server
      ? `${reservation.server.host}:${reservation.server.port}`
      : '—';
    lines.push(
      `| ${[
        markdownTableCell(reservation.suite || '—', 80),
        markdownTableCell(reservation.testcase, 120),
        markdownTableCell(server, 60),
        formatDuration(record.durationMs),
        markdownTableCell(exitText(record), 40),
        record.outcome,
      ].join(' | ')} |`,
    );
  }
  if (run.records.length > SUMMARY_ROWS) {
    lines.push('', `… and ${run.records.length - SUMMARY_ROWS} more (see the JUnit file).`);
  }
  return `${lines.join('\n')}\n`;
}
