// Squish Test Center's test plan routes (vendor-apis/squish-test-center.md §3-§4): look a plan
// up by title, read one, trigger a template (`executeplan`) and poll an instance's status.

import {
  isResponse,
  jsonResponse,
  parseVariant,
  type SimRequest,
  type SimResponse,
} from '../../../simulator/kit.js';
import type { TestCenter } from './center.js';
import { instanceObject, statusObject, templateObject } from './format.js';
import { statusCounts } from './instances.js';
import { VARIANT_FLAGS, type Label, type SquishScenario } from './plan.js';
import { error, matchTitles, numericId, objectBody, parseExecutePlan } from './request.js';
import { advance } from './workers.js';

export function lookup(c: TestCenter, request: SimRequest, now: number): SimResponse {
  for (const name of ['project', 'title', 'type']) {
    if ((request.query.get(name) ?? '').trim() === '') {
      return error(400, `Missing required query parameter '${name}'`);
    }
  }
  const project = request.query.get('project')!;
  const title = request.query.get('title')!;
  const type = request.query.get('type')!.trim();
  if (type !== 'template' && type !== 'instance') {
    return error(400, `Invalid value for 'type': expected "template" or "instance", got "${type}"`);
  }
  const variant = parseVariant(c.scenario().variant, VARIANT_FLAGS);
  const candidates =
    type === 'template'
      ? c.templates().map((template) => ({
          id: template.id,
          project: template.project,
          title: template.title,
          answer: () => templateObject(template, variant, now),
        }))
      : c.plans.all().map((instance) => ({
          id: instance.id,
          project: instance.template.project,
          title: instance.title,
          answer: () => {
            advance(instance, now);
            return instanceObject(instance, now);
          },
        }));
  const matches = matchTitles(
    candidates.filter((candidate) => candidate.project === project),
    title,
  );
  if (matches.length === 0) {
    return error(404, `Test plan ${type} '${title}' not found in project '${project}'`);
  }
  // The docs are silent on several matches. A lookup that returns one object most likely
  // takes the first row (the lowest id); the variant makes the server refuse instead.
  if (matches.length > 1 && variant.ambiguousTitle) {
    return error(
      400,
      `More than one test plan ${type} matches title '${title}' in project '${project}' ` +
        `(ids ${matches.map((match) => match.id).join(', ')})`,
    );
  }
  return jsonResponse(200, matches[0].answer());
}

export function plan(c: TestCenter, idText: string, now: number): SimResponse {
  const id = numericId(idText);
  const instance = id === undefined ? undefined : c.plans.get(id);
  if (instance) {
    advance(instance, now);
    return jsonResponse(200, instanceObject(instance, now));
  }
  const template = c.templates().find((candidate) => candidate.id === id);
  if (template) {
    return jsonResponse(
      200,
      templateObject(template, parseVariant(c.scenario().variant, VARIANT_FLAGS), now),
    );
  }
  // §6: an unknown plan id is a 400, never a 404.
  return error(400, `Invalid test plan ID: ${idText}`);
}

export function trigger(c: TestCenter, request: SimRequest, now: number): SimResponse {
  const body = objectBody(request, false);
  if (isResponse(body)) return body;
  const parsed = parseExecutePlan(body);
  if (isResponse(parsed)) return parsed;
  const templates = c.templates();
  const template = templates.find((candidate) => candidate.id === parsed.templateId);
  if (!template) {
    return error(400, `Invalid request body: no test plan template with id ${parsed.templateId}`);
  }
  const instance = c.plans.create(
    {
      template,
      title: parsed.title,
      batch: parsed.batch,
      plannedAt: parsed.time,
      repos: parsed.repos,
      scenario: c.context.scenarioFor(String(template.id)) as SquishScenario,
      createdAt: now,
    },
    new Set(templates.map((candidate) => candidate.id)),
  );
  return jsonResponse(
    instance.variant.executeplan200 ? 200 : 201,
    instanceObject(instance, now, true),
  );
}

export function poll(c: TestCenter, request: SimRequest, idText: string, now: number): SimResponse {
  const instance = c.instanceFor(idText);
  if (isResponse(instance)) return instance;
  instance.polls += 1;
  advance(instance, now);
  // Every query parameter is a capability; they narrow the counts (§4: poll without them).
  const wanted: Label[] = [...request.query.entries()].map(([key, value]) => ({ key, value }));
  return jsonResponse(200, statusObject(statusCounts(instance, wanted), instance.variant));
}
