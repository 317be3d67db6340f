import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpClient, parseRetryAfter, VendorHttpError } from '../../src/core/http.js';
import { silentLogger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import { FakeClock } from '../helpers/fake-clock.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, count: number) => void;

const SECRET = 'sk-live-0123456789';
let server: http.Server;
let baseUrl: string;
let handler: Handler;
let count = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => handler(req, res, ++count));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  count = 0;
});

function client(clock = new FakeClock()) {
  const redactor = new Redactor();
  redactor.add(SECRET);
  return {
    clock,
    http: createHttpClient({
      vendor: 'Testsigma',
      baseUrl,
      headers: { Authorization: `Bearer ${SECRET}` },
      redactor,
      logger: silentLogger,
      clock,
      random: () => 0.5,
    }),
  };
}

describe('createHttpClient', () => {
  it('sends the base URL, headers and JSON body', async () => {
    let seen: { url?: string; auth?: string; body?: string; type?: string } = {};
    handler = (req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen = {
          url: req.url,
          auth: req.headers.authorization,
          body,
          type: req.headers['content-type'],
        };
        res.end('{"id": 7}');
      });
    };
    const { http: h } = client();
    const data = await h.json<{ id: number }>({
      method: 'POST',
      path: '/runs',
      body: { a: 1 },
      idempotent: false,
    });
    expect(data).toEqual({ id: 7 });
    expect(seen).toEqual({
      url: '/api/v1/runs',
      auth: `Bearer ${SECRET}`,
      body: '{"a":1}',
      type: 'application/json',
    });
  });

  it('retries a GET on 503 with backoff, honouring Retry-After', async () => {
    handler = (_req, res, n) => {
      if (n < 3) {
        res.writeHead(503, { 'Retry-After': '7' });
        res.end('busy');
      } else res.end('{"ok":true}');
    };
    const { http: h, clock } = client();
    await expect(h.json({ method: 'GET', path: '/runs/1', idempotent: true })).resolves.toEqual({
      ok: true,
    });
    expect(count).toBe(3);
    expect(clock.sleeps).toEqual([7000, 7000]);
  });

  it('gives up after the last attempt with the status in the message', async () => {
    handler = (_req, res) => {
      res.writeHead(500);
      res.end('{"error":"boom"}');
    };
    const { http: h } = client();
    await expect(h.request({ method: 'GET', path: '/runs/1', idempotent: true })).rejects.toThrow(
      /Testsigma GET \/runs\/1: HTTP 500: \{"error":"boom"\}/,
    );
    expect(count).toBe(4);
  });

  it('never retries a trigger that may have reached the vendor (5xx, reset)', async () => {
    handler = (_req, res) => {
      res.writeHead(503);
      res.end();
    };
    const { http: h } = client();
    await expect(
      h.request({ method: 'POST', path: '/runs', body: {}, idempotent: false }),
    ).rejects.toThrow(/HTTP 503.*not retried/);
    expect(count).toBe(1);

    count = 0;
    handler = (req) => req.socket.destroy();
    await expect(
      h.request({ method: 'POST', path: '/runs', body: {}, idempotent: false }),
    ).rejects.toThrow(/not retried/);
    expect(count).toBe(1);
  });

  it('retries a trigger refused with 429, which the vendor did not process', async () => {
    handler = (_req, res, n) => {
      if (n === 1) {
        res.writeHead(429, { 'Retry-After': '2' });
        res.end();
      } else res.end('{"id":1}');
    };
    const { http: h, clock } = client();
    await expect(
      h.json({ method: 'POST', path: '/runs', body: {}, idempotent: false }),
    ).resolves.toEqual({ id: 1 });
    expect(count).toBe(2);
    expect(clock.sleeps).toEqual([2000]);
  });

  it('retries a trigger when the connection was refused (nothing was sent)', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const clock = new FakeClock();
    const h = createHttpClient({
      vendor: 'Testsigma',
      baseUrl: `http://127.0.0.1:${port}`,
      headers: {},
      redactor: new Redactor(),
      logger: silentLogger,
      clock,
    });
    await expect(h.request({ method: 'POST', path: '/runs', idempotent: false })).rejects.toThrow(
      /ECONNREFUSED/,
    );
    expect(clock.sleeps).toHaveLength(3);
  });

  it('redacts the key from every error, even when the vendor echoes it', async () => {
    handler = (_req, res) => {
      res.writeHead(401, { 'Content-Type': 'application/json' });
      res.end(`{"error":"bad key ${SECRET}","auth":"Bearer ${SECRET}"}`);
    };
    const { http: h } = client();
    const error = await h
      .request({ method: 'GET', path: `/runs?key=${SECRET}`, idempotent: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorHttpError);
    const text = `${(error as Error).message} ${(error as VendorHttpError).body} ${JSON.stringify(error)}`;
    expect(text).not.toContain(SECRET);
    expect(text).toContain('***');
    expect((error as VendorHttpError).status).toBe(401);
    expect(count).toBe(1);
  });

  it('turns a body that is not JSON into a clear error', async () => {
    handler = (_req, res) => res.end('{"id": 1, "trunc');
    const { http: h } = client();
    await expect(h.json({ method: 'GET', path: '/runs/1', idempotent: true })).rejects.toThrow(
      /Testsigma GET \/runs\/1: expected JSON, got \{"id": 1, "trunc/,
    );
  });

  it('marks a truncated answer to a read as worth another poll, but not to a trigger', async () => {
    handler = (_req, res) => res.end('{"id": 1, "tru');
    const { http: h } = client();
    const read = await h
      .json({ method: 'GET', path: '/runs/1', idempotent: true })
      .catch((e: VendorHttpError) => e);
    expect(read).toMatchObject({ retryable: true });
    const trigger = await h
      .json({ method: 'POST', path: '/runs', idempotent: false })
      .catch((e: VendorHttpError) => e);
    expect(trigger).toMatchObject({ retryable: false });
  });

  it('lets callers accept statuses they handle themselves', async () => {
    handler = (_req, res) => {
      res.writeHead(404);
      res.end('nope');
    };
    const { http: h } = client();
    await expect(
      h.request({ method: 'GET', path: '/x', idempotent: true, acceptStatuses: [404] }),
    ).resolves.toMatchObject({
      status: 404,
      text: 'nope',
    });
  });

  it('stops at once when the signal aborts', async () => {
    handler = () => undefined; // never answers
    const { http: h } = client();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(
      h.request({ method: 'GET', path: '/slow', idempotent: true, signal: controller.signal }),
    ).rejects.toThrow();
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and caps them', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('99999', now)).toBe(120_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
