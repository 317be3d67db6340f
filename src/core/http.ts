// The one HTTP client factory every vendor uses: timeouts, proxy, extra CAs (the connections
// are built in http-agents.ts), retries with backoff and jitter, and redaction of every error
// that leaves this module.

import * as fs from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AxiosInstance, AxiosResponse } from 'axios';
import { type Clock, isAbortError, systemClock } from './clock.js';
import { createAxios } from './http-agents.js';
import {
  describeNetworkError,
  notJsonError,
  redirectError,
  statusError,
  VendorHttpError,
} from './http-errors.js';
import { inputRef } from './input-names.js';
import type { Logger } from './logger.js';
import type { Redactor } from './redact.js';

export interface HttpClientOptions {
  /** Vendor name used in every message, e.g. "Testsigma". */
  vendor: string;
  baseUrl: string;
  /** The input that set baseUrl, for "check …" hints; default baseUrl, none for a download. */
  urlInput?: string | null;
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

export { VendorHttpError } from './http-errors.js';

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
const MAX_RETRY_AFTER_MS = 120_000;

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const client: Client = {
    options,
    instance: createAxios(options, baseUrl),
    clock: options.clock ?? systemClock,
    random: options.random ?? Math.random,
    maxAttempts: options.maxAttempts ?? 4,
    redact: (text) => options.redactor.redact(text),
  };
  return {
    request: (req) => request(client, req),
    json: (req) => json(client, req),
    download: (path, file, signal) => download(client, path, file, signal),
    url: (path) => `${baseUrl}${path}`,
  };
}

/** What every request of one client shares. */
interface Client {
  options: HttpClientOptions;
  instance: AxiosInstance;
  clock: Clock;
  random: () => number;
  maxAttempts: number;
  redact: (text: string) => string;
}

/** A failed attempt, and whether the vendor may have acted on it (a trigger then is not resent). */
interface Failure {
  error: VendorHttpError;
  /** What to check, added to the error once the retries are over. */
  hint?: string;
  retryAfterMs?: number;
  mayHaveReachedVendor: boolean;
}

async function request(client: Client, req: HttpRequest): Promise<HttpResponse> {
  const { options, maxAttempts } = client;
  const label = `${options.vendor} ${req.method} ${client.redact(req.path)}`;
  for (let attempt = 1; ; attempt++) {
    const outcome = await attemptOnce(client, req, label);
    if ('response' in outcome) return outcome.response;
    const { failure } = outcome;
    const canRetry =
      failure.error.retryable &&
      attempt < maxAttempts &&
      (req.idempotent || !failure.mayHaveReachedVendor);
    if (!canRetry) {
      if (!req.idempotent && failure.mayHaveReachedVendor && failure.error.retryable) {
        failure.error.message +=
          ' (not retried: the vendor may have received it, and a second request could start a second run)';
      }
      options.logger.debug(
        `${label}: not retried (${failure.error.retryable ? `attempt ${attempt} of ${maxAttempts}` : 'a permanent error'})`,
      );
      failure.error.message += failure.hint ?? '';
      throw failure.error;
    }
    const backoff = Math.min(15_000, 1000 * 2 ** (attempt - 1)) * (0.5 + client.random() / 2);
    const delay = Math.max(backoff, failure.retryAfterMs ?? 0);
    // Info, not a warning: retries are routine, and CI warnings are a scarce, capped resource.
    options.logger.info(
      `${failure.error.message}; retrying in ${(delay / 1000).toFixed(1)}s (attempt ${attempt + 1} of ${maxAttempts})`,
    );
    await client.clock.sleep(delay, req.signal);
  }
}

/** One try: the response, or a failure the retry loop decides about; aborts are thrown. */
async function attemptOnce(
  client: Client,
  req: HttpRequest,
  label: string,
): Promise<{ response: HttpResponse } | { failure: Failure }> {
  const { redact } = client;
  const started = client.clock.now();
  // Verbose logs show each request: never a header or body (they may hold a key).
  const took = () => `${Math.round(client.clock.now() - started)} ms`;
  try {
    const response = await client.instance.request<string>({
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
    client.options.logger.debug(`${label} → HTTP ${result.status} in ${took()}`);
    if (result.status >= 300 && result.status < 400) throw redirectError(label, result, redact);
    if (result.status < 400 || req.acceptStatuses?.includes(result.status)) {
      return { response: result };
    }
    return {
      failure: {
        error: statusError(label, result, redact),
        retryAfterMs: parseRetryAfter(result.headers['retry-after'], client.clock.now()),
        // 429 means the vendor refused the request unprocessed; any other status may not.
        mayHaveReachedVendor: result.status !== 429,
      },
    };
  } catch (error) {
    if (error instanceof VendorHttpError || isAbortError(error) || req.signal?.aborted) throw error;
    const code = (error as { code?: string }).code ?? '';
    client.options.logger.debug(`${label} → ${code || 'network error'} in ${took()}`);
    return {
      failure: {
        hint: networkHint(code, client.options),
        error: new VendorHttpError(
          `${label} failed: ${redact(describeNetworkError(error))}`,
          undefined,
          '',
          NOT_SENT_CODES.has(code) || MAYBE_SENT_CODES.has(code),
        ),
        mayHaveReachedVendor: !NOT_SENT_CODES.has(code),
      },
    };
  }
}

async function json<T>(client: Client, req: HttpRequest): Promise<T> {
  const response = await request(client, req);
  const { redact } = client;
  try {
    return JSON.parse(response.text) as T;
  } catch {
    const label = `${client.options.vendor} ${req.method} ${redact(req.path)}`;
    // A truncated answer to a read is worth another try (the wait loop polls again);
    // to a trigger it is not, since the run may have started.
    throw notJsonError(label, response, redact, req.idempotent);
  }
}

async function download(
  client: Client,
  path: string,
  file: string,
  signal?: AbortSignal,
): Promise<void> {
  const label = `${client.options.vendor} GET ${client.redact(path)}`;
  let response: AxiosResponse<Readable>;
  try {
    response = await client.instance.request<Readable>({
      method: 'GET',
      url: path,
      responseType: 'stream',
      maxContentLength: Infinity,
      signal,
    });
  } catch (error) {
    if (isAbortError(error) || signal?.aborted) throw error;
    throw new VendorHttpError(
      `${label} failed: ${client.redact(describeNetworkError(error))}`,
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

/** Retry-After as seconds or an HTTP date, capped; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}

/** What to check when the vendor could not be reached at all: said once, after the retries. */
function networkHint(code: string, options: HttpClientOptions): string | undefined {
  let host = options.baseUrl;
  try {
    host = new URL(options.baseUrl).host;
  } catch {
    // keep the URL as given
  }
  const input = options.urlInput === undefined ? 'baseUrl' : options.urlInput;
  const check = input ? `check ${inputRef(input)}` : 'check the URL';
  if (code === 'ECONNREFUSED') {
    return `. Nothing accepts connections at ${host}: ${check} and that the server is up.`;
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return `. The host name ${host} does not resolve: ${check}, and the DNS of this machine.`;
  }
  if (['ETIMEDOUT', 'ECONNECTTIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH'].includes(code)) {
    return (
      `. No answer from ${host}: ${check}, a firewall on the way, and the proxy ` +
      '(HTTPS_PROXY, NO_PROXY) this job uses.'
    );
  }
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
    return `. The certificate of ${host} is not trusted here: set ${inputRef('caCertPath')} to the PEM file of its CA.`;
  }
  return undefined;
}
