// Squish Test Center's execution routes for clients that run tests themselves
// (vendor-apis/squish-test-center.md §3-§4): reserve an execution (and a Squish server),
// heartbeat, finished, and reset a failed execution for a retry.

import {
  isResponse,
  jsonResponse,
  type SimRequest,
  type SimResponse,
} from '../../../simulator/kit.js';
import type { TestCenter } from './center.js';
import { RESERVATION, reservationObject, serverObject } from './format.js';
import type { Execution } from './instances.js';
import { hasLabels } from './plan.js';
import { error, objectBody, timeoutOf } from './request.js';
import { parseLabels } from './servers.js';
import { finishByClient } from './workers.js';

export function reserve(
  c: TestCenter,
  request: SimRequest,
  idText: string,
  now: number,
): SimResponse {
  const instance = c.instanceFor(idText);
  if (isResponse(instance)) return instance;
  const body = objectBody(request, false);
  if (isResponse(body)) return body;
  if (body.capabilities === undefined) return error(400, "Missing required field 'capabilities'");
  const wanted = parseLabels(body.capabilities);
  if (!wanted)
    return error(400, 'Invalid field \'capabilities\': expected [{"key": …, "value": …}]');
  const timeout = timeoutOf(body, instance.scenario.reservationTimeoutMs);
  if (isResponse(timeout)) return timeout;
  const allocate = body.allocate_server ?? false;
  if (typeof allocate !== 'boolean') {
    return error(400, "Invalid field 'allocate_server': expected true or false");
  }
  // Server allocations span all instances, so bring them all up to date.
  c.advanceAll(now);
  const execution = instance.executions.find(
    (candidate) => candidate.state === 'open' && hasLabels(candidate.labels, wanted),
  );
  // §3: a failed reservation is still HTTP 200; only `status` says so.
  if (!execution) return jsonResponse(200, { status: RESERVATION.noExecutions });
  let server;
  if (allocate) {
    const allocated = c.allocations();
    server = c.servers
      .list()
      .find(
        (candidate) =>
          candidate.enabled && !allocated.has(candidate.id) && hasLabels(candidate.labels, wanted),
      );
    if (!server) return jsonResponse(200, { status: RESERVATION.noServers });
  }
  execution.state = 'reserved';
  execution.attempts += 1;
  execution.hold = {
    by: 'client',
    since: now,
    expiresAt: now + timeout,
    serverId: server?.id ?? null,
  };
  const serverAnswer = server ? serverObject(server, execution.id, instance.variant) : undefined;
  return jsonResponse(200, reservationObject(instance, execution, serverAnswer));
}

/** The 400 for an execution the client does not hold, or undefined when it holds it. */
function notHeld(execution: Execution): SimResponse | undefined {
  if (execution.state === 'done')
    return error(400, `Execution ${execution.id} is already finished`);
  if (execution.state === 'open') return error(400, `Execution ${execution.id} is not reserved`);
  if (execution.hold?.by === 'worker') {
    return error(400, `Execution ${execution.id} is being run by Test Center`);
  }
  return undefined;
}

export function heartbeat(
  c: TestCenter,
  request: SimRequest,
  idText: string,
  now: number,
): SimResponse {
  const found = c.executionFor(idText, now);
  if (isResponse(found)) return found;
  const { instance, execution } = found;
  const body = objectBody(request, true);
  if (isResponse(body)) return body;
  const timeout = timeoutOf(body, instance.scenario.reservationTimeoutMs);
  if (isResponse(timeout)) return timeout;
  const refused = notHeld(execution);
  if (refused) return refused;
  if (execution.hold?.by === 'client') execution.hold.expiresAt = now + timeout;
  return jsonResponse(200, { status: 'Heartbeat received' });
}

export function finished(
  c: TestCenter,
  request: SimRequest,
  idText: string,
  now: number,
): SimResponse {
  const found = c.executionFor(idText, now);
  if (isResponse(found)) return found;
  const { execution } = found;
  const body = objectBody(request, true);
  if (isResponse(body)) return body;
  const { message, details } = body;
  for (const [name, value] of [
    ['message', message],
    ['details', details],
  ] as const) {
    if (value !== undefined && value !== null && typeof value !== 'string') {
      return error(400, `Invalid field '${name}': expected a string`);
    }
  }
  const refused = notHeld(execution);
  if (refused) return refused;
  // §3: empty message and details mean success; anything else is a failure.
  const failed = Boolean(message) || Boolean(details);
  finishByClient(
    execution,
    now,
    failed ? { message: (message as string) ?? '', details: (details as string) ?? '' } : null,
  );
  return jsonResponse(200, { status: 'Execution marked as finished' });
}

export function resetExecution(c: TestCenter, idText: string, now: number): SimResponse {
  const found = c.executionFor(idText, now);
  if (isResponse(found)) return found;
  const { execution } = found;
  // `reset` is a retry of a failed execution, not a cancel (§4).
  if (execution.state !== 'done' || execution.finish?.error === null) {
    return error(
      400,
      `Execution ${execution.id} has not failed; only failed executions can be reset`,
    );
  }
  execution.state = 'open';
  execution.finish = null;
  execution.resets += 1;
  return jsonResponse(200, { status: 'Execution reset' });
}
