// Downloading a run's JUnit report (GET /reports/junit/{runId}). The endpoint answers 200 with
// plain text until the report is ready, and a download may come truncated or as an HTML error
// page: both are tried again a few times. Without a report the run's counts still give the
// totals, so every failure here is a warning and `undefined`, except a cancel.

import { type Clock, isAbortError } from '../../core/clock.js';
import type { HttpClient } from '../../core/http.js';
import { parseJunitXml } from '../../core/junit-read.js';
import type { Logger } from '../../core/logger.js';
import type { TestSuite } from '../../core/result.js';

const NOT_COMPLETED_REPORT = /not completed/i;
const JUNIT_ATTEMPTS = 6;
const JUNIT_RETRY_MS = 2000;

export interface ReportAccess {
  http: HttpClient;
  logger: Logger;
  clock: Clock;
}

export async function fetchJunit(
  access: ReportAccess,
  runId: string,
  signal: AbortSignal,
): Promise<TestSuite[] | undefined> {
  const { logger, clock } = access;
  for (let attempt = 1; attempt <= JUNIT_ATTEMPTS; attempt++) {
    const text = await download(access, runId, signal);
    if (text === undefined) return undefined;
    const last = attempt === JUNIT_ATTEMPTS;
    if (text.startsWith('<')) {
      try {
        return await parseJunitXml(text, `Testsigma JUnit report of run ${runId}`);
      } catch (error) {
        // A truncated download or an HTML error page: try again, then fall back to the counts.
        if (last) {
          logger.warn(`Testsigma's JUnit report could not be read: ${(error as Error).message}`);
          return undefined;
        }
        logger.debug(`JUnit report unreadable (${(error as Error).message}); retrying`);
        await clock.sleep(JUNIT_RETRY_MS, signal);
        continue;
      }
    }
    if (!NOT_COMPLETED_REPORT.test(text) || last) {
      logger.warn(`Testsigma's JUnit report is not available: ${text.slice(0, 200)}`);
      return undefined;
    }
    logger.debug(`JUnit report not ready yet (${text.slice(0, 100)}); retrying`);
    await clock.sleep(JUNIT_RETRY_MS, signal);
  }
  return undefined;
}

/** The report's text without a BOM, or undefined (warned) when the request failed. */
async function download(
  access: ReportAccess,
  runId: string,
  signal: AbortSignal,
): Promise<string | undefined> {
  try {
    const response = await access.http.request({
      method: 'GET',
      path: `/reports/junit/${encodeURIComponent(runId)}`,
      accept: 'application/xml',
      idempotent: true,
      signal,
    });
    return response.text.replace(/^\uFEFF/, '').trim();
  } catch (error) {
    if (isAbortError(error)) throw error;
    access.logger.warn(
      `Could not download the Testsigma JUnit report: ${(error as Error).message}`,
    );
    return undefined;
  }
}
