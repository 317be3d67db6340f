// The simulator framework: one real HTTP server per vendor on 127.0.0.1, with the request
// log, fault injection and the /__sim control routes. Vendor behaviour comes from a
// VendorDefinition (see vendor.ts), handed in by the caller; this file knows no vendor. How one
// request is answered is in serve.ts.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { FaultInjector } from './faults.js';
import { jsonResponse, send } from './http-util.js';
import { RequestLog } from './request-log.js';
import { COMMON_KNOBS } from './common-knobs.js';
import type { Scenario, ScenarioSchema } from './scenario.js';
import { ScenarioStore } from './scenario-store.js';
import { Delays, serve, type ServerState } from './serve.js';
import { findVendor, type VendorDefinition } from './vendor.js';

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

/** Listens on `port` (0: a free one) and `host`; resolves once listening. */
function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** The definition of `options.vendor` among `vendors`, with the options checked. */
function definitionFor(
  vendors: readonly VendorDefinition[],
  options: SimulatorOptions,
): VendorDefinition {
  const found = findVendor(vendors, options.vendor);
  if (!found) {
    const names = vendors.map((vendor) => vendor.name).join(', ');
    throw new Error(`unknown vendor "${options.vendor}" (simulated vendors: ${names})`);
  }
  if (options.apiKey !== undefined && options.apiKey.trim() === '') {
    throw new Error('apiKey must not be empty (leave it out to accept any non-empty key)');
  }
  return found;
}

/**
 * Starts the simulator of `options.vendor`, one of `vendors` (the registry: the framework knows
 * no vendor itself; src/vendors/simulators.ts passes them all).
 */
export async function startSimulator(
  vendors: readonly VendorDefinition[],
  options: SimulatorOptions,
): Promise<RunningSimulator> {
  const definition = definitionFor(vendors, options);
  const store = new ScenarioStore(scenarioSchemaFor(definition), options.scenario ?? {});
  const host = options.host ?? '127.0.0.1';
  const server = createServer();
  await listen(server, options.port ?? 0, host);
  const { port } = server.address() as AddressInfo;
  const origin = `http://${urlHost(host)}:${port}`;
  const baseUrl = `${origin}${definition.basePath}`;

  const instance = definition.create({
    origin,
    apiKey: options.apiKey,
    scenario: () => store.get(),
    scenarioFor: (key) => store.scenarioFor(key),
    now: () => Date.now(),
  });
  const state: ServerState = {
    vendor: definition.name,
    baseUrl,
    store,
    log: new RequestLog(),
    faults: new FaultInjector(store.get()),
    instance,
    definition,
    origin,
    delays: new Delays(),
  };

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    response.on('error', () => undefined);
    serve(state, request, response).catch((error: unknown) => {
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
        state.delays.releaseAll();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
