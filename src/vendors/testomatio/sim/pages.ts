// The Testomat.io simulator's pages (no auth, not logged): the run page a run's `url` and
// `public_url` lead to, and the kept data of every run (`/__testomatio/runs[/{uid}]`, also
// served as `GET /__sim/runs[/{uid}]`).

import { jsonResponse, textResponse, type SimResponse } from '../../../simulator/kit.js';
import { runView } from './model.js';
import type { RunStore } from './run.js';
import { message } from './wire.js';

/** Every run's view (`uid` undefined) or one run's, or the 404 for an unknown uid. */
export function keptData(runs: RunStore, uid: string | undefined): SimResponse {
  if (uid === undefined) return jsonResponse(200, { runs: runs.list().map(runView) });
  const run = runs.get(uid);
  return run ? jsonResponse(200, runView(run)) : message(404, `Run ${uid} not found`);
}

/** The run page of the run `uid`. */
export function runPage(runs: RunStore, uid: string): SimResponse {
  const run = runs.get(uid);
  if (!run) return textResponse(404, '<!doctype html><title>Not found</title>', 'text/html');
  const escape = (value: string): string =>
    value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
  const view = runView(run);
  const counts = view.counts as Record<string, number>;
  const rows = [...run.results.values()]
    .map(
      (test) =>
        `<tr><td>${escape(test.matchedTestId ?? '')}</td><td>${escape(test.title ?? '')}</td>` +
        `<td>${test.status}</td><td>${test.runTime ?? ''}</td></tr>`,
    )
    .join('');
  const html =
    `<!doctype html><html><head><meta charset="utf-8"><title>${escape(run.title ?? run.uid)}` +
    ` – Testomat.io (simulated)</title></head><body><h1>${escape(run.title ?? run.uid)}</h1>` +
    `<p>Run ${run.uid}: ${run.status}${run.result ? ` (${run.result})` : ''}; ` +
    `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped</p>` +
    `<table><tr><th>Id</th><th>Title</th><th>Status</th><th>run_time</th></tr>${rows}</table>` +
    `</body></html>`;
  return textResponse(200, html, 'text/html; charset=utf-8');
}
