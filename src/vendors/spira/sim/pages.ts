// The Spira simulator's pages (no auth, not logged, not faulted): the test run page that test
// run links lead to, and the list of REST operations.

import { textResponse, type SimResponse } from '../../../simulator/kit.js';
import { STATUS, TEST_RUN_TYPE } from './model.js';
import { ROUTES, RUN_PAGE } from './routes.js';
import type { SpiraStore } from './state.js';

function statusHelp(): string {
  return '1 Failed, 2 Passed, 3 Not Run, 4 N/A, 5 Blocked, 6 Caution';
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (char) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char,
  );
}

export function runPage(store: SpiraStore, path: string): SimResponse {
  const [, projectText, idText] = RUN_PAGE.exec(path) ?? ['', '0', '0'];
  const run = store.run(Number(projectText), Number(idText));
  if (!run) {
    return textResponse(
      404,
      `<!DOCTYPE html><html><head><title>Spira</title></head><body><h1>Test run TR:${escapeHtml(idText)} not found</h1></body></html>`,
      'text/html; charset=utf-8',
    );
  }
  const status =
    Object.entries(STATUS).find(([, value]) => value === run.ExecutionStatusId)?.[0] ?? 'unknown';
  const rows = [
    ['Test case', `TC:${run.TestCaseId}`],
    ['Status', `${status} (${run.ExecutionStatusId})`],
    ['Type', run.TestRunTypeId === TEST_RUN_TYPE.manual ? 'Manual' : 'Automated'],
    ['Runner', run.RunnerName ?? ''],
    ['Test name', run.RunnerTestName ?? ''],
    ['Message', run.RunnerMessage ?? ''],
    ['Start', run.StartDate ?? ''],
    ['End', run.EndDate ?? '(none: the run cannot be displayed properly)'],
  ];
  return textResponse(
    200,
    `<!DOCTYPE html><html><head><title>TR:${run.TestRunId} - ${escapeHtml(run.Name)}</title></head><body>` +
      `<h1>Test run TR:${run.TestRunId}: ${escapeHtml(run.Name)}</h1><table>` +
      rows.map(([key, text]) => `<tr><th>${key}</th><td>${escapeHtml(text)}</td></tr>`).join('') +
      `</table>${run.RunnerStackTrace ? `<pre>${escapeHtml(run.RunnerStackTrace)}</pre>` : ''}</body></html>`,
    'text/html; charset=utf-8',
  );
}

export function operationsPage(): SimResponse {
  const lines = ROUTES.flatMap((entry) =>
    Object.entries(entry.methods).map(
      ([method, name]) => `<li>${method} ${escapeHtml(entry.pattern.source)} (${name})</li>`,
    ),
  );
  return textResponse(
    200,
    `<!DOCTYPE html><html><body><h1>Spira REST operations (simulator)</h1><p>Execution statuses: ${statusHelp()}</p><ul>${lines.join('')}</ul></body></html>`,
    'text/html; charset=utf-8',
  );
}
