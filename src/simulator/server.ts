// The simulator framework: one real HTTP server per vendor on 127.0.0.1, with the request
// log, fault injection and the /__sim control routes. Vendor behaviour comes from a
// VendorDefinition (see vendor.ts); this file knows no vendor.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { controlSubpath, handleControl, type ControlState } from './control.js';
import { FaultInjector, faultLabel, type Fault } from './faults.js';
import {
  BodyTooLargeError,
  jsonResponse,
  parseBody,
  readRawBody,
  send,
  textResponse,
} from './http-util.js';
import {
  maskBody,
  maskHeaders,
  queryObject,
  RequestLog,
  type RequestRecord,
} from './request-log.js';
import { COMMON_KNOBS, type Scenario, type ScenarioSchema } from './scenario.js';
import { ScenarioStore } from './scenario-store.js';
import { findVendor, type SimRequest, type SimResponse, type VendorDefinition } from './vendor.js';

export interface SimulatorOptions {
  /** The name of one of the vendors the simulator is started with. */
  vendor: string;
  /** TCP port; 0 or undefined picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1 (the simulator is for local use). */
  host?: string;
  /**
   * Start-up scenario, merged over the defaults. Validated at run time like a
   * `PUT /__sim/scenario` body (so a plain record is accepted too); an invalid one rejects
   * with a ScenarioError.
   */
  scenario?: Partial<Scenario> | Record<string, unknown>;
  /** The accepted API key; default: any non-empty key is accepted. */
  apiKey?: string;
}

export interface RunningSimulator {
  vendor: string;
  /** What a user passes to TestRelay as the vendor base URL. */
  baseUrl: string;
  /** Stops listening and drops every connection, including idle keep-alive ones. */
  close(): Promise<void>;
}

/** The knobs (common + vendor) and variant flags of one vendor. */
export function scenarioSchemaFor(definition: VendorDefinition): ScenarioSchema {
  return {
    specs: [...COMMON_KNOBS, ...definition.knobs],
    variants: Object.keys(definition.variants),
    crossCheck: definition.crossCheck?.bind(definition),
  };
}

function urlHost(host: string): string {
  // A wildcard bind is reached through the loopback address.
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
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

/**
 * Starts the simulator of `options.vendor`, one of `vendors` (the registry: the framework knows
 * no vendor itself; src/vendors/simulators.ts passes them all).
 */
export async function startSimulator(
  vendors: readonly VendorDefinition[],
  options: SimulatorOptions,
): Promise<RunningSimulator> {
  const found = findVendor(vendors, options.vendor);
  if (!found) {
    const names = vendors.map((vendor) => vendor.name).join(', ');
    throw new Error(`unknown vendor "${options.vendor}" (simulated vendors: ${names})`);
  }
  const definition: VendorDefinition = found;
  if (options.apiKey !== undefined && options.apiKey.trim() === '') {
    throw new Error('apiKey must not be empty (leave it out to accept any non-empty key)');
  }
  const store = new ScenarioStore(scenarioSchemaFor(definition), options.scenario ?? {});
  const host = options.host ?? '127.0.0.1';
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${urlHost(host)}:${port}`;
  const baseUrl = `${origin}${definition.basePath}`;

  const log = new RequestLog();
  const faults = new FaultInjector(store.get());
  const instance = definition.create({
    origin,
    apiKey: options.apiKey,
    scenario: () => store.get(),
    scenarioFor: (key) => store.scenarioFor(key),
    now: () => Date.now(),
  });
  const control: ControlState = { vendor: definition.name, baseUrl, store, log, faults, instance };

  // Delayed answers (latency, "slow" faults) wait here; close() releases them at once.
  const waiting = new Set<{ timer: NodeJS.Timeout; release: () => void }>();
  let closed = false;
  const delay = (ms: number): Promise<void> =>
    ms <= 0 || closed
      ? Promise.resolve()
      : new Promise((resolve) => {
          const entry = {
            timer: setTimeout(() => {
              waiting.delete(entry);
              resolve();
            }, ms),
            release: () => {
              clearTimeout(entry.timer);
              waiting.delete(entry);
              resolve();
            },
          };
          waiting.add(entry);
        });

  async function serveVendor(
    request: IncomingMessage,
    response: ServerResponse,
    simRequest: SimRequest,
  ): Promise<void> {
    const method = simRequest.method;
    const match = instance.classify(method, simRequest.path, simRequest.query);
    if (match.page) {
      send(response, instance.handle(simRequest, match.route));
      return;
    }
    const rejection = instance.rejectUnauthorized(simRequest, match.route);
    const record: RequestRecord = log.add({
      method,
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
    const fault = faults.pick(method, match.route);
    record.fault = fault ? faultLabel(fault) : null;
    const scenario = store.get();

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
      try {
        answer = rejection ?? instance.handle(simRequest, match.route);
      } catch (error) {
        answer = jsonResponse(500, { error: `simulator error: ${(error as Error).message}` });
      }
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
    await delay(scenario.latencyMs + (fault?.kind === 'slow' ? scenario.slowMs : 0));
    if (response.destroyed) {
      record.status = 0;
      return;
    }
    record.status = answer.status;
    send(response, answer);
  }

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
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
      send(response, handleControl(control, method, subpath, body));
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
    await serveVendor(request, response, {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: request.headers,
      body,
    });
  }

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    response.on('error', () => undefined);
    serve(request, response).catch((error: unknown) => {
      send(response, jsonResponse(500, { error: `simulator error: ${String(error)}` }));
    });
  });
  // A client that resets its own connection must not take the server down.
  server.on('clientError', (_error, socket) => socket.destroy());

  let closing: Promise<void> | undefined;
  return {
    vendor: definition.name,
    baseUrl,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        closed = true;
        for (const entry of [...waiting]) entry.release();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
