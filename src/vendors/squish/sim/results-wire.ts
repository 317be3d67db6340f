// The Results API subset's paths, item shapes and query parameters (see results.ts): how the
// simulated Test Center writes reports, test items and events, and reads filters.

import {
  jsonResponse,
  type RouteMatch,
  type SimRequest,
  type SimResponse,
} from '../../../simulator/kit.js';
import { errorBody } from './format.js';
import type { Label } from './plan.js';
import { RESULT_CODES, type Outcome, type ResultName } from './outcomes.js';

export const RESULTS_BASE = '/api/v1';

/** Path (below RESULTS_BASE) → route name in the request log, and whether `batch0` is needed. */
export const RESULTS_ROUTES: Readonly<Record<string, { route: string; needsBatch: boolean }>> = {
  '/batches': { route: 'batches', needsBatch: false },
  '/reports': { route: 'reports', needsBatch: true },
  '/tests': { route: 'tests', needsBatch: true },
  '/events': { route: 'events', needsBatch: true },
};

export const TEST_TYPES = [
  'testsuite',
  'testcase',
  'feature',
  'model-based-test',
  'scenario',
  'scenariooutline',
  'row',
  'step',
  'section',
  'execution',
] as const;

export const EVENT_TYPES = [
  'ATTACHMENT',
  'ENDVIDEO',
  'ERROR',
  'FAIL',
  'FATAL',
  'LOG',
  'PASS',
  'STARTVIDEO',
  'WARNING',
  'XFAIL',
  'XPASS',
] as const;

export function isResultsPath(path: string): boolean {
  return path === RESULTS_BASE || path.startsWith(`${RESULTS_BASE}/`);
}

export function classifyResults(method: string, path: string): RouteMatch {
  const entry = RESULTS_ROUTES[path.slice(RESULTS_BASE.length)];
  return { route: entry && method === 'GET' ? entry.route : 'unknown' };
}

const RESULT_NAMES = new Map<number, ResultName>(
  Object.entries(RESULT_CODES).map(([name, code]) => [code, name as ResultName]),
);

export interface TreeNode {
  id: number;
  typename: 'testsuite' | 'testcase';
  name: string;
  parent: number | null;
  report: number;
  result: number;
  duration: number;
  started: number;
}

export interface ReportNode {
  id: number;
  labels: Label[];
  result: number;
  duration: number;
  started: number;
  tests: number;
}

export interface EventNode {
  id: number;
  test: number;
  type: (typeof EVENT_TYPES)[number];
  message: string;
  detail: string;
  location: string;
  time: number;
}

export const EVENT_OF: Record<Outcome, (typeof EVENT_TYPES)[number]> = {
  PASS: 'PASS',
  XFAIL: 'XFAIL',
  FAIL: 'FAIL',
  XPASS: 'XPASS',
  SKIPPED: 'LOG',
  NONE: 'WARNING',
  SCRIPT_ERROR: 'ERROR',
  INFRASTRUCTURE: 'ERROR',
};

export function resultFields(code: number): { result: number; result_name: ResultName } {
  return { result: code, result_name: RESULT_NAMES.get(code) ?? 'NONE' };
}

export function labelKey(labels: readonly Label[]): string {
  return labels
    .map((label) => `${label.key}=${label.value}`)
    .sort()
    .join('&');
}
export function reportObject(report: ReportNode): Record<string, unknown> {
  return {
    duration: report.duration,
    id: report.id,
    labels: report.labels.map((label) => ({ key: label.key, value: label.value })),
    ...resultFields(report.result),
    started: report.started,
    tests: report.tests,
  };
}

export function testObject(node: TreeNode): Record<string, unknown> {
  return {
    duration: node.duration,
    id: node.id,
    name: node.name,
    parent: node.parent,
    report: node.report,
    ...resultFields(node.result),
    started: node.started,
    typename: node.typename,
  };
}

export function eventObject(node: EventNode): Record<string, unknown> {
  return {
    detail: node.detail,
    id: node.id,
    location: node.location,
    message: node.message,
    test: node.test,
    time: node.time,
    type: node.type,
  };
}

export function badRequest(message: string): SimResponse {
  return jsonResponse(400, errorBody(400, message));
}

export function missing(name: string): SimResponse {
  return badRequest(`Missing required query parameter '${name}'`);
}

/** A comma-separated filter whose values must come from `known`; undefined when absent. */
export function listParam(
  request: SimRequest,
  name: string,
  known: readonly string[],
): string[] | undefined | string {
  const raw = request.query.get(name);
  if (raw === null || raw.trim() === '') return undefined;
  const values = raw.split(',').map((value) => value.trim());
  const unknown = values.filter((value) => !known.includes(value));
  if (unknown.length > 0) {
    return `Invalid value '${unknown[0]}' for '${name}' (expected one of: ${known.join(', ')})`;
  }
  return values;
}

export function idParam(request: SimRequest, name: string): number | undefined | string {
  const raw = request.query.get(name);
  if (raw === null || raw.trim() === '') return undefined;
  return /^\d{1,15}$/.test(raw.trim())
    ? Number(raw.trim())
    : `Invalid value '${raw}' for '${name}'`;
}
