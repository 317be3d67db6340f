// How the Squish Test Center simulator writes things down: the Test Plan Response, status and
// reservation answers, Squish servers, error bodies and the plan page. Shapes follow
// vendor-apis/squish-test-center.md §3 and the examples of the vendor's Execution API page,
// whose machine-written answers list their keys alphabetically; so do these.

import { escapeMarkup, stableHash } from '../../../simulator/kit.js';
import {
  planCounts,
  statusCounts,
  type Execution,
  type Instance,
  type LinkedRepo,
  type StatusCounts,
} from './instances.js';
import type { Template, Variant } from './plan.js';
import type { SquishServer } from './servers.js';

/** The documented Error Response: `{"code": 400, "message": "…"}`. */
export function errorBody(code: number, message: string): { code: number; message: string } {
  return { code, message };
}

/** A number, or its string form with the `string-ids` variant (the schema's types). */
function idValue(id: number, variant: Variant): number | string {
  return variant.stringIds ? String(id) : id;
}

/** A stable, commit-like hash for a linked branch (a 40-hex branch is taken as the commit). */
function commitHash(repo: LinkedRepo): string {
  if (/^[0-9a-f]{40}$/i.test(repo.branch)) return repo.branch.toLowerCase();
  return Array.from({ length: 5 }, (_, part) =>
    stableHash(`${part}:${repo.id}:${repo.branch}`).toString(16).padStart(8, '0'),
  ).join('');
}

interface PlanFields {
  id: number;
  title: string;
  type: 'template' | 'instance';
  project: string;
  batchName: string;
  plannedAt: number | null;
  repos: LinkedRepo[];
  counts: { passes: number; failed: number; skipped: number; count: number };
}

function planObject(
  fields: PlanFields,
  variant: Variant,
  now: number,
  withTags: boolean,
): Record<string, unknown> {
  const object: Record<string, unknown> = {
    batch_name: fields.batchName,
    count: fields.counts.count,
    description: '',
    failed: fields.counts.failed,
    id: fields.id,
    passes: fields.counts.passes,
    planned_dt: fields.plannedAt,
    project: fields.project,
    repository_information: fields.repos.map((repo) => ({
      branch: repo.branch,
      enabled: true,
      hash: commitHash(repo),
      id: idValue(repo.id, variant),
    })),
    server_dt: now,
    skipped: fields.counts.skipped,
    tags: [],
    title: fields.title,
    type: fields.type,
  };
  // The vendor's executeplan example is the one Test Plan Response without `tags`.
  if (!withTags) delete object.tags;
  return object;
}

/** A template as the lookup and `testplans/{id}` answer it (no counts of its own). */
export function templateObject(
  template: Template,
  variant: Variant,
  now: number,
): Record<string, unknown> {
  return planObject(
    {
      id: template.id,
      title: template.title,
      type: 'template',
      project: template.project,
      batchName: '',
      plannedAt: null,
      repos: [],
      counts: { passes: 0, failed: 0, skipped: 0, count: 0 },
    },
    variant,
    now,
    true,
  );
}

/** An instance; `forTrigger` gives the executeplan answer (no `tags`, as in the example). */
export function instanceObject(
  instance: Instance,
  now: number,
  forTrigger = false,
): Record<string, unknown> {
  return planObject(
    {
      id: instance.id,
      title: instance.title,
      type: 'instance',
      project: instance.template.project,
      batchName: instance.batch,
      plannedAt: instance.plannedAt,
      repos: instance.repos,
      counts: planCounts(instance, now),
    },
    instance.variant,
    now,
    !forTrigger,
  );
}

/** The example answers `done`; the schema names the field `finished` (§6). */
export function statusObject(counts: StatusCounts, variant: Variant): Record<string, number> {
  const object: Record<string, number> = { open: counts.open, reserved: counts.reserved };
  if (variant.finishedKey || variant.bothKeys) object.finished = counts.done;
  if (!variant.finishedKey || variant.bothKeys) object.done = counts.done;
  return object;
}

export function serverObject(
  server: SquishServer,
  testset: number | undefined,
  variant: Variant,
): Record<string, unknown> {
  const object: Record<string, unknown> = {
    enabled: server.enabled,
    host: server.host,
    id: idValue(server.id, variant),
    labels: server.labels.map((label) => ({ key: label.key, value: label.value })),
    port: server.port,
  };
  if (testset !== undefined) object.testset = testset;
  return object;
}

export const RESERVATION = {
  success: 'Reservation successful',
  noServers: 'No servers available that match requested capabilities.',
  noExecutions: 'No executions available that match requested capabilities.',
} as const;

export function reservationObject(
  instance: Instance,
  execution: Execution,
  server: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const object: Record<string, unknown> = {
    batch: instance.batch,
    execution_id: execution.id,
    project_name: instance.template.project,
    server,
    status: RESERVATION.success,
    suite: execution.suite,
    test_id: idValue(execution.testId, instance.variant),
    testcase: execution.testcase,
  };
  if (server === undefined) delete object.server;
  return object;
}

// ---------------------------------------------------------------------------------------------
// The plan page (`/testplans/{id}`), where printed run URLs lead

function stateText(execution: Execution): string {
  if (execution.state !== 'done') return execution.state;
  if (execution.finish?.error)
    return `failed: ${execution.finish.error.details || execution.finish.error.message}`;
  return execution.finish?.outcome ?? 'done';
}

const PAGE_STYLE =
  '<style>body{font:15px system-ui,sans-serif;margin:2rem;color:#222}' +
  'td,th{padding:.2rem .8rem;text-align:left}th{color:#666;font-weight:normal}' +
  '.PASS,.XFAIL{color:#1a7f37}.FAIL,.XPASS,.SCRIPT_ERROR{color:#cf222e}' +
  '.open,.reserved,.SKIPPED,.NONE{color:#9a6700}</style>';

function page(title: string, refresh: boolean, body: string): string {
  return (
    `<!doctype html><html><head><meta charset="utf-8"><title>${escapeMarkup(title)}</title>` +
    (refresh ? '<meta http-equiv="refresh" content="2">' : '') +
    `${PAGE_STYLE}</head><body><p>Squish Test Center simulator</p>${body}</body></html>`
  );
}

export function templatePageHtml(template: Template): string {
  return page(
    `Template ${template.id} · ${template.title}`,
    false,
    `<h1>${escapeMarkup(template.title)}</h1><p>Test plan template ${template.id} in project ` +
      `${escapeMarkup(template.project)}</p>`,
  );
}

export function instancePageHtml(instance: Instance, now: number): string {
  const status = statusCounts(instance, []);
  const counts = planCounts(instance, now);
  const rows = instance.executions
    .map((execution) => {
      const state = stateText(execution);
      const css = execution.state === 'done' ? (execution.finish?.outcome ?? '') : execution.state;
      return (
        `<tr><td>${execution.id}</td><td>${escapeMarkup(execution.suite)}</td>` +
        `<td>${escapeMarkup(execution.testcase)}</td>` +
        `<td>${escapeMarkup(execution.labels.map((l) => `${l.key}=${l.value}`).join(', '))}</td>` +
        `<td class="${escapeMarkup(css)}">${escapeMarkup(state)}</td></tr>`
      );
    })
    .join('');
  return page(
    `Test plan ${instance.id} · ${instance.title}`,
    status.open + status.reserved > 0,
    `<h1>${escapeMarkup(instance.title)} · test plan ${instance.id}</h1>` +
      `<table><tr><th>Project</th><td>${escapeMarkup(instance.template.project)}</td></tr>` +
      `<tr><th>Template</th><td>${escapeMarkup(instance.template.title)} (${instance.template.id})</td></tr>` +
      `<tr><th>Batch</th><td>${escapeMarkup(instance.batch)}</td></tr>` +
      `<tr><th>Open / reserved / done</th><td>${status.open} / ${status.reserved} / ${status.done}</td></tr>` +
      `<tr><th>Passed / failed / skipped / results</th><td>${counts.passes} / ${counts.failed} / ` +
      `${counts.skipped} / ${counts.count}</td></tr></table>` +
      `<h2>Executions</h2><table><tr><th>Execution</th><th>Suite</th><th>Test case</th>` +
      `<th>Labels</th><th>State</th></tr>${rows}</table>`,
  );
}

export function notFoundPageHtml(id: string): string {
  return page('Test plan not found', false, `<h1>Test plan ${escapeMarkup(id)} not found</h1>`);
}
