// Squish Test Center's Execution API answers as they arrive (vendor-apis/squish-test-center.md
// §3, §6), read leniently: the schema and the examples disagree on types (ids as numbers or
// strings) and on names (`done` in the status example, `finished` in the schema).

import { isJsonObject, messageInJsonBody, num, text } from '../../core/wire.js';

/** The Test Plan Response, shared by the lookup, `testplans/{id}` and `executeplan`. */
export interface TestPlan {
  id: string;
  title: string;
  /** "template" | "instance"; anything else is kept as sent, to be refused by the caller. */
  type: string;
  project: string;
  batchName: string;
  /** Server time of the answer, epoch ms. */
  serverTime?: number;
  counts: PlanCounts;
}

/** Result counts of a plan; `count` is the total number of tests. */
export interface PlanCounts {
  passes: number;
  failed: number;
  skipped: number;
  count: number;
}

/** `GET status/{id}`: executions still open, reserved (running) and done. */
export interface StatusCounts {
  open: number;
  reserved: number;
  done: number;
}

export function normalizePlan(raw: unknown): TestPlan {
  if (!isJsonObject(raw)) {
    throw new Error(
      Array.isArray(raw)
        ? 'Test Center answered with a list where one test plan was expected'
        : 'Test Center answered with something that is not a test plan',
    );
  }
  const data = raw;
  const id = text(data.id);
  if (id === undefined || id === '') {
    throw new Error('Test Center answered with a test plan that has no id');
  }
  return {
    id,
    title: text(data.title) ?? '',
    type: (text(data.type) ?? '').toLowerCase(),
    project: text(data.project) ?? '',
    batchName: text(data.batch_name) ?? '',
    serverTime: num(data.server_dt),
    counts: {
      passes: num(data.passes) ?? 0,
      failed: num(data.failed) ?? 0,
      skipped: num(data.skipped) ?? 0,
      count: num(data.count) ?? 0,
    },
  };
}

/** Undefined when the answer has no readable open/reserved counts. */
export function normalizeStatus(raw: unknown): StatusCounts | undefined {
  if (!isJsonObject(raw)) return undefined;
  const data = raw;
  const open = num(data.open);
  const reserved = num(data.reserved);
  if (open === undefined || reserved === undefined) return undefined;
  // The status example answers `done`, the schema names it `finished` (§6): read either.
  return { open, reserved, done: num(data.done) ?? num(data.finished) ?? 0 };
}

/** The documented error body `{"code": 400, "message": "…"}`, or the raw text. */
export function errorText(body: string): string {
  return messageInJsonBody(body) || body.trim();
}
