// The run page (`/ui/td/runs/{id}`), where the Testsigma simulator's printed run URLs lead.

import { escapeMarkup } from '../../../simulator/kit.js';
import { spell } from './format.js';
import type { Run, RunView } from './model.js';
import { testRows } from './results.js';

export function runPageHtml(run: Run | undefined, view: RunView | undefined, id: string): string {
  const head = (title: string, refresh: boolean): string =>
    `<!doctype html><html><head><meta charset="utf-8"><title>${escapeMarkup(title)}</title>` +
    (refresh ? '<meta http-equiv="refresh" content="2">' : '') +
    '<style>body{font:15px system-ui,sans-serif;margin:2rem;color:#222}' +
    'td,th{padding:.2rem .8rem;text-align:left}th{color:#666;font-weight:normal}' +
    '.SUCCESS,.PASSED{color:#1a7f37}.FAILURE,.FAILED,.ABORTED,.NOT_EXECUTED{color:#cf222e}' +
    '.STOPPED,.QUEUED{color:#9a6700}</style></head><body>';
  if (!run || !view) {
    return `${head('Run not found', false)}<h1>Run ${escapeMarkup(id)} not found</h1></body></html>`;
  }
  const result = spell(view.result, run.variant);
  const rows = testRows(run, view)
    .map(
      (row) =>
        `<tr><td>${escapeMarkup(row.name)}</td><td>${escapeMarkup(row.machineName)}</td>` +
        `<td class="${escapeMarkup(row.result)}">${escapeMarkup(row.result)}</td></tr>`,
    )
    .join('');
  return (
    `${head(`Run ${run.id} · ${run.planName}`, !view.terminal)}` +
    `<p>Testsigma simulator</p><h1>${escapeMarkup(run.planName)} · run ${run.id}</h1>` +
    `<table><tr><th>Status</th><td>${escapeMarkup(view.status)}</td></tr>` +
    `<tr><th>Result</th><td class="${escapeMarkup(result)}">${escapeMarkup(result)}</td></tr>` +
    `<tr><th>Message</th><td>${escapeMarkup(view.message)}</td></tr>` +
    `<tr><th>Passed / failed / total</th><td>${view.counts.passed} / ${view.counts.failed} / ${view.counts.total}</td></tr>` +
    `<tr><th>Build</th><td>${escapeMarkup(run.buildNo ?? '—')}</td></tr></table>` +
    `<h2>Tests</h2><table><tr><th>Test</th><th>Machine</th><th>Result</th></tr>${rows}</table>` +
    '</body></html>'
  );
}
