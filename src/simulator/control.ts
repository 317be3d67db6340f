// The /__sim control surface: change the scenario, read or clear the request log, reset.
// It answers both under the vendor base URL (`<baseUrl>/__sim/...`) and at the server root
// (`/__sim/...`), needs no credentials, and never mimics a vendor route.

import type { FaultInjector } from './faults.js';
import { jsonResponse } from './http-util.js';
import type { RequestLog } from './request-log.js';
import { ScenarioError, type Scenario } from './scenario.js';
import type { ScenarioStore } from './scenario-store.js';
import type { RequestBody, SimResponse, VendorInstance } from './vendor.js';

export const CONTROL_PREFIX = '/__sim';

/** One line per control endpoint, for `GET /__sim` and `--help`. */
export const CONTROL_ENDPOINTS: readonly string[] = [
  'GET    /__sim                          this list, the vendor and its base URL',
  'GET    /__sim/scenario                 the current scenario (JSON)',
  'PUT    /__sim/scenario                 merge knobs into it (JSON object); answers the full scenario',
  'GET    /__sim/scenario/overrides       per-plan overrides, by plan id',
  'PUT    /__sim/scenario/overrides/{id}  merge knobs into the override for one plan id',
  'DELETE /__sim/scenario/overrides/{id}  drop that override',
  'GET    /__sim/requests                 every vendor request received, oldest first',
  'DELETE /__sim/requests                 clear that list',
  'POST   /__sim/reset                    start-up scenario, no overrides, no runs, empty log',
  'GET    /__sim/runs                     sinks (Testomat.io, Spira): everything received, for assertions',
];

/** Knobs that act on the whole server (HTTP layer), so a per-plan override cannot set them. */
const SERVER_WIDE_KNOBS = ['faults', 'faultsAt', 'faultMethods', 'seed', 'slowMs', 'latencyMs'];

export interface ControlState {
  readonly vendor: string;
  readonly baseUrl: string;
  readonly store: ScenarioStore;
  readonly log: RequestLog;
  readonly faults: FaultInjector;
  readonly instance: VendorInstance;
}

/**
 * Returns the part of `path` after the control prefix (`''`, `/scenario`, …) when `path` is a
 * control route, else undefined.
 */
export function controlSubpath(path: string, basePath: string): string | undefined {
  for (const prefix of [CONTROL_PREFIX, `${basePath}${CONTROL_PREFIX}`]) {
    if (path === prefix || path.startsWith(`${prefix}/`)) {
      return path.slice(prefix.length).replace(/\/+$/, '');
    }
  }
  return undefined;
}

function controlError(status: number, message: string): SimResponse {
  return jsonResponse(status, { error: message });
}

function jsonBody(body: RequestBody): unknown {
  if (body.kind === 'none') throw new ScenarioError('expected a JSON object body');
  if (body.kind === 'invalid') throw new ScenarioError(`the body is not valid JSON: ${body.error}`);
  return body.value;
}

/** Keeps the fault injector in step with scenario knobs that were just set. */
function applyServerWideKnobs(state: ControlState, scenario: Scenario, patch: unknown): void {
  state.faults.configure(scenario);
  const keys = patch !== null && typeof patch === 'object' ? Object.keys(patch) : [];
  if (keys.includes('seed')) state.faults.reseed(scenario.seed);
  if (keys.includes('faultsAt')) state.faults.resetCounters();
}

function methodNotAllowed(method: string, allowed: string): SimResponse {
  return jsonResponse(
    405,
    { error: `${method} is not supported here; use ${allowed}` },
    { allow: allowed.replace(/ /g, '') },
  );
}

/** `PUT` / `DELETE /__sim/scenario/overrides/{key}`: the override of one plan id. */
function overrideRoute(
  state: ControlState,
  method: string,
  key: string,
  body: RequestBody,
): SimResponse {
  if (method === 'DELETE') {
    state.store.deleteOverride(key);
    return { status: 204, body: '' };
  }
  if (method !== 'PUT') return methodNotAllowed(method, 'PUT, DELETE');
  const patch = jsonBody(body);
  const knobs = patch !== null && typeof patch === 'object' ? Object.keys(patch) : [];
  const serverWide = knobs.filter((knob) => SERVER_WIDE_KNOBS.includes(knob));
  if (serverWide.length > 0) {
    throw new ScenarioError(
      `${serverWide.join(', ')}: server-wide knob(s); set them with PUT /__sim/scenario`,
    );
  }
  return jsonResponse(200, state.store.updateOverride(key, patch));
}

/** `POST /__sim/reset`: the start-up scenario, fresh faults, an empty log, no runs. */
function resetAll(state: ControlState): Scenario {
  const scenario = state.store.reset();
  state.faults.configure(scenario);
  state.faults.reseed(scenario.seed);
  state.faults.resetCounters();
  state.log.clear();
  state.instance.reset();
  return scenario;
}

export function handleControl(
  state: ControlState,
  method: string,
  subpath: string,
  body: RequestBody,
): SimResponse {
  try {
    if (subpath === '') {
      if (method !== 'GET') return methodNotAllowed(method, 'GET');
      return jsonResponse(200, {
        vendor: state.vendor,
        baseUrl: state.baseUrl,
        endpoints: CONTROL_ENDPOINTS,
      });
    }
    if (subpath === '/scenario') {
      if (method === 'GET') return jsonResponse(200, state.store.get());
      if (method !== 'PUT') return methodNotAllowed(method, 'GET, PUT');
      const patch = jsonBody(body);
      const scenario = state.store.update(patch);
      applyServerWideKnobs(state, scenario, patch);
      return jsonResponse(200, scenario);
    }
    if (subpath === '/scenario/overrides') {
      if (method !== 'GET') return methodNotAllowed(method, 'GET');
      return jsonResponse(200, state.store.listOverrides());
    }
    const override = /^\/scenario\/overrides\/([^/]+)$/.exec(subpath);
    if (override) return overrideRoute(state, method, decodeURIComponent(override[1]), body);
    if (subpath === '/requests') {
      if (method === 'GET') return jsonResponse(200, state.log.list());
      if (method !== 'DELETE') return methodNotAllowed(method, 'GET, DELETE');
      state.log.clear();
      return { status: 204, body: '' };
    }
    if (subpath === '/reset') {
      if (method !== 'POST') return methodNotAllowed(method, 'POST');
      return jsonResponse(200, resetAll(state));
    }
    const vendorAnswer = state.instance.control?.(method, subpath);
    if (vendorAnswer) return vendorAnswer;
    return controlError(404, `unknown control route ${CONTROL_PREFIX}${subpath} (see GET /__sim)`);
  } catch (error) {
    if (error instanceof ScenarioError) return controlError(400, error.message);
    throw error;
  }
}
