// The registered Squish servers of the simulated Test Center (`/execution/v1/squishservers`).
//
// A server's `testset` (the execution it is allocated to) is not stored here: it is derived
// from the reservations that hold the server, so an expired or finished reservation frees its
// server without anyone having to remember to do so.

import {
  isResponse,
  jsonResponse,
  parseVariant,
  type SimRequest,
  type SimResponse,
} from '../../../simulator/kit.js';
import type { TestCenter } from './center.js';
import { serverObject } from './format.js';
import { VARIANT_FLAGS, type Label } from './plan.js';
import { error, numericId, objectBody } from './request.js';

export interface SquishServer {
  id: number;
  enabled: boolean;
  host: string;
  /** Always a string, as in the vendor's schema and examples. */
  port: string;
  labels: Label[];
}

/** The two servers of the vendor's `GET /squishservers` example. */
function defaultServers(): SquishServer[] {
  return [
    {
      id: 1,
      enabled: true,
      host: '127.0.0.1',
      port: '4322',
      labels: [
        { key: 'OS', value: 'Linux' },
        { key: 'browser', value: 'chrome' },
      ],
    },
    {
      id: 2,
      enabled: false,
      host: '192.168.1.100',
      port: '4323',
      labels: [
        { key: 'OS', value: 'Windows' },
        { key: 'browser', value: 'firefox' },
      ],
    },
  ];
}

export type ServerFields = Partial<Omit<SquishServer, 'id'>>;

/** Labels from a JSON body: `[{"key": "OS", "value": "Linux"}, …]`. */
export function parseLabels(value: unknown): Label[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const labels: Label[] = [];
  for (const item of value) {
    if (item === null || typeof item !== 'object') return undefined;
    const { key, value: labelValue } = item as Record<string, unknown>;
    if (typeof key !== 'string' || key.trim() === '' || typeof labelValue !== 'string') {
      return undefined;
    }
    labels.push({ key, value: labelValue });
  }
  return labels;
}

/**
 * The fields of a POST (`partial` false: `port`, `enabled` and `labels` required) or PATCH
 * body, or the problem to answer 400 with. A numeric port is taken and kept as a string.
 */
export function parseServerFields(
  body: Record<string, unknown>,
  partial: boolean,
): ServerFields | string {
  const fields: ServerFields = {};
  if (body.port !== undefined) {
    const port = body.port;
    const text = typeof port === 'number' && Number.isInteger(port) ? String(port) : port;
    if (typeof text !== 'string' || !/^\d{1,5}$/.test(text.trim())) {
      return "Invalid field 'port': expected a port number as a string";
    }
    fields.port = text.trim();
  } else if (!partial) {
    return "Missing required field 'port'";
  }
  if (body.enabled !== undefined) {
    if (typeof body.enabled !== 'boolean') return "Invalid field 'enabled': expected true or false";
    fields.enabled = body.enabled;
  } else if (!partial) {
    return "Missing required field 'enabled'";
  }
  if (body.host !== undefined) {
    if (typeof body.host !== 'string') return "Invalid field 'host': expected a string";
    fields.host = body.host;
  }
  if (body.labels !== undefined) {
    const labels = parseLabels(body.labels);
    if (!labels) return 'Invalid field \'labels\': expected [{"key": …, "value": …}]';
    fields.labels = labels;
  } else if (!partial) {
    return "Missing required field 'labels'";
  }
  return fields;
}

export class ServerRegistry {
  private servers: SquishServer[] = defaultServers();
  private nextId = 3;

  list(): readonly SquishServer[] {
    return this.servers;
  }

  get(id: number): SquishServer | undefined {
    return this.servers.find((server) => server.id === id);
  }

  add(fields: ServerFields): SquishServer {
    const server: SquishServer = {
      id: this.nextId,
      enabled: fields.enabled ?? true,
      // No host given: the address Test Center saw the request from (always local here).
      host: fields.host ?? '127.0.0.1',
      port: fields.port ?? '4322',
      labels: fields.labels ?? [],
    };
    this.nextId += 1;
    this.servers.push(server);
    return server;
  }

  update(id: number, fields: ServerFields): SquishServer | undefined {
    const server = this.get(id);
    if (server) Object.assign(server, fields);
    return server;
  }

  remove(id: number): boolean {
    const before = this.servers.length;
    this.servers = this.servers.filter((server) => server.id !== id);
    return this.servers.length < before;
  }

  reset(): void {
    this.servers = defaultServers();
    this.nextId = 3;
  }
}

/** The Squish server routes: list, add, update and remove servers. */
export function serverRoute(
  c: TestCenter,
  request: SimRequest,
  route: string,
  idText: string | undefined,
  now: number,
): SimResponse {
  const variant = parseVariant(c.scenario().variant, VARIANT_FLAGS);
  c.advanceAll(now);
  const allocated = c.allocations();
  if (route === 'servers') {
    return jsonResponse(
      200,
      c.servers.list().map((server) => serverObject(server, allocated.get(server.id), variant)),
    );
  }
  let id: number | undefined;
  if (route !== 'addServer') {
    id = numericId(idText);
    if (id === undefined || !c.servers.get(id)) return error(400, `Invalid server ID: ${idText}`);
    if (route === 'removeServer') {
      c.servers.remove(id);
      return jsonResponse(200, { status: 'Server removed' });
    }
  }
  const body = objectBody(request, false);
  if (isResponse(body)) return body;
  const fields = parseServerFields(body, route === 'updateServer');
  if (typeof fields === 'string') return error(400, fields);
  const server = id === undefined ? c.servers.add(fields) : c.servers.update(id, fields)!;
  return jsonResponse(200, serverObject(server, allocated.get(server.id), variant));
}
