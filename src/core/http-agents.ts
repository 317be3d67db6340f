// The connections under the HTTP client: one axios instance per vendor with keep-alive
// agents, a connect timeout Node's agents lack, extra CA certificates, and HTTPS_PROXY /
// HTTP_PROXY / NO_PROXY: https through a tunnel that checks the vendor's certificate too,
// plain http as absolute-form requests to the proxy.

import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import axios, { type AxiosInstance } from 'axios';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { getProxyForUrl } from 'proxy-from-env';
import type { HttpClientOptions } from './http.js';

export function createAxios(options: HttpClientOptions, baseUrl: string): AxiosInstance {
  const connectTimeoutMs = options.connectTimeoutMs ?? 15_000;
  const readTimeoutMs = options.readTimeoutMs ?? 60_000;
  const ca = options.caCertPath ? [...tls.rootCertificates, readCa(options.caCertPath)] : undefined;
  const proxy = getProxyForUrl(baseUrl);
  let httpAgent: http.Agent;
  let httpsAgent: http.Agent;
  if (proxy) {
    options.logger.debug(
      `Using proxy for ${options.vendor}: ${options.redactor.redact(proxyLabel(proxy))}`,
    );
    // https through a CONNECT tunnel; plain http in absolute form (GET http://host/path), as
    // proxies expect: many (squid's defaults) allow CONNECT only to port 443.
    httpsAgent = new VendorProxyAgent(proxy, { keepAlive: true, ca, timeout: connectTimeoutMs });
    httpAgent = new HttpProxyAgent(proxy, { keepAlive: true, timeout: connectTimeoutMs });
  } else {
    httpAgent = withConnectTimeout(
      new http.Agent({ keepAlive: true }),
      connectTimeoutMs,
      'connect',
    );
    httpsAgent = withConnectTimeout(
      new https.Agent({ keepAlive: true, ca }),
      connectTimeoutMs,
      'secureConnect',
    );
  }
  return axios.create({
    baseURL: baseUrl,
    headers: options.headers,
    timeout: readTimeoutMs,
    responseType: 'text',
    // Keep the body as text: malformed JSON must become a clear error, not a silent string.
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
    // Never follow redirects: a redirect to another host would carry the API key with it
    // (only Authorization is dropped, not X-TS-API-KEY and the like).
    maxRedirects: options.followRedirects ? 5 : 0,
    // Proxies are handled by the agents above (axios' own proxy support cannot tunnel HTTPS).
    proxy: false,
    httpAgent,
    httpsAgent,
  });
}

/**
 * https-proxy-agent applies its `ca` to the proxy connection only; the TLS connection to the
 * vendor through the tunnel needs it too, or a private CA fails behind a proxy.
 */
class VendorProxyAgent extends HttpsProxyAgent<string> {
  constructor(
    proxy: string,
    private readonly agentOptions: { keepAlive: boolean; ca?: string[]; timeout: number },
  ) {
    super(proxy, agentOptions);
  }

  override connect(
    req: http.ClientRequest,
    opts: Parameters<HttpsProxyAgent<string>['connect']>[1],
  ): ReturnType<HttpsProxyAgent<string>['connect']> {
    const ca = this.agentOptions.ca;
    // Through the tunnel, TLS would check the certificate against "localhost" when the vendor
    // is addressed by IP (no SNI name): check it against the host actually asked for.
    const host = opts.host ?? '';
    const checkServerIdentity = (_name: string, cert: tls.PeerCertificate) =>
      tls.checkServerIdentity(host, cert);
    return super.connect(req, {
      ...opts,
      ...(ca ? { ca } : {}),
      checkServerIdentity,
    } as typeof opts);
  }
}

function readCa(path: string): string {
  try {
    return fs.readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`caCertPath: cannot read "${path}": ${(error as Error).message}`);
  }
}

function proxyLabel(proxy: string): string {
  try {
    const url = new URL(proxy);
    return `${url.protocol}//${url.host}`;
  } catch {
    return 'proxy';
  }
}

type ConnectionFactory = (options: unknown, callback?: unknown) => Duplex;

/** Node agents have no connect timeout of their own: destroy sockets that don't connect in time. */
function withConnectTimeout<T extends http.Agent>(agent: T, ms: number, event: string): T {
  const target = agent as unknown as { createConnection: ConnectionFactory };
  const original = target.createConnection.bind(agent);
  target.createConnection = (connectOptions, callback) => {
    const socket = original(connectOptions, callback);
    const timer = setTimeout(() => {
      const error = Object.assign(new Error(`could not connect within ${ms / 1000}s`), {
        code: 'ECONNECTTIMEOUT',
      });
      socket.destroy(error);
    }, ms);
    socket.once(event, () => clearTimeout(timer));
    socket.once('close', () => clearTimeout(timer));
    return socket;
  };
  return agent;
}
