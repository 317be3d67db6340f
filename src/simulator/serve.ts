// Answering one request of a simulator server: the /__sim control routes, the root page, and the
// vendor routes with the request log, fault injection and response delays around the vendor's
// own answer. server.ts owns the listening server; this file knows no vendor.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { controlSubpath, handleControl, type ControlState } from './control.js';
import { faultLabel, type Fault } from './faults.js';
import {
  BodyTooLargeError,
  jsonResponse,
  parseBody,
  readRawBody,
  send,
  textResponse,
} from './http-util.js';
import { maskBody, maskHeaders, queryObject, type RequestRecord } from './request-log.js';
import type { RouteMatch, SimRequest, SimResponse, VendorDefinition } from './vendor.js';

/** Delayed answers (latency, "slow" faults) wait here; `releaseAll()` lets them go at once. */
export class Delays {
  private readonly waiting = new Set<{ timer: NodeJS.Timeout; release: () => void }>();
  private closed = false;

  delay(ms: number): Promise<void> {
    if (ms <= 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.waiting.delete(entry);
          resolve();
        }, ms),
        release: () => {
          clearTimeout(entry.timer);
          this.waiting.delete(entry);
          resolve();
        },
      };
      this.waiting.add(entry);
    });
  }

  /** Releases every waiting answer; later delays are skipped. */
  releaseAll(): void {
    this.closed = true;
    for (const entry of [...this.waiting]) entry.release();
  }
}

/** Everything one running simulator answers with. */
export interface ServerState extends ControlState {
  readonly definition: VendorDefinition;
  /** `http://127.0.0.1:PORT`. */
  readonly origin: string;
  readonly delays: Delays;
}

/** Cuts a body in half so that it no longer parses (JSON and XML alike). */
function truncateBody(body: string): string {
  return body.slice(0, Math.max(1, Math.floor(body.length / 2)));
}

function faultResponse(fault: Extract<Fault, { kind: 'status' }>): SimResponse {
  const headers: Record<string, string> = {};
  if (fault.status === 429 || fault.status === 503) headers['retry-after'] = '1';
  return jsonResponse(fault.status, { error: `Simulated fault: HTTP ${fault.status}` }, headers);
}

/** Logs a vendor request and picks the fault it gets, if any. */
function logRequest(
  state: ServerState,
  simRequest: SimRequest,
  match: RouteMatch,
  rejection: SimResponse | undefined,
): { record: RequestRecord; fault: Fault | undefined } {
  const record: RequestRecord = state.log.add({
    method: simRequest.method,
    path: simRequest.path,
    at: new Date().toISOString(),
    query: queryObject(simRequest.query),
    route: match.route,
    authorized: rejection === undefined,
    status: null,
    fault: null,
    headers: maskHeaders(simRequest.headers),
    body: simRequest.body.kind === 'json' ? maskBody(simRequest.body.value) : null,
  });
  const fault = state.faults.pick(simRequest.method, match.route);
  record.fault = fault ? faultLabel(fault) : null;
  return { record, fault };
}

/** The vendor's answer (or its 401, or a 500 when it throws). */
function vendorAnswer(
  state: ServerState,
  simRequest: SimRequest,
  route: string,
  rejection: SimResponse | undefined,
): SimResponse {
  try {
    return rejection ?? state.instance.handle(simRequest, route);
  } catch (error) {
    return jsonResponse(500, { error: `simulator error: ${(error as Error).message}` });
  }
}

async function serveVendor(
  state: ServerState,
  request: IncomingMessage,
  response: ServerResponse,
  simRequest: SimRequest,
): Promise<void> {
  const { instance } = state;
  const match = instance.classify(simRequest.method, simRequest.path, simRequest.query);
  if (match.page) {
    send(response, instance.handle(simRequest, match.route));
    return;
  }
  const rejection = instance.rejectUnauthorized(simRequest, match.route);
  const { record, fault } = logRequest(state, simRequest, match, rejection);
  const scenario = state.store.get();

  // Faults in front of the vendor: nothing happens on the vendor side.
  if (fault?.kind === 'reset') {
    record.status = 0;
    request.socket.destroy();
    return;
  }
  let answer: SimResponse;
  if (fault?.kind === 'status') {
    answer = faultResponse(fault);
  } else {
    answer = vendorAnswer(state, simRequest, match.route, rejection);
    // Faults behind the vendor: the vendor did its work, the answer is lost or damaged.
    if (fault?.kind === 'reset-after') {
      record.status = 0;
      request.socket.destroy();
      return;
    }
    if (fault?.kind === 'malformed') {
      answer = { ...answer, status: 200, body: truncateBody(answer.body) };
    }
  }
  await state.delays.delay(scenario.latencyMs + (fault?.kind === 'slow' ? scenario.slowMs : 0));
  if (response.destroyed) {
    record.status = 0;
    return;
  }
  record.status = answer.status;
  send(response, answer);
}

/** Answers one request: a body over the limit, a control route, the root page or a vendor route. */
export async function serve(
  state: ServerState,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const { definition, origin, baseUrl } = state;
  const url = new URL(request.url ?? '/', origin);
  const method = (request.method ?? 'GET').toUpperCase();
  let rawBody: string;
  try {
    rawBody = await readRawBody(request, definition.maxBodyBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      // As real services answer; the body has been drained, and the connection is closed.
      const body = { error: error.message, limit: error.limit };
      send(response, jsonResponse(413, body, { connection: 'close' }));
      return;
    }
    throw error;
  }
  const body = parseBody(rawBody);
  const subpath = controlSubpath(url.pathname, definition.basePath);
  if (subpath !== undefined) {
    send(response, handleControl(state, method, subpath, body));
    return;
  }
  if (url.pathname === '/' && method === 'GET') {
    send(
      response,
      textResponse(
        200,
        `TestRelay ${definition.title} simulator\nbase URL: ${baseUrl}\ncontrol: ${origin}/__sim\n`,
      ),
    );
    return;
  }
  await serveVendor(state, request, response, {
    method,
    path: url.pathname,
    query: url.searchParams,
    headers: request.headers,
    body,
  });
}
