// Squish Test Center's pages (no auth, not logged): a test plan (template or instance) and a
// project's plan executions, where TestRelay's run links point.

import { escapeMarkup, textResponse, type SimResponse } from '../../../simulator/kit.js';
import type { TestCenter } from './center.js';
import { instancePageHtml, notFoundPageHtml, templatePageHtml } from './format.js';
import type { Instance } from './instances.js';
import { numericId } from './request.js';
import { PLAN_PAGE, PROJECT_PAGE } from './routes.js';
import { advance } from './workers.js';

export function page(c: TestCenter, path: string, now: number): SimResponse {
  const project = PROJECT_PAGE.exec(path)?.[1];
  if (project !== undefined) return projectPage(c, decodeURIComponent(project));
  const idText = PLAN_PAGE.exec(path)?.[1] ?? '';
  const id = numericId(idText);
  const instance = id === undefined ? undefined : c.plans.get(id);
  const html = 'text/html; charset=utf-8';
  if (instance) {
    advance(instance, now);
    return textResponse(200, instancePageHtml(instance, now), html);
  }
  const template = c.templates().find((candidate) => candidate.id === id);
  if (template) return textResponse(200, templatePageHtml(template), html);
  return textResponse(404, notFoundPageHtml(idText), html);
}

function projectPage(c: TestCenter, project: string): SimResponse {
  const instances = c.plans
    .all()
    .filter((instance) => instance.template.project === project)
    .reverse();
  return textResponse(200, projectPageHtml(project, instances), 'text/html; charset=utf-8');
}

/** A project's page: its plan executions, newest first, each linking to its own page. */
function projectPageHtml(project: string, instances: Instance[]): string {
  const rows = instances
    .map(
      (instance) =>
        `<li><a href="/testplans/${instance.id}">${escapeMarkup(instance.title)}</a> (${instance.id})</li>`,
    )
    .join('');
  return `<!doctype html><html><head><title>${escapeMarkup(project)} · Squish Test Center (simulated)</title></head><body><h1>${escapeMarkup(project)}</h1><ul>${rows || '<li>No plan executions yet.</li>'}</ul></body></html>`;
}
