// Small HTTP helpers for the simulator server (Node built-ins only).

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestBody, SimResponse } from './vendor.js';

/** Default body limit: no JSON request TestRelay sends comes close (uploads raise it). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** A request body over the limit; it was read to its end (and dropped), so a 413 can be sent. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super('request body too large');
  }
}

/**
 * Reads a request body. One over `maxBytes` is still read to its end, but dropped, before a
 * BodyTooLargeError: a client that sends its whole body before it reads the answer then gets
 * the 413 instead of a reset connection.
 */
export async function readRawBody(
  request: IncomingMessage,
  maxBytes: number = MAX_BODY_BYTES,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size <= maxBytes) chunks.push(buffer);
    else chunks.length = 0;
  }
  if (size > maxBytes) throw new BodyTooLargeError(maxBytes);
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses a body as JSON without judging it: vendors decide what a bad body means. */
export function parseBody(text: string): RequestBody {
  if (text.trim() === '') return { kind: 'none' };
  try {
    return { kind: 'json', value: JSON.parse(text) as unknown, text };
  } catch (error) {
    return { kind: 'invalid', text, error: (error as Error).message };
  }
}

/** JSON on a single line: the vendor's own bash script parses answers line by line. */
export function jsonResponse(
  status: number,
  value: unknown,
  headers?: Record<string, string>,
): SimResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(value),
  };
}

export function textResponse(
  status: number,
  text: string,
  contentType = 'text/plain; charset=utf-8',
): SimResponse {
  return { status, headers: { 'content-type': contentType }, body: text };
}

/** Writes a response unless the client has gone away. */
export function send(response: ServerResponse, answer: SimResponse): void {
  if (response.destroyed || response.headersSent) return;
  const body = Buffer.from(answer.body, 'utf8');
  response.writeHead(answer.status, {
    ...answer.headers,
    'content-length': String(body.length),
  });
  response.end(body);
}

/** Escapes text for XML or HTML content and attribute values (the simulated pages and reports). */
export function escapeMarkup(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
