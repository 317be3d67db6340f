// The sentences the Spira sink writes into the log and its report (job summary, step
// failure): what was recorded, what maps to nothing, and for each kind of failure what Spira
// said and what to check. Tests assert them word for word.

import { inputRef, inputSetting } from '../../core/input-names.js';
import { caseLabel, type TestCase } from '../../core/result.js';
import { plural, sentence } from '../../core/text.js';
import type { SpiraWriteError } from './errors.js';
import type { MappedCase } from './mapping.js';
import type { Progress, WriteContext } from './recording.js';
import type { SpiraSettings } from './settings.js';
import { SERVICE_PATH } from './wire.js';

export const NO_RESULTS = 'No test results to report; nothing was sent to Spira.';

/** The net under deliver(): a failure it did not expect, in Spira's words. */
export function unexpectedFailure(said: string): string {
  return `Reporting to Spira failed: ${sentence(said)}`;
}

export function badPropertiesWarning(cases: TestCase[]): string {
  return (
    `Spira: ${plural(cases.length, 'test')} ${cases.length === 1 ? 'has' : 'have'} ` +
    `a test case property (spira.testCaseId, spiraTestCaseId, spira or TestCaseId) that is not an id ` +
    `(expected 123 or TC:123), e.g. ${caseLabel(cases[0])}; the other mapping rules were used.`
  );
}

/** One line for all the tests whose own id won over a `manual` mapping line (mapping.ts). */
export function manualOverriddenLine(cases: MappedCase[]): string {
  const first = cases[0];
  const from = first.source === 'name' ? 'its TC: token' : 'its test case property';
  const example = `${caseLabel(first.testCase)} (test case ${first.testCaseId}, from ${from})`;
  return cases.length === 1
    ? `Spira: ${example} has its own test case id, which wins over its spiraMapping line ` +
        'saying manual: it is recorded as an automated run.'
    : `Spira: ${cases.length} tests have their own test case id, which wins over their ` +
        `spiraMapping lines saying manual: they are recorded as automated runs, e.g. ${example}.`;
}

export function noMatchMessage(count: number, failOnNoMatch: boolean): string {
  const none =
    count === 1
      ? 'The test maps to no Spira test case, so nothing was sent.'
      : `None of the ${count} tests maps to a Spira test case, so nothing was sent.`;
  return (
    `${none} Map tests with ${inputRef('spiraMapping')} lines ("classname.name = 123"), a "default = 123" line, ` +
    `TC:123 in the test names, or a spira.testCaseId JUnit property` +
    (failOnNoMatch
      ? `; or set ${inputSetting('failOnNoMatch', 'false')} to let the step pass without reporting.`
      : '.')
  );
}

export function buildCreated(buildId: number, name: string, releaseId: number): string {
  return `Spira: created build ${buildId} "${name}" under release ${releaseId}.`;
}

/** "cancelled", or "stopped: out of time" when the relay's time budget for the sink ran out. */
export function stoppedBy(signal: AbortSignal): string {
  // By name: the reason is a DOMException, which may come from another realm than Error.
  const reason = signal.reason as { name?: unknown } | undefined;
  return reason?.name === 'TimeoutError' ? 'stopped: it ran out of time' : 'cancelled';
}

/** The report's settings and product, as the messages name them. */
export interface Where {
  spira: SpiraSettings;
  projectId: number;
}

/** What went wrong, in Spira's words plus what to check. */
export function reasonOf(
  where: Where,
  error: SpiraWriteError,
  context: WriteContext,
  stopped: string,
  buildId?: number,
): string {
  const { spira } = where;
  const ids = idsInvolved(where, context, buildId);
  switch (error.kind) {
    case 'auth':
      return (
        `Spira refused the API key of ${inputRef('spiraUsername')} "${spira.username ?? ''}" (${error.said}): check ${inputRef('spiraApiKey')} ` +
        "(the user's RSS token from My Profile, with its curly braces) and that RSS/API access is enabled for that user."
      );
    case 'notFound': {
      const checks =
        context.testCaseIds.length > 0
          ? `${inputRef('spiraMapping')} (the test case ids), ${inputRef('spiraProjectId')}, ${inputRef('spiraReleaseId')} and ${inputRef('spiraTestSetId')}`
          : `${inputRef('spiraProjectId')} and ${inputRef('spiraReleaseId')}`;
      return `Spira found no such artifact while ${context.action} ${ids}; it said ${error.said}. Check ${checks}.`;
    }
    case 'noOperation':
      return (
        `Spira has no such operation at ${spira.url}${SERVICE_PATH} (${context.action}); it said ${error.said}. ` +
        `Check ${inputRef('spiraUrl')} (on-premise with its virtual directory, e.g. https://host/Spira).`
      );
    case 'deadlock':
      return `Spira's database kept choosing the write as deadlock victim while ${context.action} ${ids}; it said ${error.said}.`;
    case 'unreachable':
      return `Could not connect to Spira while ${context.action}: ${sentence(error.said)}`;
    case 'uncertain':
      return `Spira failed while ${context.action} ${ids} (${error.said}); ${context.inDoubt}.`;
    case 'cancelled':
      return `Reporting to Spira was ${stopped} while ${context.action}.`;
    case 'badAnswer':
      return sentence(error.said);
    case 'refused':
      return `Spira refused ${context.action} ${ids}; it said ${sentence(error.said)}`;
  }
}

/** "for test cases 1, 999 in product 24 (release 155, test set 2, build 7)". */
function idsInvolved(where: Where, context: WriteContext, buildId: number | undefined): string {
  const { spira } = where;
  const unique = [...new Set(context.testCaseIds)];
  const shown =
    unique.slice(0, 10).join(', ') + (unique.length > 10 ? ` and ${unique.length - 10} more` : '');
  const runs = unique.length > 0;
  const cases = runs ? `for ${unique.length === 1 ? 'test case' : 'test cases'} ${shown} ` : '';
  const extra = [
    spira.releaseId !== undefined ? `release ${spira.releaseId}` : '',
    runs && spira.testSetId !== undefined ? `test set ${spira.testSetId}` : '',
    runs && buildId !== undefined ? `build ${buildId}` : '',
  ].filter(Boolean);
  return `${cases}in product ${where.projectId}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`;
}

/** How far a failed report got, and which runs may or may not be in Spira. */
export function progressSentence(progress: Progress): string {
  const recorded =
    progress.recorded === 0
      ? `No test run was recorded (of ${progress.planned})`
      : `${progress.recorded} of ${plural(progress.planned, 'test run')} ${progress.recorded === 1 ? 'was' : 'were'} recorded`;
  const build = progress.buildId !== undefined ? ` in build ${progress.buildId}` : '';
  if (progress.inDoubt === 0) return `${recorded}${build}.`;
  return (
    `${recorded}${build}; the last ${plural(progress.inDoubt, 'run')} sent may or may not have been recorded ` +
    '(check the test runs in Spira before reporting again).'
  );
}

export function successMessage(where: Where, progress: Progress, unmatched: number): string {
  const { spira } = where;
  const manual = progress.manualRecorded > 0 ? ` (${progress.manualRecorded} as manual runs)` : '';
  const release = spira.releaseId !== undefined ? `, release ${spira.releaseId}` : '';
  const build = progress.buildId !== undefined ? ` (build ${progress.buildId})` : '';
  const missing =
    unmatched === 0
      ? ''
      : `; ${plural(unmatched, 'test')} ${unmatched === 1 ? 'maps' : 'map'} to no test case`;
  return `Recorded ${plural(progress.recorded, 'test run')}${manual} in Spira product ${where.projectId}${release}${build}${missing}.`;
}
