// A request body over the simulator's limit (1 MiB, or a vendor's maxBodyBytes) is answered
// 413 with a JSON error, as real services do, and the client gets to read that answer: the
// connection is not reset under it.

import { request as httpRequest } from 'node:http';
import {
  startSimulator as startWith,
  type RunningSimulator,
  type VendorDefinition,
} from '../../src/simulator/index.js';
import { startSimulator } from '../../src/vendors/simulators.js';

const MiB = 1024 * 1024;

/** A vendor that answers every request with the size of the body it was given. */
function echoVendor(maxBodyBytes?: number): VendorDefinition {
  return {
    name: 'echo',
    basePath: '',
    title: 'Echo',
    knobs: [],
    variants: {},
    maxBodyBytes,
    create: () => ({
      classify: () => ({ route: 'echo' }),
      rejectUnauthorized: () => undefined,
      handle: (request) => ({
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          bytes: request.body.kind === 'none' ? 0 : request.body.text.length,
        }),
      }),
      reset: () => undefined,
    }),
  };
}

async function post(url: string, bytes: number): Promise<Response> {
  return fetch(url, { method: 'POST', body: 'x'.repeat(bytes) });
}

/** Sends the body in chunks with node:http, reading the answer only once all is written. */
function postInChunks(url: string, bytes: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    const chunk = 'y'.repeat(64 * 1024);
    for (let sent = 0; sent < bytes; sent += chunk.length) req.write(chunk);
    req.end();
  });
}

describe('request body limit', () => {
  let sims: RunningSimulator[] = [];
  afterEach(async () => {
    await Promise.all(sims.map((sim) => sim.close()));
    sims = [];
  });
  async function start(definition: VendorDefinition): Promise<string> {
    const sim = await startWith([definition], { vendor: definition.name });
    sims.push(sim);
    return sim.baseUrl;
  }

  it('accepts a body of exactly 1 MiB by default', async () => {
    const baseUrl = await start(echoVendor());
    const response = await post(`${baseUrl}/upload`, MiB);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ bytes: MiB });
  });

  it('answers a body over the 1 MiB default with 413 and a JSON error, not a reset', async () => {
    const baseUrl = await start(echoVendor());
    const response = await post(`${baseUrl}/upload`, MiB + 1);
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('connection')).toBe('close');
    expect(await response.json()).toEqual({ error: 'request body too large', limit: MiB });
    // The server takes the next request as usual, and the refused one was never logged.
    const log = await fetch(`${baseUrl}/__sim/requests`);
    expect(await log.json()).toEqual([]);
  });

  // Before the body was drained, a body this far over the limit reset the connection (the
  // client's write failed with ECONNRESET and it never saw the 413).
  it('answers 413 to a client that writes a large body in chunks before reading', async () => {
    const baseUrl = await start(echoVendor());
    const answer = await postInChunks(`${baseUrl}/upload`, 32 * MiB);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({ error: 'request body too large', limit: MiB });
  });

  it("holds a vendor's raised limit (an upload route) instead of the default", async () => {
    const baseUrl = await start(echoVendor(2 * MiB));
    const inside = await post(`${baseUrl}/upload`, MiB + MiB / 2);
    expect(inside.status).toBe(200);
    expect(await inside.json()).toEqual({ bytes: MiB + MiB / 2 });
    const over = await post(`${baseUrl}/upload`, 2 * MiB + 1);
    expect(over.status).toBe(413);
    expect(await over.json()).toEqual({ error: 'request body too large', limit: 2 * MiB });
  });

  it("lets a build over 1 MiB through to Sofy's upload route (its limit is raised)", async () => {
    const sim = await startSimulator({ vendor: 'sofy' });
    sims.push(sim);
    const response = await fetch(`${sim.baseUrl}/parser-microservice/build-upload`, {
      method: 'POST',
      headers: { 'x-sofy-auth-key': '3f2504e0-4f89-41d3-9a0c-0305e82c3301' },
      body: 'z'.repeat(2 * MiB),
    });
    // Not a multipart form, so the route refuses it; what matters is that the route saw it.
    expect(response.status).not.toBe(413);
    const log = (await (await fetch(`${sim.baseUrl}/__sim/requests`)).json()) as Array<{
      route: string;
    }>;
    expect(log.map((record) => record.route)).toEqual(['upload']);
  });
});
