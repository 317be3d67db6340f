// The markdown job summary (GitHub step summary; reused for Azure and the CLI).
// Pure and deterministic. What a reader needs comes first — verdict, totals, then the
// failures — so trimming to the size limit drops the least useful part: the passed list.
import { isCountsOnly, runDurationSeconds, totalsOf, vendorTitle } from './result.js';
import type { RunResult, TestCase } from './result.js';
import type { SinkReport } from './sink.js';
import { Budget, clipToBytes, type Trimmed } from './summary-budget.js';
import { countOf, formatSeconds } from './summary-format.js';
import { renderSinkReports } from './summary-sinks.js';
import { addAllTests, addProblems } from './summary-tests.js';
import { list } from './text.js';
import {
  escapeMarkdown,
  formatCount,
  markdownLinkUrl,
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

export function renderSummary(result: RunResult, options: SummaryOptions = {}): string {
  const maxBytes = Math.max(0, Math.floor(options.maxBytes ?? DEFAULT_SUMMARY_MAX_BYTES));
  const budget = new Budget(maxBytes - TRAILER_RESERVE);
  const trimmed: Trimmed = { messagesShortened: 0, messagesLeftOut: 0, notesLeftOut: 0 };
  const listed = new Set<TestCase>();

  budget.add(renderHeader(result, options));
  budget.add(renderTotals(result));
  budget.add(renderSinkReports(options.sinks ?? []));
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
    const runUrl = markdownLinkUrl(result.runUrl);
    facts.push(`**Run:** ${runUrl ? `[${runLabel}](${runUrl})` : runLabel}`);
  }
  facts.push(`**State:** ${result.state.replace('_', ' ')}`);
  const ciRunUrl = markdownLinkUrl(options.ciRunUrl);
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
    .map((link) => [escapeMarkdown(oneLine(link.label, 100)) || 'link', markdownLinkUrl(link.url)])
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

function trimNote(notListed: number, trimmed: Trimmed, limit: string): string {
  const parts: string[] = [];
  if (notListed > 0) {
    parts.push(`${countOf(notListed, 'test')} ${notListed === 1 ? 'is' : 'are'} not listed`);
  }
  const were = (count: number, noun: string): string =>
    `${countOf(count, noun)} ${count === 1 ? 'was' : 'were'}`;
  if (trimmed.messagesShortened > 0) {
    parts.push(`${were(trimmed.messagesShortened, 'message')} shortened`);
  }
  if (trimmed.messagesLeftOut > 0)
    parts.push(`${were(trimmed.messagesLeftOut, 'message')} left out`);
  if (trimmed.notesLeftOut > 0) parts.push(`${were(trimmed.notesLeftOut, 'note')} left out`);
  if (parts.length === 0) return '';
  return `_Trimmed: ${list(parts, 'and')} to stay under ${limit}. The JUnit file has everything._\n`;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${Math.floor(bytes / 1024)} KiB`;
  return `${bytes}-byte`;
}
