// The markdown job summary (GitHub step summary; reused for Azure and the CLI).
// Pure and deterministic. What a reader needs comes first — verdict, totals, then the
// failures — so trimming to the size limit drops the least useful part: the passed list.
import { formatDuration } from './duration.js';
import { isCountsOnly, runDurationSeconds, totalsOf, vendorTitle } from './result.js';
import type { SinkReport } from './sink.js';
import { renderSinkReports } from './summary-sinks.js';
import type { CaseStatus, RunResult, TestCase, TestSuite } from './result.js';
import {
  escapeMarkdown,
  formatCount,
  markdownCodeBlock,
  markdownTableCell,
  oneLine,
  truncate,
} from './untrusted-text.js';

/** GitHub refuses a step summary over 1 MiB; the margin leaves room for a few notes of our own. */
export const DEFAULT_SUMMARY_MAX_BYTES = 1024 * 1024 - 16 * 1024;

export interface SummaryOptions {
  /** UTF-8 bytes the summary may take; default 1 MiB minus 16 KiB. */
  maxBytes?: number;
  /** How the trim note names that limit; default "the <size> summary limit". */
  limitName?: string;
  /** The exit-status decision, shown under the headline. */
  outcome?: { conclusion: 'success' | 'failure' | 'neutral'; reason: string };
  /** Extra lines, e.g. sink failures or timeouts (escaped: they may quote vendor text). */
  notes?: string[];
  /** Link back to the CI run. */
  ciRunUrl?: string;
  /** What each reportTo system made of the results. */
  sinks?: SinkReport[];
}

// Room kept back for the trim note and the closing tag of an open <details>.
const TRAILER_RESERVE = 1024;
// Per-message limits, in characters, whatever the budget.
const MIN_MESSAGE_CHARS = 300;
const MAX_MESSAGE_CHARS = 20_000;
const NAME_CHARS = 300;

const VERDICT_HEADLINE = {
  passed: '✅ Passed',
  failed: '❌ Failed',
  error: '⚠️ Error',
  stopped: '⏹️ Stopped',
} as const;
const STATE_HEADLINE = {
  completed: '❔ No verdict',
  timed_out: '⏱️ Timed out',
  cancelled: '🚫 Cancelled',
  error: '⚠️ Error',
} as const;
const OUTCOME_ICON = { success: '✅', failure: '❌', neutral: '⚪' } as const;
const STATUS_ICON: Record<CaseStatus, string> = {
  passed: '✅',
  failed: '❌',
  error: '💥',
  skipped: '⏭️',
};

/** Appends blocks while they fit; counts UTF-8 bytes, not string length. */
class Budget {
  private readonly parts: string[] = [];
  private used = 0;

  constructor(private readonly limit: number) {}

  get remaining(): number {
    return this.limit - this.used;
  }

  get spent(): number {
    return this.used;
  }

  fits(text: string): boolean {
    return this.used + Buffer.byteLength(text, 'utf8') <= this.limit;
  }

  tryAdd(text: string): boolean {
    const bytes = Buffer.byteLength(text, 'utf8');
    if (this.used + bytes > this.limit) return false;
    this.parts.push(text);
    this.used += bytes;
    return true;
  }

  /** For the few fixed-size blocks that always go in (the final clip still holds). */
  add(text: string): void {
    this.parts.push(text);
    this.used += Buffer.byteLength(text, 'utf8');
  }

  toString(): string {
    return this.parts.join('');
  }
}

interface Trimmed {
  messagesShortened: number;
  messagesLeftOut: number;
  notesLeftOut: number;
}

export function renderSummary(result: RunResult, options: SummaryOptions = {}): string {
  const maxBytes = Math.max(0, Math.floor(options.maxBytes ?? DEFAULT_SUMMARY_MAX_BYTES));
  const budget = new Budget(maxBytes - TRAILER_RESERVE);
  const trimmed: Trimmed = { messagesShortened: 0, messagesLeftOut: 0, notesLeftOut: 0 };
  const listed = new Set<TestCase>();

  budget.add(renderHeader(result, options));
  budget.add(renderTotals(result));
  budget.add(renderSinkReports(options.sinks ?? [], safeUrl));
  addNotes(budget, result, options.notes ?? [], trimmed);
  addProblems(budget, result.suites, listed, trimmed);
  const closing = addAllTests(budget, result.suites, listed);

  const total = result.suites.reduce((sum, suite) => sum + suite.cases.length, 0);
  let summary = budget.toString() + closing;
  const note = trimNote(
    total - listed.size,
    trimmed,
    options.limitName ?? `the ${formatBytes(maxBytes)} summary limit`,
  );
  if (note) summary += note;
  return clipToBytes(summary, maxBytes);
}

function renderHeader(result: RunResult, options: SummaryOptions): string {
  const headline = result.verdict ? VERDICT_HEADLINE[result.verdict] : STATE_HEADLINE[result.state];
  const title = result.title ?? result.vendor;
  const lines = [`## ${headline}: ${escapeMarkdown(oneLine(title, 200))}`, ''];

  const facts = [`**Vendor:** ${escapeMarkdown(oneLine(vendorTitle(result), 60))}`];
  if (result.runId !== undefined || result.runUrl !== undefined) {
    const runLabel = escapeMarkdown(oneLine(result.runId ?? 'open', 100)) || 'open';
    const runUrl = safeUrl(result.runUrl);
    facts.push(`**Run:** ${runUrl ? `[${runLabel}](${runUrl})` : runLabel}`);
  }
  facts.push(`**State:** ${result.state.replace('_', ' ')}`);
  const ciRunUrl = safeUrl(options.ciRunUrl);
  if (ciRunUrl) facts.push(`[CI run](${ciRunUrl})`);
  lines.push(facts.join(' · '), '');

  if (options.outcome) {
    const { conclusion, reason } = options.outcome;
    // The run is linked above; a URL repeated in the reason would only come out escaped.
    const shortReason = result.runUrl ? reason.replace(` See ${result.runUrl}`, '') : reason;
    const why = escapeMarkdown(oneLine(shortReason, 500));
    lines.push(
      `**Outcome:** ${OUTCOME_ICON[conclusion]} ${conclusion}${why ? `: ${why}` : ''}`,
      '',
    );
  }
  if (result.message?.trim()) lines.push(`> ${escapeMarkdown(oneLine(result.message, 1000))}`, '');

  const links = result.links
    .slice(0, 20)
    .map((link) => [escapeMarkdown(oneLine(link.label, 100)) || 'link', safeUrl(link.url)])
    .filter(([, url]) => url !== undefined)
    .map(([label, url]) => `[${label}](${url})`);
  if (links.length > 0) lines.push(`**Evidence:** ${links.join(' · ')}`, '');
  return `${lines.join('\n')}\n`;
}

function renderTotals(result: RunResult): string {
  const totals = totalsOf(result);
  // totals.failed counts errors too; the table shows them apart so its columns add up.
  const failuresOnly = Math.max(0, totals.failed - totals.errors);
  const cells = [
    totals.total,
    totals.passed,
    failuresOnly,
    totals.errors,
    totals.skipped,
    totals.flaky,
  ].map(formatCount);
  return [
    '| Total | Passed | Failed | Errors | Skipped | Flaky | Duration |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${cells.join(' | ')} | ${formatSeconds(runDurationSeconds(result))} |`,
    '',
    '',
  ].join('\n');
}

function addNotes(budget: Budget, result: RunResult, notes: string[], trimmed: Trimmed): void {
  const hasCases = result.suites.some((suite) => suite.cases.length > 0);
  const all = [...notes];
  if (isCountsOnly(result)) {
    const why = result.reportedCountsReason ? `: ${oneLine(result.reportedCountsReason, 300)}` : '';
    all.push(
      `The vendor reported counts only; per-test results were not available${why}. There are no ` +
        'tests to list; the JUnit file holds one placeholder test case per counted test, named as such.',
    );
  } else if (!hasCases) {
    all.push('No test results were reported.');
  }
  let block = '';
  for (const note of all) {
    const line = `- ${escapeMarkdown(truncate(note, 2000))}\n`;
    if (budget.fits(block + line)) block += line;
    else trimmed.notesLeftOut += 1;
  }
  if (block) budget.add(`${block}\n`);
}

interface Located {
  testCase: TestCase;
  suite: TestSuite;
}

/** Failed tests, then errored ones, each with its message in a collapsible code block. */
function addProblems(
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
  // Share the room: messages get most of it, but names-only entries must still fit after.
  const available = Math.max(0, budget.remaining);
  const perMessage = clamp(
    Math.floor((available * 0.6) / problems.length),
    MIN_MESSAGE_CHARS,
    MAX_MESSAGE_CHARS,
  );
  const fullEntriesUntil = budget.spent + available * 0.8;

  let index = 0;
  for (; index < problems.length; index += 1) {
    const { testCase, suite } = problems[index];
    const message = messageText(testCase);
    const withMessage = message.text && budget.spent < fullEntriesUntil;
    if (withMessage && budget.tryAdd(problemEntry(testCase, suite, message, perMessage))) {
      if (message.text.length + message.omitted > perMessage) trimmed.messagesShortened += 1;
    } else if (budget.tryAdd(problemEntry(testCase, suite))) {
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

function problemEntry(
  testCase: TestCase,
  suite: TestSuite,
  message?: MessageText,
  maxChars = 0,
): string {
  const where = [suite.name, testCase.classname]
    .filter((part, i): part is string => Boolean(part) && (i === 0 || part !== suite.name))
    .map((part) => escapeMarkdown(oneLine(part, 200)))
    .join(' › ');
  const name = escapeMarkdown(oneLine(testCase.name, NAME_CHARS));
  const firstLine = testCase.message ? escapeMarkdown(oneLine(testCase.message, 200)) : '';
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
function addAllTests(budget: Budget, suites: TestSuite[], listed: Set<TestCase>): string {
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
      status === 'error' ? plural(count, 'error') : `${formatCount(count)} ${status}`,
    );
  return (
    `#### ${escapeMarkdown(oneLine(suite.name, 200)) || '(unnamed suite)'}\n\n` +
    `${plural(suite.cases.length, 'test')}: ${counts.join(', ')}\n\n` +
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

function trimNote(notListed: number, trimmed: Trimmed, limit: string): string {
  const parts: string[] = [];
  if (notListed > 0) {
    parts.push(`${plural(notListed, 'test')} ${notListed === 1 ? 'is' : 'are'} not listed`);
  }
  const were = (count: number, noun: string): string =>
    `${plural(count, noun)} ${count === 1 ? 'was' : 'were'}`;
  if (trimmed.messagesShortened > 0) {
    parts.push(`${were(trimmed.messagesShortened, 'message')} shortened`);
  }
  if (trimmed.messagesLeftOut > 0)
    parts.push(`${were(trimmed.messagesLeftOut, 'message')} left out`);
  if (trimmed.notesLeftOut > 0) parts.push(`${were(trimmed.notesLeftOut, 'note')} left out`);
  if (parts.length === 0) return '';
  return `_Trimmed: ${joinList(parts)} to stay under ${limit}. The JUnit file has everything._\n`;
}

/** `1 test`, `2 tests`, `1,234 tests`. */
function plural(count: number, noun: string): string {
  return `${formatCount(count)} ${noun}${count === 1 ? '' : 's'}`;
}

function joinList(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/**
 * Last resort when even the fixed blocks don't fit a tiny limit: cut at a code point
 * boundary so the byte limit always holds.
 */
function clipToBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end);
}

/** Only http(s), with the characters that could end a markdown link destination encoded. */
function safeUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const href = url.href.replace(
    /[()[\]<>"`|\\\s]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
  return href.length <= 2000 ? href : undefined;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${Math.floor(bytes / 1024)} KiB`;
  return `${bytes}-byte`;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function formatSeconds(seconds: number | undefined): string {
  return formatDuration(seconds === undefined ? undefined : seconds * 1000);
}
