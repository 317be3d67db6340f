// The results in the CI log and as annotations: totals, then the failed tests first.

import type { CiAgent } from '../agent.js';
import { formatDuration } from '../duration.js';
import {
  allCases,
  caseLabel,
  problemCases,
  type RunResult,
  runDurationSeconds,
  totalsOf,
  wallSeconds,
} from '../result.js';
import type { Settings } from '../settings.js';
import { plural } from '../text.js';
import { oneLine, truncate } from '../untrusted-text.js';

const MAX_FAILED_IN_LOG = 20;
// Characters of an annotation's message (GitHub cuts longer ones anyway).
const MAX_ANNOTATION_CHARS = 4000;

export function logResult(result: RunResult, agent: CiAgent): void {
  // An error has no totals to speak of; the outcome's reason says what went wrong.
  if (result.state === 'error' && allCases(result).length === 0) return;
  const t = totalsOf(result);
  const seconds = runDurationSeconds(result);
  const log = agent.logger;
  const subject = result.runId
    ? `${result.title ?? result.vendor} (run ${result.runId})`
    : (result.title ?? result.vendor);
  // Only a wall time is "in": the sum of test times of parallel suites is not how long it took.
  const duration =
    seconds === undefined
      ? ''
      : wallSeconds(result) !== undefined
        ? ` in ${formatDuration(seconds * 1000)}`
        : ` (${formatDuration(seconds * 1000)} of test time)`;
  log.info(
    `${subject}: ${result.state}${result.verdict ? `, verdict ${result.verdict}` : ''} — ` +
      `${plural(t.total, 'test')}: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped${t.flaky ? `, ${t.flaky} flaky` : ''}${duration}`,
  );
  const problems = problemCases(result);
  for (const testCase of problems.slice(0, MAX_FAILED_IN_LOG)) {
    const message = testCase.message ? `: ${oneLine(testCase.message, 200)}` : '';
    log.info(`  ✗ ${caseLabel(testCase)} (${testCase.status})${message}`);
  }
  if (problems.length > MAX_FAILED_IN_LOG) {
    log.info(
      `  … and ${problems.length - MAX_FAILED_IN_LOG} more; see the summary or the JUnit file.`,
    );
  }
  if (result.runUrl) log.info(`Run: ${result.runUrl}`);
}

/** One error annotation per failed test, within the CI's cap, then a note of the rest. */
export function annotateProblems(result: RunResult, settings: Settings, agent: CiAgent): void {
  const problems = problemCases(result);
  const cap = Math.min(settings.maxAnnotations, agent.limits.errorAnnotations);
  for (const testCase of problems.slice(0, cap)) {
    // Details usually repeat the message (JUnit text vs. attribute): show it once.
    const body =
      testCase.details && testCase.message && testCase.details.includes(testCase.message)
        ? testCase.details
        : [testCase.message, testCase.details].filter(Boolean).join('\n');
    agent.annotate({
      level: 'error',
      title: `${testCase.status === 'error' ? 'Error' : 'Failed'}: ${oneLine(caseLabel(testCase), 200)}`,
      message: truncate(body || `Test ${testCase.status}`, MAX_ANNOTATION_CHARS),
      file: testCase.file,
      line: testCase.line,
    });
  }
  const left = problems.length - Math.max(0, Math.min(cap, problems.length));
  if (left > 0) {
    agent.annotate({
      level: 'notice',
      title: 'More failed tests',
      message: `${left} more failed test${left === 1 ? ' is' : 's are'} not annotated (the limit is ${cap} per step); see the job summary or ${settings.junitPath}.`,
    });
  }
}
