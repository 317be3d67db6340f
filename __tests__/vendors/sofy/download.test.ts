// A Sofy build given as an http(s) appPath is downloaded before the upload: the job's cancel
// signal stops that download like any other request (at the socket, not only the wait for
// it), from the source's trigger path down; passing faults of the storage server are retried.
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAbortError } from '../../../src/core/clock.js';
import { downloadToTemp } from '../../../src/core/download.js';
import { silentLogger } from '../../../src/core/logger.js';
import { Redactor } from '../../../src/core/redact.js';
import { createSource, readSettings } from '../../../src/vendors/registry.js';
import { FakeClock } from '../../helpers/fake-clock.js';

const KEY = 'C7D1E2F3-4A5B-4C6D-8E7F-9A0B1C2D3E4F';
const SCHEDULE = '0CF78E5E-05CE-4971-A954-0E3789140DFD';

interface Served {
  url: string;
  /** Resolves when the client closed the connection. */
  closed: Promise<number>;
}

/** A server on 127.0.0.1 that sends headers and a first chunk of a build, then nothing. */
async function stalledServer(): Promise<{
  baseUrl: string;
  served: Served[];
  firstRequest: Promise<void>;
  close: () => Promise<void>;
}> {
  const served: Served[] = [];
  let requested!: () => void;
  const firstRequest = new Promise<void>((resolve) => (requested = resolve));
  const server = http.createServer((request, response) => {
    const closed = new Promise<number>((resolve) =>
      request.socket.once('close', () => resolve(Date.now())),
    );
    served.push({ url: request.url ?? '', closed });
    response.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(100 * 1024 * 1024),
    });
    response.write('PK\u0003\u0004 the first bytes of a build', () => requested());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    served,
    firstRequest,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Aborts once the server has started to send, and says how long the promise took after. */
async function abortMidway(
  run: (signal: AbortSignal) => Promise<unknown>,
  firstRequest: Promise<void>,
): Promise<{ error: unknown; afterAbortMs: number }> {
  const controller = new AbortController();
  const pending = run(controller.signal).then(
    () => ({ error: undefined }),
    (error: unknown) => ({ error }),
  );
  await firstRequest;
  const abortedAt = Date.now();
  controller.abort(Object.assign(new Error('Received SIGTERM'), { name: 'AbortError' }));
  const { error } = await pending;
  return { error, afterAbortMs: Date.now() - abortedAt };
}

describe('cancelling a build download', () => {
  it('downloadToTemp rejects with an abort at once and closes the connection', async () => {
    const server = await stalledServer();
    try {
      const { error, afterAbortMs } = await abortMidway(
        (signal) =>
          downloadToTemp(`${server.baseUrl}/builds/Shop.apk`, {
            logger: silentLogger,
            redactor: new Redactor(),
            signal,
          }),
        server.firstRequest,
      );
      expect(isAbortError(error)).toBe(true);
      expect(afterAbortMs).toBeLessThan(1000);
      // Stopped at the socket: the download does not go on behind the job's back.
      await expect(server.served[0].closed).resolves.toEqual(expect.any(Number));
      expect(server.served).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it("the Sofy source's trigger passes its signal to the download: an abort stops it, nothing is uploaded", async () => {
    const server = await stalledServer();
    // Sofy itself is never reached: the download comes first.
    const sofy = http.createServer((_request, response) => response.end('{}'));
    await new Promise<void>((resolve) => sofy.listen(0, '127.0.0.1', resolve));
    const sofyRequests: string[] = [];
    sofy.on('request', (request: http.IncomingMessage) => sofyRequests.push(request.url ?? ''));
    try {
      const inputs: Record<string, string> = {
        vendor: 'sofy',
        baseUrl: `http://127.0.0.1:${(sofy.address() as AddressInfo).port}`,
        apiKey: KEY,
        planId: SCHEDULE,
        appPath: `${server.baseUrl}/builds/Shop.apk?token=signed-secret`,
      };
      const settings = readSettings((name) => inputs[name] ?? '', { ci: 'test' });
      const seen: { url: string; signal?: AbortSignal }[] = [];
      const redactor = new Redactor();
      const source = createSource(settings, {
        logger: silentLogger,
        redactor,
        // As the relay wires it when the CI has no downloader of its own.
        downloadFile: (url, signal) => {
          seen.push({ url, signal });
          return downloadToTemp(url, { logger: silentLogger, redactor, signal });
        },
      });
      const { error, afterAbortMs } = await abortMidway(
        (signal) => source.trigger(signal),
        server.firstRequest,
      );
      expect(isAbortError(error)).toBe(true);
      expect(afterAbortMs).toBeLessThan(1000);
      expect(seen).toHaveLength(1);
      expect(seen[0].url).toBe(inputs.appPath);
      expect(seen[0].signal).toBeDefined();
      await expect(server.served[0].closed).resolves.toEqual(expect.any(Number));
      expect(sofyRequests).toEqual([]);
    } finally {
      await server.close();
      await new Promise((resolve) => sofy.close(resolve));
    }
  });
});

describe('retrying a build download', () => {
  async function flakyServer(statuses: number[]) {
    const served: number[] = [];
    const server = http.createServer((_request, response) => {
      const status = statuses[served.length] ?? 200;
      served.push(status);
      response.writeHead(status, { 'Content-Type': 'application/octet-stream' });
      response.end(status === 200 ? 'the whole build' : 'try later');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/Shop.apk`;
    return { url, served, close: () => new Promise((resolve) => server.close(resolve)) };
  }

  it('tries a 503 and a 429 again, then saves the file', async () => {
    const server = await flakyServer([503, 429]);
    const clock = new FakeClock();
    const logged: string[] = [];
    try {
      const file = await downloadToTemp(server.url, {
        logger: { ...silentLogger, info: (message) => logged.push(message) },
        redactor: new Redactor(),
        clock,
      });
      expect(fs.readFileSync(file, 'utf8')).toBe('the whole build');
      expect(server.served).toEqual([503, 429, 200]);
      expect(clock.sleeps).toEqual([2000, 4000]);
      expect(logged[0]).toMatch(/HTTP 503; retrying in 2s \(attempt 2 of 3\)/);
    } finally {
      await server.close();
    }
  });

  it('gives up after three attempts, and never retries a 404', async () => {
    const busy = await flakyServer([500, 502, 503, 504]);
    const missing = await flakyServer([404]);
    const options = { logger: silentLogger, redactor: new Redactor(), clock: new FakeClock() };
    try {
      await expect(downloadToTemp(busy.url, options)).rejects.toThrow(/HTTP 503/);
      expect(busy.served).toEqual([500, 502, 503]);
      await expect(downloadToTemp(missing.url, options)).rejects.toThrow(/HTTP 404/);
      expect(missing.served).toEqual([404]);
    } finally {
      await busy.close();
      await missing.close();
    }
  });
});
