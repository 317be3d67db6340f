// The HTTP client on a real network path: a CONNECT proxy, a TLS server with a private CA,
// NO_PROXY, and redirects that must not carry the key to another host.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHttpClient } from '../../src/core/http.js';
import { silentLogger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import { FakeClock } from '../helpers/fake-clock.js';

const KEY = 'net-secret-key-42424242';
let dir: string;
let tls: https.Server;
let tlsUrl: string;
let proxy: http.Server;
let proxyUrl: string;
const tunnels: string[] = [];
// Tunnelled sockets leave the HTTP server's bookkeeping: destroy them ourselves at the end.
const sockets: net.Socket[] = [];
const savedEnv = { ...process.env };

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
  );
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'http-net-'));
  // A self-signed certificate for 127.0.0.1: the private CA a self-hosted server would use.
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  tls = https.createServer(
    {
      key: fs.readFileSync(path.join(dir, 'key.pem')),
      cert: fs.readFileSync(path.join(dir, 'cert.pem')),
    },
    (_req, res) => res.end('{"ok":true}'),
  );
  tlsUrl = `https://127.0.0.1:${await listen(tls)}/api/v1`;

  proxy = http.createServer((_req, res) => {
    res.writeHead(405);
    res.end();
  });
  proxy.on('connect', (req: http.IncomingMessage, socket: net.Socket) => {
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    sockets.push(socket);
    const upstream = net.connect(Number(port), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    sockets.push(upstream);
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  proxyUrl = `http://127.0.0.1:${await listen(proxy)}`;
});

afterAll(async () => {
  process.env = savedEnv;
  for (const socket of sockets) socket.destroy();
  tls.closeAllConnections();
  proxy.closeAllConnections();
  await new Promise((r) => tls.close(r));
  await new Promise((r) => proxy.close(r));
});

beforeEach(() => {
  tunnels.length = 0;
  process.env = { ...savedEnv };
  for (const name of [
    'HTTPS_PROXY',
    'https_proxy',
    'HTTP_PROXY',
    'http_proxy',
    'NO_PROXY',
    'no_proxy',
    'ALL_PROXY',
    'all_proxy',
  ]) {
    delete process.env[name];
  }
});

function client(baseUrl: string, caCertPath?: string) {
  const redactor = new Redactor();
  redactor.add(KEY);
  return createHttpClient({
    vendor: 'Testsigma',
    baseUrl,
    headers: { 'X-TS-API-KEY': KEY },
    redactor,
    logger: silentLogger,
    caCertPath,
    clock: new FakeClock(),
    maxAttempts: 1,
  });
}

describe('HTTP client on the network', () => {
  it('trusts a private CA given by caCertPath, and refuses the server without it', async () => {
    await expect(
      client(tlsUrl, path.join(dir, 'cert.pem')).json({
        method: 'GET',
        path: '/x',
        idempotent: true,
      }),
    ).resolves.toEqual({ ok: true });
    await expect(
      client(tlsUrl).request({ method: 'GET', path: '/x', idempotent: true }),
    ).rejects.toThrow(/self-signed|SELF_SIGNED/i);
  });

  it('tunnels through HTTPS_PROXY, keeping the private CA for the vendor connection', async () => {
    process.env.HTTPS_PROXY = proxyUrl;
    await expect(
      client(tlsUrl, path.join(dir, 'cert.pem')).json({
        method: 'GET',
        path: '/x',
        idempotent: true,
      }),
    ).resolves.toEqual({ ok: true });
    expect(tunnels).toEqual([new URL(tlsUrl).host]);
  });

  it('sends plain http through HTTP_PROXY in absolute form, not a CONNECT tunnel', async () => {
    // A proxy with squid's default rules: CONNECT only to port 443, requests forwarded.
    const forwarded: string[] = [];
    const refusedTunnels: string[] = [];
    const squid = http.createServer((req, res) => {
      forwarded.push(req.url ?? '');
      const target = new URL(req.url ?? '');
      const upstream = http.request(
        { host: target.hostname, port: target.port, path: target.pathname, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    squid.on('connect', (req: http.IncomingMessage, socket: net.Socket) => {
      refusedTunnels.push(req.url ?? '');
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    });
    const vendor = http.createServer((_req, res) => res.end('{"plain":true}'));
    const vendorUrl = `http://127.0.0.1:${await listen(vendor)}/api/v1`;
    process.env.HTTP_PROXY = `http://127.0.0.1:${await listen(squid)}`;
    try {
      await expect(
        client(vendorUrl).json({ method: 'GET', path: '/x', idempotent: true }),
      ).resolves.toEqual({ plain: true });
      expect(forwarded).toEqual([`${vendorUrl}/x`]);
      expect(refusedTunnels).toEqual([]);
    } finally {
      squid.closeAllConnections();
      vendor.closeAllConnections();
      await new Promise((r) => squid.close(r));
      await new Promise((r) => vendor.close(r));
    }
  });

  it('goes direct for hosts in NO_PROXY', async () => {
    process.env.HTTPS_PROXY = proxyUrl;
    process.env.NO_PROXY = '127.0.0.1';
    await expect(
      client(tlsUrl, path.join(dir, 'cert.pem')).json({
        method: 'GET',
        path: '/x',
        idempotent: true,
      }),
    ).resolves.toEqual({ ok: true });
    expect(tunnels).toEqual([]);
  });

  it('does not follow a redirect, so the key never reaches another host', async () => {
    const seen: string[] = [];
    const other = http.createServer((req, res) => {
      seen.push(JSON.stringify(req.headers));
      res.end('{}');
    });
    const otherPort = await listen(other);
    const redirecting = http.createServer((_req, res) => {
      res.writeHead(307, { Location: `http://localhost:${otherPort}/api/v1/x` });
      res.end();
    });
    const port = await listen(redirecting);
    try {
      const error = await client(`http://127.0.0.1:${port}/api/v1`)
        .request({ method: 'GET', path: '/x', idempotent: true })
        .catch((e: Error) => e);
      expect((error as Error).message).toMatch(
        /HTTP 307 redirect to http:\/\/localhost:\d+\/api\/v1\/x.*set baseUrl/,
      );
      expect(seen).toEqual([]);
    } finally {
      await new Promise((r) => other.close(r));
      await new Promise((r) => redirecting.close(r));
    }
  });
});
