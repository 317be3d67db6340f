// The Execution API calls a worker makes (vendor-apis/squish-test-center.md §3-§4): reserve an
// execution (and a Squish server), heartbeat, finished, reset. Answers are read leniently: the
// schema and the examples disagree on types (`test_id`, server ids and ports as numbers or
// strings), and a failed reservation is still HTTP 200, told apart by its `status` text.

import type { HttpClient } from '../../core/http.js';
import { isJsonObject, num, text } from '../../core/wire.js';
import { explain } from './errors.js';
import { EXECUTION_API } from './execution-api.js';

export interface ReservedServer {
  id: string;
  host: string;
  port: string;
}

export interface Reservation {
  executionId: string;
  project: string;
  batch: string;
  testId: string;
  testcase: string;
  suite: string;
  server?: ReservedServer;
}

/** What a reserve answered: an execution, or why there was none. */
export type ReserveAnswer =
  | { kind: 'reserved'; reservation: Reservation }
  | { kind: 'no-executions' | 'no-servers'; status: string }
  | { kind: 'unknown'; status: string };

const NO_EXECUTIONS = /no executions available/i;
const NO_SERVERS = /no servers available/i;

export function readReservation(raw: unknown): ReserveAnswer {
  const data = isJsonObject(raw) ? raw : {};
  const status = text(data.status) ?? '';
  const executionId = text(data.execution_id);
  // §6: check execution_id, not the HTTP status; the status text is for people.
  if (executionId) {
    const server = isJsonObject(data.server) ? data.server : undefined;
    return {
      kind: 'reserved',
      reservation: {
        executionId,
        project: text(data.project_name) ?? '',
        batch: text(data.batch) ?? '',
        testId: text(data.test_id) ?? '',
        testcase: text(data.testcase) ?? `execution ${executionId}`,
        suite: text(data.suite) ?? '',
        server: server && {
          id: text(server.id) ?? '',
          host: text(server.host) ?? '',
          port: text(server.port) ?? String(num(server.port) ?? ''),
        },
      },
    };
  }
  if (NO_EXECUTIONS.test(status)) return { kind: 'no-executions', status };
  if (NO_SERVERS.test(status)) return { kind: 'no-servers', status };
  return { kind: 'unknown', status: status || JSON.stringify(raw) };
}

export class ReservationApi {
  constructor(
    private readonly http: HttpClient,
    private readonly byToken: boolean,
  ) {}

  /**
   * Reserves one open execution that has every capability. Retried like a read: a
   * reservation whose answer was lost lapses after its timeout and goes back to the pool, so a
   * retry costs that one execution a timeout's delay at most, never a double run.
   */
  async reserve(
    planId: string,
    capabilities: ReadonlyArray<[string, string]>,
    timeoutMs: number,
    allocateServer: boolean,
    signal: AbortSignal,
  ): Promise<ReserveAnswer> {
    const body = {
      capabilities: capabilities.map(([key, value]) => ({ key, value })),
      timeout: timeoutMs,
      allocate_server: allocateServer,
    };
    const answer = await this.call(
      `reserve/${encodeURIComponent(planId)}`,
      body,
      'reserving an execution',
      signal,
    );
    return readReservation(parseOrText(answer));
  }

  async heartbeat(executionId: string, timeoutMs: number, signal: AbortSignal): Promise<void> {
    await this.call(
      `heartbeat/${encodeURIComponent(executionId)}`,
      { timeout: timeoutMs },
      `the heartbeat of execution ${executionId}`,
      signal,
    );
  }

  /** `{}` for a pass; a message (and details) reports a failure. */
  async finished(
    executionId: string,
    failure: { message: string; details: string } | undefined,
    signal: AbortSignal,
  ): Promise<void> {
    await this.call(
      `finished/${encodeURIComponent(executionId)}`,
      failure ?? {},
      `marking execution ${executionId} finished`,
      signal,
    );
  }

  /** Puts a failed execution back to open, for another worker (§4: a retry, not a cancel). */
  async reset(executionId: string, signal: AbortSignal): Promise<void> {
    await this.call(
      `reset/${encodeURIComponent(executionId)}`,
      undefined,
      `resetting execution ${executionId}`,
      signal,
    );
  }

  private async call(
    path: string,
    body: unknown,
    doing: string,
    signal: AbortSignal,
  ): Promise<string> {
    // Only reserve's answer is read: heartbeat and reset document no body.
    try {
      const response = await this.http.request({
        method: 'POST',
        path: `${EXECUTION_API}/${path}`,
        body,
        idempotent: true,
        signal,
      });
      return response.text;
    } catch (error) {
      throw explain(error, doing, this.byToken);
    }
  }
}

function parseOrText(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return { status: body.trim() };
  }
}
