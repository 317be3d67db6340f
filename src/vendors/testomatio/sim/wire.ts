// How the Testomat.io simulator reads reporter requests (vendor-apis/testomatio.md §3-§4): the
// routes, the checks of a TestData and of a create body, and its `{"message"}` answers.

import { jsonResponse, type SimResponse } from '../../../simulator/kit.js';
import { TEST_STATUSES } from './model.js';

export const INVALID_TOKEN = 'Project API Token is invalid';
export const ADDED = 'Test run added';

export const API_ROUTES: ReadonlyArray<{
  pattern: RegExp;
  methods: Readonly<Record<string, string>>;
}> = [
  { pattern: /^\/api\/reporter$/, methods: { POST: 'createRun' } },
  { pattern: /^\/api\/reporter\/([^/]+)\/testrun$/, methods: { POST: 'addTests' } },
  { pattern: /^\/api\/reporter\/([^/]+)$/, methods: { PUT: 'updateRun' } },
  { pattern: /^\/api\/test_grep$/, methods: { GET: 'testGrep' } },
];
export const RUN_PAGE = /^\/(?:projects\/[^/]+\/runs|report)\/([^/]+)$/;
export const KEPT = /^\/__testomatio\/runs(?:\/([^/]+))?\/?$/;

export function message(status: number, text: string): SimResponse {
  return jsonResponse(status, { message: text });
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Why a TestData is invalid, or undefined. */
export function testDataProblem(data: unknown, index: number | null): string | undefined {
  const where = index === null ? 'test' : `tests[${index}]`;
  if (!isObject(data)) return `${where} must be an object`;
  if (!TEST_STATUSES.includes(data.status as never)) {
    return `${where}: status must be one of ${TEST_STATUSES.join(', ')}`;
  }
  for (const field of ['rid', 'title', 'suite_title', 'suite_id', 'test_id', 'message', 'stack']) {
    if (data[field] !== undefined && data[field] !== null && typeof data[field] !== 'string') {
      return `${where}: ${field} must be a string`;
    }
  }
  if (
    data.run_time !== undefined &&
    data.run_time !== null &&
    (typeof data.run_time !== 'number' || !(data.run_time >= 0))
  ) {
    return `${where}: run_time must be a non-negative number`;
  }
  if (data.artifacts !== undefined && !Array.isArray(data.artifacts)) {
    return `${where}: artifacts must be an array`;
  }
  if (data.meta !== undefined && data.meta !== null && !isObject(data.meta)) {
    return `${where}: meta must be an object`;
  }
  return undefined;
}

export function createProblem(body: Record<string, unknown>): string | undefined {
  for (const field of ['title', 'env', 'group_title']) {
    if (body[field] !== undefined && body[field] !== null && typeof body[field] !== 'string') {
      return `${field} must be a string`;
    }
  }
  if (
    body.tags !== undefined &&
    (!Array.isArray(body.tags) || !body.tags.every((tag) => typeof tag === 'string'))
  ) {
    return 'tags must be an array of strings';
  }
  for (const field of ['parallel', 'shared_run']) {
    if (body[field] !== undefined && typeof body[field] !== 'boolean') {
      return `${field} must be true or false`;
    }
  }
  return undefined;
}
