// The Testomat.io simulator's data model (vendor-apis/testomatio.md §3-§6): its scenario knobs'
// type, the runs TestRelay creates or attaches to and every test result they received, and the
// kept-data view of a run (`GET /__testomatio/runs`).

import type { Scenario } from '../../../simulator/kit.js';

/** Testomat.io's own knobs, typed (see TESTOMATIO_KNOBS in knobs.ts). */
export interface TestomatioScenario extends Scenario {
  rejectKey: boolean;
  forbidden: boolean;
  validTokens: string[];
  paymentRequired: boolean;
  limitAfterTests: number | null;
  rejectCreate: boolean;
  matching: string;
  createUnmatched: boolean;
  knownTestIds: string[];
  knownTitles: string[];
  unmatchedAnswer: string;
  dropRate: number;
  afterFinishStatus: number;
  requireSharedRun: boolean;
  projectSlug: string;
}

export type RunStatus = 'created' | 'running' | 'finished';
export type RunResult = 'passed' | 'failed' | null;
export type TestStatus = 'passed' | 'failed' | 'skipped';

/**
 * What happened to one received test:
 * - `added`: a new result in the run;
 * - `updated`: same `rid` as an earlier result, which it replaced (`retry` says whether the
 *   server counted a retry, i.e. `overwrite` was not true);
 * - `created`: did not match a project test, and the server created one (`create: true`,
 *   `create_tests: true` or the `createUnmatched` knob);
 * - `unmatched`: did not match a project test and was not added;
 * - `dropped`: answered 200 "Test run added" but silently not added (`dropRate`).
 */
export type TestOutcome = 'added' | 'updated' | 'created' | 'unmatched' | 'dropped';

/** One test result as it arrived, in arrival order. */
export interface ReceivedTest {
  /** 1-based position among all tests this run received. */
  seq: number;
  /** `testrun` (single TestData), `batch` (`tests[]` on /testrun) or `update` (`tests[]` on PUT). */
  via: 'testrun' | 'batch' | 'update';
  /** `batch_index` of the request, when sent. */
  batchIndex: number | null;
  rid: string | null;
  /** `test_id` exactly as sent. */
  testId: string | null;
  /** The Testomat.io test it matched or created, always `@T` + 8 characters; null if none. */
  matchedTestId: string | null;
  title: string | null;
  suiteTitle: string | null;
  status: TestStatus;
  /** `run_time` exactly as sent (no unit conversion: the unit is the client's choice). */
  runTime: number | null;
  message: string | null;
  stack: string | null;
  overwrite: boolean;
  outcome: TestOutcome;
  /** Whether the server counted a retry (an `updated` result without `overwrite: true`). */
  retry: boolean;
  /**
   * `seq` of an earlier received test with the same `rid`, or (without rid) the same
   * test id / title + suite, status, run_time and message; null when this is the first.
   */
  duplicateOf: number | null;
  /** The TestData object as sent. */
  data: Record<string, unknown>;
}

/** One `PUT /api/reporter/{uid}` call. */
export interface RunUpdate {
  at: string;
  /** `status_event` as sent, or null for an attach/update without it. */
  statusEvent: string | null;
  sharedRun: string | null;
  body: Record<string, unknown>;
}

export interface Run {
  uid: string;
  url: string;
  publicUrl: string;
  createdAt: string;
  /** The create body as sent, `api_key` removed. */
  created: Record<string, unknown>;
  title: string | null;
  env: string | null;
  tags: string[];
  groupTitle: string | null;
  parallel: boolean;
  sharedRun: boolean;
  status: RunStatus;
  result: RunResult;
  finishedAt: string | null;
  /** `duration` of the final PUT (seconds, as sent). */
  duration: number | null;
  /** Counts the client reported on PUT (`tests_count`, `passed_count`, …), last values sent. */
  reportedCounts: Record<string, number>;
  /** `*_parallel` events received, in order. */
  parallelParts: string[];
  /** Extra `POST /api/reporter` calls that joined this shared run. */
  joins: number;
  /** Every PUT, in order (attach, update, finish). */
  updates: RunUpdate[];
  /** Every received test, in arrival order. */
  received: ReceivedTest[];
  /** Results the server holds (by rid when sent): what the run report would show. */
  results: Map<string, ReceivedTest>;
}

export const TEST_STATUSES: readonly TestStatus[] = ['passed', 'failed', 'skipped'];
export const STATUS_EVENTS = [
  'pass',
  'fail',
  'finish',
  'pass_parallel',
  'fail_parallel',
  'finish_parallel',
] as const;

/** `@Ta0b0c0d0`, `Ta0b0c0d0` and `a0b0c0d0` all name test `@Ta0b0c0d0`. */
export function normalizeTestId(value: string): string | null {
  const match = /^(?:@?T)?(\w{8})$/.exec(value.trim());
  return match ? `@T${match[1]}` : null;
}

/** A string field of a body, or null. */
export function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** The kept-data view of one run (`GET /__testomatio/runs`). */
export function runView(run: Run): Record<string, unknown> {
  const count = (outcome: TestOutcome): number =>
    run.received.filter((test) => test.outcome === outcome).length;
  const held = [...run.results.values()];
  return {
    uid: run.uid,
    url: run.url,
    publicUrl: run.publicUrl,
    createdAt: run.createdAt,
    created: run.created,
    title: run.title,
    env: run.env,
    tags: run.tags,
    groupTitle: run.groupTitle,
    parallel: run.parallel,
    sharedRun: run.sharedRun,
    status: run.status,
    result: run.result,
    finishedAt: run.finishedAt,
    duration: run.duration,
    reportedCounts: run.reportedCounts,
    parallelParts: run.parallelParts,
    joins: run.joins,
    updates: run.updates,
    counts: {
      received: run.received.length,
      added: count('added'),
      updated: count('updated'),
      created: count('created'),
      unmatched: count('unmatched'),
      dropped: count('dropped'),
      duplicates: run.received.filter((test) => test.duplicateOf !== null).length,
      retries: run.received.filter((test) => test.retry).length,
      held: held.length,
      passed: held.filter((test) => test.status === 'passed').length,
      failed: held.filter((test) => test.status === 'failed').length,
      skipped: held.filter((test) => test.status === 'skipped').length,
    },
    received: run.received,
    tests: held,
  };
}
