// The one HTTP client factory every vendor uses: timeouts, proxy, extra CAs, retries
// with backoff and jitter, and redaction of every error that leaves this module.

import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Duplex, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tls from 'node:tls';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { getProxyForUrl } from 'proxy-from-env';
import { type Clock, isAbortError, systemClock } from './clock.js';
import type { Logger } from './logger.js';
import type { Redactor } from './redact.js';

export interface HttpClientOptions {
  /** Vendor name used in every message, e.g. "Testsigma". */
  vendor: string;
  baseUrl: string;
  headers: Record<string, string>;
  redactor: Redactor;
  logger: Logger;
  caCertPath?: string;
  connectTimeoutMs?: number;
  readTimeoutMs?: number;
  /** Attempts in all for a retryable request (first try included). */
  maxAttempts?: number;
  clock?: Clock;
  random?: () => number;
  /**
   * Follow redirects (downloads only): never where a credential header travels, since a
   * redirect to another host would carry it along.
   */
  followRedirects?: boolean;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path relative to the base URL, e.g. "/execution_results/12". */
  path: string;
  body?: unknown;
  /** A multipart body (e.g. a file upload) instead of JSON. */
  form?: FormData;
  /** Extra headers for this request only. */
  headers?: Record<string, string>;
  query?: Record<string, string | number>;
  accept?: string;
  /**
   * False for requests that start something (a trigger): they are retried only when the
   * request cannot have reached the vendor, because a second trigger starts a second plan.
   */
  idempotent: boolean;
  signal?: AbortSignal;
  /** Statuses the caller handles itself instead of getting an error. */
  acceptStatuses?: number[];
}

export interface HttpResponse {
  status: number;
  /** Raw body text. */
  text: string;
  headers: Record<string, string>;
}

/** Every failure that leaves the HTTP layer: message already redacted. */
export class VendorHttpError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    /** Redacted response body (possibly truncated), for callers that classify errors. */
    readonly body: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'VendorHttpError';
  }
}

export interface HttpClient {
  request(request: HttpRequest): Promise<HttpResponse>;
  /** request() and JSON.parse of the body, with a clear error for a body that is not JSON. */
  json<T>(request: HttpRequest): Promise<T>;
  /** Streams a GET of `path` into `file` (not retried: the caller decides). */
  download(path: string, file: string, signal?: AbortSignal): Promise<void>;
  url(path: string): string;
}

// Network errors where the request never left this machine: safe to retry even a trigger.
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNECTTIMEOUT',
]);
// Network errors after which the vendor may or may not have processed the request.
const MAYBE_SENT_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EPIPE',
  'ERR_BAD_RESPONSE',
]);
const MAX_BODY_IN_MESSAGE = 500;
const MAX_RETRY_AFTER_MS = 120_000;

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const maxAttempts = options.maxAttempts ?? 4;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const instance = createAxios(options, baseUrl);
  const redact = (text: string): string => options.redactor.redact(text);

  async function request(req: HttpRequest): Promise<HttpResponse> {
    const label = `${options.vendor} ${req.method} ${redact(req.path)}`;
    for (let attempt = 1; ; attempt++) {
      let failure: { error: VendorHttpError; retryAfterMs?: number; mayHaveReachedVendor: boolean };
      try {
        const response = await instance.request<string>({
          method: req.method,
          url: req.path,
          data: req.form ?? (req.body === undefined ? undefined : JSON.stringify(req.body)),
          params: req.query,
          headers: {
            Accept: req.accept ?? 'application/json',
            ...(req.body === undefined ? {} : { 'Content-Type': 'application/json' }),
            ...req.headers,
          },
          // Uploads can be large builds.
          ...(req.form ? { maxBodyLength: Infinity, maxContentLength: Infinity } : {}),
          signal: req.signal,
        });
        const result = toResponse(response);
        if (result.status >= 300 && result.status < 400) throw redirectError(label, result, redact);
        if (result.status < 400 || req.acceptStatuses?.includes(result.status)) return result;
        failure = {
          error: statusError(label, result, redact),
          retryAfterMs: parseRetryAfter(result.headers['retry-after'], clock.now()),
          // 429 means the vendor refused the request unprocessed; any other status may not.
          mayHaveReachedVendor: result.status !== 429,
        };
      } catch (error) {
        if (error instanceof VendorHttpError || isAbortError(error) || req.signal?.aborted)
          throw error;
        const code = (error as { code?: string }).code ?? '';
        failure = {
          error: new VendorHttpError(
            `${label} failed: ${redact(describeNetworkError(error))}`,
            undefined,
            '',
            NOT_SENT_CODES.has(code) || MAYBE_SENT_CODES.has(code),
          ),
          mayHaveReachedVendor: !NOT_SENT_CODES.has(code),
        };
      }

      const canRetry =
        failure.error.retryable &&
        attempt < maxAttempts &&
        (req.idempotent || !failure.mayHaveReachedVendor);
      if (!canRetry) {
        if (!req.idempotent && failure.mayHaveReachedVendor && failure.error.retryable) {
          failure.error.message +=
            ' (not retried: the vendor may have received it, and a second request could start a second run)';
        }
        throw failure.error;
      }
      const backoff = Math.min(15_000, 1000 * 2 ** (attempt - 1)) * (0.5 + random() / 2);
      const delay = Math.max(backoff, failure.retryAfterMs ?? 0);
      // Info, not a warning: retries are routine, and CI warnings are a scarce, capped resource.
      options.logger.info(
        `${failure.error.message}; retrying in ${(delay / 1000).toFixed(1)}s (attempt ${attempt + 1} of ${maxAttempts})`,
      );
      await clock.sleep(delay, req.signal);
    }
  }

  async function json<T>(req: HttpRequest): Promise<T> {
    const response = await request(req);
    try {
      return JSON.parse(response.text) as T;
    } catch {
      throw new VendorHttpError(
        `${options.vendor} ${req.method} ${redact(req.path)}: expected JSON, got ${describeBody(redact(response.text))}`,
        response.status,
        redact(response.text).slice(0, MAX_BODY_IN_MESSAGE),
        // A truncated answer to a read is worth another try (the wait loop polls again);
        // to a trigger it is not, since the run may have started.
        req.idempotent,
      );
    }
  }

  async function download(path: string, file: string, signal?: AbortSignal): Promise<void> {
    const label = `${options.vendor} GET ${redact(path)}`;
    let response: AxiosResponse<Readable>;
    try {
      response = await instance.request<Readable>({
        method: 'GET',
        url: path,
        responseType: 'stream',
        maxContentLength: Infinity,
        signal,
      });
    } catch (error) {
      if (isAbortError(error) || signal?.aborted) throw error;
      throw new VendorHttpError(
        `${label} failed: ${redact(describeNetworkError(error))}`,
        undefined,
        '',
        false,
      );
    }
    if (response.status >= 300) {
      response.data.destroy();
      throw new VendorHttpError(`${label}: HTTP ${response.status}`, response.status, '', false);
    }
    await pipeline(response.data, fs.createWriteStream(file), { signal });
  }

  return { request, json, download, url: (path) => `${baseUrl}${path}` };
}

function createAxios(options: HttpClientOptions, baseUrl: string): AxiosInstance {
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
    httpAgent = httpsAgent = new VendorProxyAgent(proxy, {
      keepAlive: true,
      ca,
      timeout: connectTimeoutMs,
    });
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

function redirectError(
  label: string,
  response: HttpResponse,
  redact: (t: string) => string,
): VendorHttpError {
  let target = 'another address';
  try {
    const location = new URL(response.headers.location ?? '', 'http://unknown');
    target = `${location.origin}${location.pathname}`;
  } catch {
    // keep the generic wording
  }
  return new VendorHttpError(
    `${label}: HTTP ${response.status} redirect to ${redact(target)}. TestRelay does not follow redirects ` +
      '(the API key would go with it): set baseUrl to the address the server redirects to.',
    response.status,
    '',
    false,
  );
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

function toResponse(response: AxiosResponse<string>): HttpResponse {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(response.headers ?? {})) {
    if (value !== undefined && value !== null) headers[key.toLowerCase()] = String(value);
  }
  return {
    status: response.status,
    text: typeof response.data === 'string' ? response.data : '',
    headers,
  };
}

function statusError(
  label: string,
  response: HttpResponse,
  redact: (t: string) => string,
): VendorHttpError {
  const body = redact(response.text).slice(0, MAX_BODY_IN_MESSAGE);
  const retryable = response.status === 429 || response.status >= 500;
  const detail = body.trim() ? `: ${describeBody(body)}` : '';
  return new VendorHttpError(
    `${label}: HTTP ${response.status}${detail}`,
    response.status,
    body,
    retryable,
  );
}

function describeBody(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  if (flat === '') return 'an empty body';
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}

function describeNetworkError(error: unknown): string {
  const err = error as { code?: string; message?: string };
  const code = err.code && err.code !== 'ERR_NETWORK' ? `${err.code}: ` : '';
  return `${code}${err.message ?? String(error)}`;
}

/** Retry-After as seconds or an HTTP date, capped; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}
