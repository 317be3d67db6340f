// Triggering a Testsigma test plan (vendor-apis/testsigma.md §3.1, §5): the body checks in the
// order the server makes them, the parallel-run rule, and the run it creates.

import {
  isResponse,
  jsonResponse,
  parseVariant,
  type SimRequest,
  type SimResponse,
  type VendorContext,
} from '../../../simulator/kit.js';
import { runObject } from './format.js';
import { MESSAGES, VARIANT_FLAGS, type Flavour, type TestsigmaScenario } from './model.js';
import { finalResultOf, planTests } from './plan.js';
import { createdView } from './run.js';
import type { RunStore } from './store.js';
import { bodyId, buildNumber, error, objectBody, parseError } from './wire.js';

interface TriggerFields {
  /** The plan id as a string key. */
  planKey: string;
  buildNo: string | null;
  environmentId: string | null;
}

/** The trigger body's fields, or the 400/415/500 the server answers to it. */
function triggerFields(request: SimRequest, flavour: Flavour): TriggerFields | SimResponse {
  const body = objectBody(request);
  if (isResponse(body)) return body;
  const field = flavour === 'cloud' ? 'executionId' : 'testPlanId';
  const rawPlanId = body[field];
  // The server looks the plan up by a null id and fails with a 500 (§5).
  if (rawPlanId === undefined || rawPlanId === null)
    return error(500, 'The given id must not be null!');
  const planKey = bodyId(rawPlanId);
  if (planKey === undefined) {
    return parseError(
      `Cannot deserialize value of type \`java.lang.Long\` from ${JSON.stringify(rawPlanId)} for "${field}"`,
    );
  }
  const buildNo = buildNumber(body.buildNo, request.body.kind === 'json' ? request.body.text : '');
  if (isResponse(buildNo)) return buildNo;
  const runtimeData = body.runtimeData;
  if (
    runtimeData !== undefined &&
    runtimeData !== null &&
    (typeof runtimeData !== 'object' || Array.isArray(runtimeData))
  ) {
    return parseError('Cannot deserialize value of type `java.util.Map` for "runtimeData"');
  }
  const environmentId =
    body.environmentId === undefined || body.environmentId === null
      ? null
      : bodyId(body.environmentId);
  if (environmentId === undefined) {
    return parseError('Cannot deserialize value of type `java.lang.Long` for "environmentId"');
  }
  return { planKey, buildNo, environmentId };
}

/** `POST /execution_results` (cloud, `executionId`) or `/test_plan_results` (`testPlanId`). */
export function trigger(
  runs: RunStore,
  context: VendorContext,
  request: SimRequest,
  flavour: Flavour,
  now: number,
): SimResponse {
  const fields = triggerFields(request, flavour);
  if (isResponse(fields)) return fields;
  const { planKey, buildNo, environmentId } = fields;
  const scenario = context.scenarioFor(planKey) as TestsigmaScenario;
  const variant = parseVariant(scenario.variant, VARIANT_FLAGS);
  if (scenario.missingPlanIds.includes(planKey)) {
    return error(404, `Resource not found for id: ${planKey}`);
  }
  const rejectParallel = scenario.rejectParallel ?? variant.selfHosted;
  if (rejectParallel && runs.activeRunOf(planKey, now)) {
    return error(500, MESSAGES.alreadyRunning);
  }
  const run = runs.create({
    planKey,
    planIdValue: Number(planKey),
    planName: scenario.planName,
    flavour,
    buildNo,
    environmentId: environmentId === null ? null : Number(environmentId),
    createdAt: now,
    scenario,
    variant,
    tests: planTests(scenario, variant),
    finalResult: finalResultOf(scenario),
    parentId: null,
  });
  if (scenario.triggerFailsAfterCreate) {
    // §5: the run exists (COMPLETED/STOPPED, the error as its message), the answer is a 500.
    run.failedToStart = MESSAGES.agentInactive;
    return error(500, MESSAGES.agentInactive);
  }
  return jsonResponse(
    200,
    runObject({ run, view: createdView(run), forTrigger: true }, flavour, now),
  );
}
