// The "Reported to" block of the job summary: one row per system that received the results
// (Testomat.io, Spira), what it said, and the tests it could not match.

import type { SinkReport, SinkStatus } from './sink.js';
import { plural } from './text.js';
import { escapeMarkdown, markdownLinkUrl, oneLine, truncate } from './untrusted-text.js';

const STATUS_LABEL: Record<SinkStatus, string> = {
  reported: '✅ reported',
  failed: '❌ failed',
  skipped: '⏭️ not reported',
};
// Enough to fix a mapping by; the log and the system itself have the rest.
const MAX_UNMATCHED_LISTED = 50;

export function renderSinkReports(reports: SinkReport[]): string {
  if (reports.length === 0) return '';
  const lines = [
    '### Reported to',
    '',
    '| System | Status | Sent | Unmatched | Link |',
    '| --- | --- | ---: | ---: | --- |',
  ];
  for (const report of reports) {
    const url = markdownLinkUrl(report.url);
    const label = escapeMarkdown(oneLine(report.id ?? 'open', 60)) || 'open';
    lines.push(
      `| ${escapeMarkdown(report.displayName)} | ${STATUS_LABEL[report.status]} | ` +
        `${report.sent} of ${report.total} | ${report.unmatched.length} | ${url ? `[${label}](${url})` : ''} |`,
    );
  }
  lines.push('');
  for (const report of reports) {
    lines.push(
      `- **${escapeMarkdown(report.displayName)}:** ${escapeMarkdown(truncate(oneLine(report.message, 1000), 1000))}`,
    );
  }
  lines.push('');
  for (const report of reports.filter((r) => r.unmatched.length > 0)) {
    const shown = report.unmatched.slice(0, MAX_UNMATCHED_LISTED);
    const more = report.unmatched.length - shown.length;
    lines.push(
      '<details>',
      `<summary>${plural(report.unmatched.length, 'test')} not matched in ${escapeMarkdown(report.displayName)}</summary>`,
      '',
      ...shown.map((name) => `- ${escapeMarkdown(oneLine(name, 300))}`),
      ...(more > 0 ? [`- … and ${more} more`] : []),
      '',
      '</details>',
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}
