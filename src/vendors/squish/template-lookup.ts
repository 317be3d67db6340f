// Finding the test plan template to start: by its id (planId), or by project and title
// (project + planTitle) through the lookup of §6. Whatever is found must be a template:
// starting an instance, or anything else, would not start what the user asked for.

import { inputRef, inputWithValue } from '../../core/input-names.js';
import type { Logger } from '../../core/logger.js';
import type { ExecutionApi } from './execution-api.js';
import { listOf } from './results.js';
import { normalizePlan, type TestPlan } from './wire.js';

/** Which template: `planId`, else `project` and `planTitle` (settings check one is given). */
export interface TemplateTarget {
  planId?: string;
  project?: string;
  planTitle?: string;
}

/** The template to start: by id, or looked up by project and title; always a template. */
export async function findTemplate(
  api: ExecutionApi,
  logger: Logger,
  target: TemplateTarget,
  signal: AbortSignal,
): Promise<TestPlan> {
  if (target.planId) return templateById(api, target.planId, signal);
  const project = target.project ?? '';
  const title = target.planTitle ?? '';
  const plan = readLookupAnswer(await api.lookUpTemplate(project, title, signal), project, title);
  if (plan.title !== title) {
    logger.info(`planTitle "${title}" matched template ${plan.id} "${plan.title}".`);
  }
  if (!plan.project) plan.project = project;
  return plan;
}

async function templateById(
  api: ExecutionApi,
  planId: string,
  signal: AbortSignal,
): Promise<TestPlan> {
  const plan = await api.plan(planId, 'planId', signal);
  if (plan.type === 'instance') {
    throw new Error(
      `Test Center test plan ${planId} is an instance (a plan execution), not a template: ` +
        `set ${inputRef('planId')} to a template id, or ${inputWithValue('runId', planId)} to wait for that execution.`,
    );
  }
  if (plan.type !== 'template') {
    throw new Error(
      `Test Center test plan ${planId} is of type "${plan.type}", not a template: set ${inputRef('planId')} to a template id.`,
    );
  }
  return plan;
}

/** The one template the lookup found; none, several or a non-template is an error. */
function readLookupAnswer(answer: unknown, project: string, title: string): TestPlan {
  let raw = answer;
  // The lookup answers one object (§6); should a server answer a list, read it as such.
  if (Array.isArray(raw) && raw.length === 1) raw = raw[0];
  if (Array.isArray(raw) && raw.length === 0) {
    throw new Error(
      `Test Center has no template titled "${title}" in project "${project}": check ${inputRef('planTitle')} and ${inputRef('project')}.`,
    );
  }
  if (Array.isArray(raw)) {
    const ids = listOf(raw, 'testplans')
      .map((item) => String(item.id))
      .join(', ');
    throw new Error(
      `Several Test Center templates are titled "${title}" in project "${project}" (ids ${ids}): set ${inputRef('planId')} to the one to run.`,
    );
  }
  const plan = normalizePlan(raw);
  if (plan.type !== 'template') {
    throw new Error(
      `Test Center's lookup of "${title}" in project "${project}" found test plan ${plan.id} of type "${plan.type}", not a template: set ${inputRef('planId')} to the template id.`,
    );
  }
  return plan;
}
