// From the neutral result to Spira's bodies: one automated run per mapped test, and the build
// that carries the run verdict (Spira has no run container, §4).

import { type RunResult, totalsOf, vendorTitle } from '../../core/result.js';
import { type CiContext, ciRunName } from '../../core/settings.js';
import type { SpiraSettings } from './settings.js';
import { cleanText, truncate } from '../../core/untrusted-text.js';
import { type MappedCase, qualifiedName, statusInWords } from './mapping.js';
import type { RunTimes } from './timing.js';
import {
  BUILD_STATUS,
  type RemoteAutomatedTestRun,
  type RemoteBuildRequest,
  RUNNER_NAME,
  TEST_RUN_FORMAT_PLAIN_TEXT,
} from './wire.js';

/** Where the runs go besides the product: set only when configured (or made). */
export interface RunTargets {
  releaseId?: number;
  testSetId?: number;
  buildId?: number;
}

// Untrusted vendor text can be huge (a whole log as a "stack trace"): cut it so a chunk of runs
// stays a modest request (servers and proxies answer 413 to large bodies; the simulator stops
// at 1 MiB). The cut is marked ("… [1,234 more characters]"). Same limits as Testomat.io's.
export const MAX_MESSAGE_CHARS = 4_000;
export const MAX_STACK_CHARS = 16_000;

// The other text fields Spira stores in columns of a fixed size. vendor-apis/spira.md documents
// no length for any of them, so these are conservative guesses, not Spira's numbers: 255 for
// names (the usual size of a name column; a test name from JUnit, classname included, can be
// longer), 50 for the runner's name (a tool's name: TestRelay's own is 9), and the message's
// 4,000 for the build's plain-text description. A longer value is cut and marked like the
// message, rather than risk Spira refusing the whole chunk of runs or the build.
export const MAX_RUNNER_NAME_CHARS = 50;
export const MAX_TEST_NAME_CHARS = 255;
export const MAX_BUILD_NAME_CHARS = 255;
export const MAX_BUILD_DESCRIPTION_CHARS = MAX_MESSAGE_CHARS;

/** Control characters out, then cut to `maxChars` with the cut marked. */
function fit(text: string, maxChars: number): string {
  return truncate(cleanText(text), maxChars);
}

/**
 * The message Spira shows for a run (RunnerMessage, and ActualResult of manual steps): the
 * test's own, cut to MAX_MESSAGE_CHARS, else its status in words (never empty).
 */
export function runMessage(mapped: MappedCase): string {
  const message = cleanText(mapped.testCase.message ?? '').trim();
  return message === '' ? statusInWords(mapped.testCase) : truncate(message, MAX_MESSAGE_CHARS);
}

export function automatedRun(
  mapped: MappedCase,
  statuses: SpiraSettings['statuses'],
  times: RunTimes,
  targets: RunTargets,
): RemoteAutomatedTestRun {
  const testCase = mapped.testCase;
  const failed = testCase.status === 'failed' || testCase.status === 'error';
  const run: RemoteAutomatedTestRun = {
    TestRunFormatId: TEST_RUN_FORMAT_PLAIN_TEXT,
    RunnerName: fit(RUNNER_NAME, MAX_RUNNER_NAME_CHARS),
    RunnerTestName: fit(qualifiedName(testCase), MAX_TEST_NAME_CHARS),
    RunnerMessage: runMessage(mapped),
    RunnerStackTrace: fit(testCase.details ?? '', MAX_STACK_CHARS),
    // Inflectra's own runners count failed assertions here; a JUnit case fails at most once.
    RunnerAssertCount: failed ? 1 : 0,
    TestCaseId: mapped.testCaseId,
    ExecutionStatusId: statuses[testCase.status],
    StartDate: times.start,
    EndDate: times.end,
  };
  if (targets.releaseId !== undefined) run.ReleaseId = targets.releaseId;
  if (targets.testSetId !== undefined) run.TestSetId = targets.testSetId;
  if (targets.buildId !== undefined) run.BuildId = targets.buildId;
  return run;
}

/** Passed only when the run completed and its verdict is passed (§4). */
function buildStatusOf(result: Pick<RunResult, 'state' | 'verdict'>): number {
  return result.state === 'completed' && result.verdict === 'passed'
    ? BUILD_STATUS.passed
    : BUILD_STATUS.failed;
}

export function buildRequest(
  projectId: number,
  releaseId: number,
  name: string,
  result: RunResult,
  ci: CiContext,
): RemoteBuildRequest {
  return {
    ProjectId: projectId,
    // In the body as well as the path: without it Spira looks for release "RL0" (§5).
    ReleaseId: releaseId,
    BuildStatusId: buildStatusOf(result),
    Name: fit(name, MAX_BUILD_NAME_CHARS),
    Description: fit(buildDescription(result, ci), MAX_BUILD_DESCRIPTION_CHARS),
  };
}

/** Plain text linking back to the CI run and to the source run, with the counts. */
function buildDescription(result: RunResult, ci: CiContext): string {
  const lines = ['Test results recorded by TestRelay.'];
  const ciName = ciRunName(ci);
  if (ci.runUrl || ciName) {
    lines.push(`CI run: ${[ciName, ci.runUrl].filter(Boolean).join(' ')}`);
  }
  const source = [
    `${vendorTitle(result)}${result.runId ? ` run ${result.runId}` : ''}`,
    result.title && result.title !== result.vendor ? `(${oneLineText(result.title)})` : '',
    result.runUrl ?? '',
  ]
    .filter(Boolean)
    .join(' ');
  lines.push(`Source: ${source}`);
  const totals = totalsOf(result);
  const verdict = result.verdict ?? 'unknown';
  lines.push(
    `Verdict: ${verdict} (${result.state}); ${totals.total} tests: ${totals.passed} passed, ` +
      `${totals.failed - totals.errors} failed, ${totals.errors} errors, ${totals.skipped} skipped.`,
  );
  return lines.join('\n');
}

function oneLineText(text: string): string {
  return cleanText(text).replace(/\s+/g, ' ').trim();
}
