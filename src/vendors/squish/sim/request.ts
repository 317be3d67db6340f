// Reading the simulated Test Center's requests: ids, JSON bodies, the `executeplan` body, lookup
// titles, and the Error Response every refusal is written as (vendor-apis/squish-test-center.md §3).

import { jsonResponse, type SimRequest, type SimResponse } from '../../../simulator/kit.js';
import { errorBody } from './format.js';
import type { LinkedRepo } from './instances.js';

export function error(status: number, message: string): SimResponse {
  return jsonResponse(status, errorBody(status, message));
}

export function numericId(text: string | undefined): number | undefined {
  return text !== undefined && /^\d{1,15}$/.test(text) ? Number(text) : undefined;
}

/** The JSON object body, `{}` for no body when `optional`, or the 400 the server answers. */
export function objectBody(
  request: SimRequest,
  optional: boolean,
): Record<string, unknown> | SimResponse {
  const body = request.body;
  if (body.kind === 'none') return optional ? {} : error(400, 'Missing JSON payload');
  if (body.kind === 'invalid') return error(400, `Invalid JSON request format: ${body.error}`);
  if (body.value === null || typeof body.value !== 'object' || Array.isArray(body.value)) {
    return error(400, 'Invalid JSON request format: expected a JSON object');
  }
  return body.value as Record<string, unknown>;
}

/** A timeout in ms from a body (reserve, heartbeat), or the scenario default. */
export function timeoutOf(body: Record<string, unknown>, fallback: number): number | SimResponse {
  const timeout = body.timeout;
  if (timeout === undefined || timeout === null) return fallback;
  if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout <= 0) {
    return error(400, "Invalid field 'timeout': expected a positive number of milliseconds");
  }
  return timeout;
}

/** Lookup titles: an exact match wins, else one that differs only in case, spaces, - and _. */
function normalizeTitle(title: string): string {
  return title
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ');
}

export function matchTitles<T extends { title: string; id: number }>(
  candidates: T[],
  title: string,
): T[] {
  const exact = candidates.filter((candidate) => candidate.title === title);
  const matches =
    exact.length > 0
      ? exact
      : candidates.filter((candidate) => normalizeTitle(candidate.title) === normalizeTitle(title));
  return matches.sort((a, b) => a.id - b.id);
}

/** The parsed `executeplan` body, or the 400 to answer. */
export function parseExecutePlan(
  body: Record<string, unknown>,
):
  | { templateId: number; title: string; batch: string; time: number | null; repos: LinkedRepo[] }
  | SimResponse {
  const invalid = (message: string): SimResponse => error(400, `Invalid request body: ${message}`);
  const { templateId, title, batch, time, linkedRepos } = body;
  if (typeof templateId !== 'number' || !Number.isInteger(templateId) || templateId < 0) {
    return invalid("'templateId' must be an integer");
  }
  if (typeof title !== 'string' || title.trim() === '') {
    return invalid("'title' must be a non-empty string");
  }
  if (typeof batch !== 'string' || batch.trim() === '') {
    return invalid("'batch' must be a non-empty string");
  }
  if (time !== undefined && time !== null) {
    if (typeof time !== 'number' || !Number.isInteger(time) || time < 0) {
      return invalid("'time' must be a timestamp in epoch milliseconds");
    }
  }
  const repos: LinkedRepo[] = [];
  if (linkedRepos !== undefined && linkedRepos !== null) {
    if (!Array.isArray(linkedRepos)) return invalid("'linkedRepos' must be an array");
    for (const repo of linkedRepos) {
      const { id, branch } = (repo ?? {}) as Record<string, unknown>;
      if (
        typeof id !== 'number' ||
        !Number.isInteger(id) ||
        typeof branch !== 'string' ||
        branch.trim() === ''
      ) {
        return invalid(
          '\'linkedRepos\' entries must be {"id": <integer>, "branch": "<branch or commit>"}',
        );
      }
      repos.push({ id, branch });
    }
  }
  return { templateId, title, batch, time: (time as number | null | undefined) ?? null, repos };
}
