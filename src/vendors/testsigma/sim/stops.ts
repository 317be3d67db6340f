// Stopping Testsigma runs (vendor-apis/testsigma.md §3.5): one run by id (both flavours), or
// the documented cloud form that stops every active run of a plan.

import {
  isResponse,
  jsonResponse,
  type SimRequest,
  type SimResponse,
  type VendorContext,
} from '../../../simulator/kit.js';
import { runObject } from './format.js';
import type { Flavour, TestsigmaScenario } from './model.js';
import { stopRun, viewRun } from './run.js';
import type { RunStore } from './store.js';
import { bodyId, error, objectBody, withRun } from './wire.js';

/** `PUT …/{id}` with {"result":"STOPPED"}. */
export function stopOne(
  runs: RunStore,
  request: SimRequest,
  idText: string,
  flavour: Flavour,
  now: number,
): SimResponse {
  const body = objectBody(request);
  if (isResponse(body)) return body;
  return withRun(runs, idText, now, (run) => {
    // Only {"result":"STOPPED"} stops; other updates leave the run as it is.
    if (body.result !== 'STOPPED') {
      return jsonResponse(200, runObject(runs.snapshot(run, now), flavour, now));
    }
    if (viewRun(run, now).terminal) {
      return error(500, `No Queued executions for test plan - ${run.planName}`);
    }
    const view = stopRun(run, now);
    // §3.5: the stop answer carries the counts from before the stop (stale).
    return jsonResponse(200, runObject({ run, view }, flavour, now));
  });
}

/** The documented cloud form: `PUT /execution_results` with `canStopAll` (default true). */
export function stopAll(
  runs: RunStore,
  context: VendorContext,
  request: SimRequest,
  now: number,
): SimResponse {
  const body = objectBody(request);
  if (isResponse(body)) return body;
  if (body.result !== 'STOPPED') return error(400, 'Only {"result":"STOPPED"} is supported here');
  const planKey = body.executionId === undefined ? undefined : bodyId(body.executionId);
  let targets = runs.active(now).filter((run) => planKey === undefined || run.planKey === planKey);
  if (body.canStopAll === false) targets = targets.slice(-1);
  if (targets.length === 0) {
    const planName = (context.scenarioFor(planKey ?? '') as TestsigmaScenario).planName;
    return error(500, `No Queued executions for test plan - ${planName}`);
  }
  const answers = targets.map((run) => ({ run, view: stopRun(run, now) }));
  return jsonResponse(200, runObject(answers[answers.length - 1], 'cloud', now));
}
