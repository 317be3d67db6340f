// Per-test results of a finished plan from the Test Results API (results.ts knows its paths
// and shapes): the tests of the plan's batch, refined by report labels and problem events.
// Optional by nature: without them the plan's counts still give the totals, so every failure
// here becomes a reason for the log instead of an error (except a cancel).

import { isAbortError } from '../../core/clock.js';
import type { HttpClient } from '../../core/http.js';
import type { Logger } from '../../core/logger.js';
import type { TestSuite } from '../../core/result.js';
import { resultsProblem } from './errors.js';
import {
  normalizeEvents,
  normalizeItems,
  normalizeReports,
  PROBLEM_EVENTS,
  RESULTS_API,
  suitesFromResults,
} from './results.js';

/** Where a plan's results were uploaded. */
export interface ResultBatch {
  project: string;
  batch: string;
}

/** The suites, or why there are none: in full (`reason`) and in a few words (`short`). */
export type PerTestResults = { suites: TestSuite[] } | { reason: string; short: string };

export interface ResultsApiAccess {
  http: HttpClient;
  logger: Logger;
  /** The server's AutomationToken for REST access to the Results API, when set. */
  automationToken?: string;
}

/** Per-test suites of the batch, or why there are none; never throws except on abort. */
export async function fetchPerTestResults(
  access: ResultsApiAccess,
  where: ResultBatch,
  expected: number,
  signal: AbortSignal,
): Promise<PerTestResults> {
  if (!where.project || !where.batch) {
    const reason = 'Test Center did not name the project and batch of this test plan';
    return { reason, short: reason };
  }
  const get = reader(access, where, signal);
  let items;
  try {
    items = normalizeItems(await get(RESULTS_API.tests));
  } catch (error) {
    if (isAbortError(error) || signal.aborted) throw error;
    return resultsProblem(error, !!access.automationToken);
  }
  // Labels and messages refine the picture; without them the statuses still hold.
  const optional = async <T>(load: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await load();
    } catch (error) {
      if (isAbortError(error) || signal.aborted) throw error;
      access.logger.debug(`Results API: ${(error as Error).message}`);
      return fallback;
    }
  };
  const reports = await optional(async () => normalizeReports(await get(RESULTS_API.reports)), []);
  const problems = { [RESULTS_API.eventType]: PROBLEM_EVENTS.join(',') };
  const events = await optional(
    async () => normalizeEvents(await get(RESULTS_API.events, problems)),
    [],
  );
  return checkedCount(suitesFromResults(items, events, reports), expected, where.batch);
}

/** GETs of the Results API for one batch, with the AutomationToken when there is one. */
function reader(access: ResultsApiAccess, where: ResultBatch, signal: AbortSignal) {
  const query = { [RESULTS_API.project]: where.project, [RESULTS_API.batch]: where.batch };
  const token = access.automationToken;
  const headers = token ? { AutomationToken: token } : undefined;
  return (path: string, extra: Record<string, string> = {}) =>
    access.http.json<unknown>({
      method: 'GET',
      path,
      query: { ...query, ...extra },
      headers,
      idempotent: true,
      signal,
    });
}

/**
 * The suites, when they hold as many tests as the plan counted. A batch is shared by whatever
 * is uploaded into it: more tests than the plan counted means other runs' results are in it
 * too; fewer means the Results API is behind.
 */
function checkedCount(suites: TestSuite[], expected: number, batch: string): PerTestResults {
  const found = suites.reduce((sum, suite) => sum + suite.cases.length, 0);
  if (found === expected) return { suites };
  return {
    reason:
      found > expected
        ? `batch "${batch}" holds ${found} test results, more than the ${expected} of this test plan (results of other runs share the batch; use a batch of its own)`
        : `the Results API lists ${found} of the ${expected} results of batch "${batch}"`,
    short: found > expected ? 'results of other runs share the batch' : 'the Results API is behind',
  };
}
