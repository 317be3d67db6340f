// The tests in the job summary: failed and errored ones first, each with its message, then
// every test by suite, as far as the byte budget allows. What did not fit is counted.

import type { Budget, Trimmed } from './summary-budget.js';
import { countOf, formatSeconds } from './summary-format.js';
import type { CaseStatus, TestCase, TestSuite } from './result.js';
import {
  escapeMarkdown,
  formatCount,
  markdownCodeBlock,
  markdownTableCell,
  oneLine,
} from './untrusted-text.js';

// Per-message limits, in characters, whatever the budget.
const MIN_MESSAGE_CHARS = 300;
const MAX_MESSAGE_CHARS = 20_000;
const NAME_CHARS = 300;
const FIRST_LINE_CHARS = 120;

const STATUS_ICON: Record<CaseStatus, string> = {
  passed: '✅',
  failed: '❌',
  error: '💥',
  skipped: '⏭️',
};

interface Located {
  testCase: TestCase;
  suite: TestSuite;
}

/**
 * Failed tests, then errored ones: every one named (a line each) as far as the whole budget
 * allows, with its message in a collapsible code block where the room left allows.
 */
export function addProblems(
  budget: Budget,
  suites: TestSuite[],
  listed: Set<TestCase>,
  trimmed: Trimmed,
): void {
  const located = (status: CaseStatus): Located[] =>
    suites.flatMap((suite) =>
      suite.cases.filter((c) => c.status === status).map((testCase) => ({ testCase, suite })),
    );
  const problems = [...located('failed'), ...located('error')];
  if (problems.length === 0) return;

  const heading = `### Failed and errored tests (${formatCount(problems.length)})\n\n`;
  if (!budget.tryAdd(heading)) {
    trimmed.messagesLeftOut += problems.filter(({ testCase }) => hasMessage(testCase)).length;
    return;
  }
  // Suite and class, escaped once for all the problems they hold (thousands at times).
  const places = new Map<string, string>();
  const whereOf = (testCase: TestCase, suite: TestSuite): string => {
    const key = `${suite.name}\u0000${testCase.classname ?? ''}`;
    let where = places.get(key);
    if (where === undefined) {
      where = placeOf(testCase, suite);
      places.set(key, where);
    }
    return where;
  };
  // Every problem is named before any message is shown: the names-only entries are reserved
  // first, and a message goes in only where the entries still to come keep their room.
  const compact = problems.map(({ testCase, suite }) => problemEntry(testCase, suite, whereOf));
  let reserve = compact.reduce((sum, entry) => sum + Buffer.byteLength(entry, 'utf8'), 0);
  const spare = Math.max(0, budget.remaining - reserve);
  const perMessage = clamp(
    Math.floor((spare * 0.9) / problems.length),
    MIN_MESSAGE_CHARS,
    MAX_MESSAGE_CHARS,
  );

  let index = 0;
  for (; index < problems.length; index += 1) {
    const { testCase, suite } = problems[index];
    reserve -= Buffer.byteLength(compact[index], 'utf8');
    const message = messageText(testCase);
    const room = budget.remaining - reserve;
    const full =
      message.text && room > MIN_MESSAGE_CHARS
        ? problemEntry(testCase, suite, whereOf, message, perMessage)
        : undefined;
    if (full && Buffer.byteLength(full, 'utf8') <= room && budget.tryAdd(full)) {
      if (message.text.length + message.omitted > perMessage) trimmed.messagesShortened += 1;
    } else if (budget.tryAdd(compact[index])) {
      if (message.text) trimmed.messagesLeftOut += 1;
    } else {
      break;
    }
    listed.add(testCase);
  }
  for (; index < problems.length; index += 1) {
    if (hasMessage(problems[index].testCase)) trimmed.messagesLeftOut += 1;
  }
}

/** `Suite › Class`, escaped (the class only where it is not the suite's name). */
function placeOf(testCase: TestCase, suite: TestSuite): string {
  return [suite.name, testCase.classname]
    .filter((part, i): part is string => Boolean(part) && (i === 0 || part !== suite.name))
    .map((part) => escapeMarkdown(oneLine(part, 200)))
    .join(' › ');
}

function problemEntry(
  testCase: TestCase,
  suite: TestSuite,
  whereOf: (testCase: TestCase, suite: TestSuite) => string,
  message?: MessageText,
  maxChars = 0,
): string {
  const where = whereOf(testCase, suite);
  const name = escapeMarkdown(oneLine(testCase.name, NAME_CHARS));
  // Short: with thousands of failures every one must still be named within the limit.
  const firstLine = testCase.message
    ? escapeMarkdown(oneLine(testCase.message, FIRST_LINE_CHARS))
    : '';
  const title = `${STATUS_ICON[testCase.status]} ${where ? `${where} › ` : ''}<b>${name}</b>${
    firstLine ? `: ${firstLine}` : ''
  }`;
  if (!message?.text) return `${title}\n\n`;
  const block = markdownCodeBlock(message.text, maxChars, { omittedChars: message.omitted });
  return `<details><summary>${title}</summary>\n\n${block}\n\n</details>\n\n`;
}

interface MessageText {
  text: string;
  /** Characters of the original message and details not in `text`. */
  omitted: number;
}

// More than any code block shows; cutting to it first means a 10 MB trace is never
// searched or copied in full, once per failed test.
const MESSAGE_WINDOW = MAX_MESSAGE_CHARS * 2 + 1024;

/** Message and details as one text; a stack trace often repeats the message, so it's shown once. */
function messageText(testCase: TestCase): MessageText {
  const message = testCase.message?.trim() ?? '';
  const details = testCase.details?.trim() ?? '';
  const shownMessage = message.slice(0, MESSAGE_WINDOW);
  const shownDetails = details.slice(0, MESSAGE_WINDOW);
  const messageCut = message.length - shownMessage.length;
  const detailsCut = details.length - shownDetails.length;
  if (!details) return { text: shownMessage, omitted: messageCut };
  const repeated = messageCut === 0 ? shownDetails.includes(message) : message === details;
  if (!message || repeated) return { text: shownDetails, omitted: detailsCut };
  return { text: `${shownMessage}\n\n${shownDetails}`, omitted: messageCut + detailsCut };
}

function hasMessage(testCase: TestCase): boolean {
  return messageText(testCase).text !== '';
}

/**
 * Every test, grouped by suite, in a collapsed section, as far as the budget allows.
 * Returns the closing tag (its bytes are inside the trailer reserve).
 */
export function addAllTests(budget: Budget, suites: TestSuite[], listed: Set<TestCase>): string {
  const nonEmpty = suites.filter((suite) => suite.cases.length > 0);
  if (nonEmpty.length === 0) return '';
  const total = nonEmpty.reduce((sum, suite) => sum + suite.cases.length, 0);
  const open =
    `<details><summary>All tests by suite (${formatCount(total)} in ` +
    `${formatCount(nonEmpty.length)} suite${nonEmpty.length === 1 ? '' : 's'})</summary>\n\n`;
  if (!budget.fits(open + suiteHeading(nonEmpty[0]) + testRow(nonEmpty[0].cases[0], nonEmpty[0])))
    return '';
  budget.add(open);

  outer: for (const suite of nonEmpty) {
    const [first] = suite.cases;
    if (!budget.fits(suiteHeading(suite) + testRow(first, suite))) break;
    budget.add(suiteHeading(suite));
    for (const testCase of suite.cases) {
      if (!budget.tryAdd(testRow(testCase, suite))) {
        budget.add('\n');
        break outer;
      }
      listed.add(testCase);
    }
    budget.add('\n');
  }
  return '</details>\n\n';
}

function suiteHeading(suite: TestSuite): string {
  const counts = (['passed', 'failed', 'error', 'skipped'] as const)
    .map((status) => [status, suite.cases.filter((c) => c.status === status).length] as const)
    .filter(([, count]) => count > 0)
    .map(([status, count]) =>
      status === 'error' ? countOf(count, 'error') : `${formatCount(count)} ${status}`,
    );
  return (
    `#### ${escapeMarkdown(oneLine(suite.name, 200)) || '(unnamed suite)'}\n\n` +
    `${countOf(suite.cases.length, 'test')}: ${counts.join(', ')}\n\n` +
    '| Result | Test | Duration |\n| :-- | :-- | --: |\n'
  );
}

function testRow(testCase: TestCase, suite: TestSuite): string {
  const icon = testCase.flaky ? '🔁 flaky' : STATUS_ICON[testCase.status];
  const name = markdownTableCell(testCase.name, NAME_CHARS);
  const cell =
    testCase.classname && testCase.classname !== suite.name
      ? `${markdownTableCell(testCase.classname, 200)} › ${name}`
      : name;
  return `| ${icon} | ${cell || ' '} | ${formatSeconds(testCase.durationSeconds)} |\n`;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
