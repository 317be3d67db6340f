// Testomat.io's reporter payloads (vendor-apis/testomatio.md §3-§4) and the pure mapping from
// the neutral result model to them. No requests here: sink.ts sends what these build.

import { createHash } from 'node:crypto';
import {
  runDurationSeconds,
  totalsOf,
  vendorTitle,
  type RunResult,
  type TestCase,
  type TestSuite,
} from '../../core/result.js';
import { ciRunName, type Settings } from '../../core/settings.js';
import type { TestomatioSettings } from './settings.js';
import { cleanText, truncate } from '../../core/untrusted-text.js';
import { nonBlank, stringField } from '../../core/wire.js';
import { titleOf } from './match.js';

export type TestStatus = 'passed' | 'failed' | 'skipped';
export type StatusEvent = 'pass' | 'fail' | 'finish' | 'pass_parallel' | 'fail_parallel';

/** One test result as `POST /api/reporter/{uid}/testrun` takes it (§3.2). */
export interface TestData {
  rid: string;
  overwrite: true;
  test_id?: string;
  title: string;
  suite_title?: string;
  status: TestStatus;
  message?: string;
  stack?: string;
  run_time?: number;
  file?: string;
  create?: true;
  meta?: Record<string, string>;
}

/** `POST /api/reporter` (§3.1); every field is optional, api_key is added by the sender. */
export interface CreateRunBody {
  title: string;
  env?: string;
  tags?: string[];
  group_title?: string;
  ci_build_url?: string;
  shared_run?: true;
}

/** The body of the finishing `PUT /api/reporter/{uid}` (§3.3); api_key is added by the sender. */
export interface FinishBody {
  status_event: StatusEvent;
  /** Seconds (unlike run_time, the spec and the vendor's code agree here). */
  duration?: number;
  tests_count: number;
  passed_count: number;
  failed_count: number;
  skipped_count: number;
}

/** What create (and, on some servers, attach) answers; only the fields TestRelay uses. */
export interface RunAnswer {
  uid?: string;
  url?: string;
}

/** A case with what the mapping needs beside it. */
export interface CaseEntry {
  /** Position in the result (messages list cases in result order). */
  index: number;
  testCase: TestCase;
  suite: TestSuite;
  /** The Testomat.io id the case carries (match.ts), or undefined. */
  testId?: string;
  /** Position among the cases with the same suite, classname and name (0 for the first). */
  occurrence: number;
}

// Untrusted vendor text can be huge (a whole log as a "stack"); cut it so one batch stays far
// below what a server takes in one body (the simulator, like many proxies, stops at 1 MiB).
const MAX_MESSAGE_CHARS = 4_000;
const MAX_STACK_CHARS = 16_000;
/** Tests per `/testrun` call: what Testomat.io's own client sends. */
export const BATCH_SIZE = 50;
/** Bytes of tests per call, so 50 long stack traces still make a modest request. */
export const BATCH_MAX_BYTES = 512 * 1024;

/**
 * The report id: the same test of the same result always gets the same rid, so a retried or
 * re-sent batch replaces the results it already delivered instead of adding them again.
 * The env is part of it when set, so matrix jobs (same tests, other browser) sharing one run
 * keep one result each instead of overwriting one another.
 */
export function ridOf(entry: CaseEntry, env: string | undefined): string {
  const { testCase, suite, occurrence } = entry;
  const key = JSON.stringify([
    suite.name,
    testCase.classname ?? '',
    testCase.name,
    occurrence,
    env ?? '',
  ]);
  return `testrelay-${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
}

/** `run_time` in the configured unit: whole milliseconds, or seconds (ms precision). */
export function runTimeOf(seconds: number | undefined, unit: 'ms' | 's'): number | undefined {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return undefined;
  return unit === 'ms' ? Math.round(seconds * 1000) : Math.round(seconds * 1000) / 1000;
}

function vendorText(text: string | undefined, max: number): string | undefined {
  if (text === undefined) return undefined;
  const clean = cleanText(text).trim();
  return clean === '' ? undefined : truncate(clean, max);
}

/** One case as Testomat.io's TestData (status mapping: §4). */
export function toTestData(entry: CaseEntry, settings: TestomatioSettings): TestData {
  const { testCase, suite, testId } = entry;
  const message = vendorText(testCase.message, MAX_MESSAGE_CHARS);
  const data: TestData = {
    rid: ridOf(entry, settings.env),
    overwrite: true,
    title: titleOf(testCase.name),
    status: testCase.status === 'error' ? 'failed' : testCase.status,
  };
  if (testId) data.test_id = testId;
  const suiteTitle = testCase.classname || suite.name;
  if (suiteTitle) data.suite_title = suiteTitle;
  if (testCase.status === 'error') {
    // Testomat.io knows no "error": it becomes a failure that still says what it was.
    data.message = message ? `[error] ${message}` : '[error]';
    data.meta = { status: 'error' };
  } else if (message) {
    data.message = message;
  }
  const stack = vendorText(testCase.details, MAX_STACK_CHARS);
  if (stack) data.stack = stack;
  const runTime = runTimeOf(testCase.durationSeconds, settings.runTimeUnit);
  if (runTime !== undefined) data.run_time = runTime;
  if (testCase.file) data.file = testCase.file;
  if (settings.createTests) data.create = true;
  return data;
}

/**
 * The new run: the given title, else what ran and the CI run ("Testsigma · Nightly #42"),
 * the same in every job of a CI run, so parallel jobs of a shared run find one another.
 */
export function createRunBody(
  settings: Settings,
  options: TestomatioSettings,
  result: RunResult,
): CreateRunBody {
  const ci = ciRunName(settings.ci);
  const what = result.title || vendorTitle(result);
  const body: CreateRunBody = { title: options.title ?? (ci ? `${what} · ${ci}` : what) };
  if (options.env) body.env = options.env;
  if (options.tags.length > 0) body.tags = options.tags;
  if (options.group) body.group_title = options.group;
  if (settings.ci.runUrl) body.ci_build_url = settings.ci.runUrl;
  if (options.sharedRun) body.shared_run = true;
  return body;
}

/** Every case with its suite, id and occurrence index, in result order. */
export function caseEntries(
  result: Pick<RunResult, 'suites'>,
  findId: (testCase: TestCase) => string | undefined,
): CaseEntry[] {
  const seen = new Map<string, number>();
  const entries: CaseEntry[] = [];
  for (const suite of result.suites) {
    for (const testCase of suite.cases) {
      const key = JSON.stringify([suite.name, testCase.classname ?? '', testCase.name]);
      const occurrence = seen.get(key) ?? 0;
      seen.set(key, occurrence + 1);
      entries.push({
        index: entries.length,
        testCase,
        suite,
        testId: findId(testCase),
        occurrence,
      });
    }
  }
  return entries;
}

/**
 * The explicit end state (§4): `pass` only for a run that completed and passed, since a
 * server-computed `finish` would call a stopped or partial run passed. A job of a shared run
 * closes only its part (`*_parallel`); the run stays open for the others.
 */
export function statusEventOf(
  result: Pick<RunResult, 'state' | 'verdict'>,
  sharedRun: boolean,
): StatusEvent {
  const passed = result.state === 'completed' && result.verdict === 'passed';
  const event = passed ? 'pass' : 'fail';
  return sharedRun ? `${event}_parallel` : event;
}

/** The finishing PUT: the event, the run's duration in seconds and its counts. */
export function finishBody(result: RunResult, event: StatusEvent): FinishBody {
  const totals = totalsOf(result);
  const body: FinishBody = {
    status_event: event,
    tests_count: totals.total,
    passed_count: totals.passed,
    failed_count: totals.failed,
    skipped_count: totals.skipped,
  };
  const seconds = runDurationSeconds(result);
  if (seconds !== undefined && Number.isFinite(seconds)) {
    body.duration = Math.round(seconds * 1000) / 1000;
  }
  return body;
}

/** The run answer's uid and url, when they are non-empty strings; anything else is ignored. */
export function readRunAnswer(raw: unknown): RunAnswer {
  return {
    uid: nonBlank(stringField(raw, ['uid'])),
    url: nonBlank(stringField(raw, ['url'])),
  };
}
