// Per-test results from Test Center's Test Results API (`/api/v1`, vendor-apis/squish-test-center.md
// §5). The vendor documents the model (Batch → Report → Tests → Events, `project0`/`batch0`,
// result codes) but not the individual paths in any page we could check, so every path and
// query name lives in RESULTS_API below and nowhere else: change them here once confirmed
// against a released server. Answers are read leniently (a bare list or `{<name>: [...]}`).

import type { CaseStatus, TestCase, TestSuite } from '../../core/result.js';
import { type JsonObject, num, text } from '../../core/wire.js';

export const RESULTS_API = {
  tests: '/api/v1/tests',
  reports: '/api/v1/reports',
  events: '/api/v1/events',
  project: 'project0',
  batch: 'batch0',
  eventType: 'type',
} as const;

/** Event types that explain a test that did not pass. */
export const PROBLEM_EVENTS = ['FAIL', 'ERROR', 'FATAL', 'XPASS', 'WARNING'];
const ERROR_EVENTS = new Set(['ERROR', 'FATAL']);

export type SquishResult = 'FAIL' | 'XPASS' | 'XFAIL' | 'PASS' | 'SKIPPED' | 'NONE';

const RESULT_CODES: Readonly<Record<number, SquishResult>> = {
  0: 'FAIL',
  1: 'XPASS',
  3: 'XFAIL',
  7: 'PASS',
  15: 'SKIPPED',
  31: 'NONE',
};
const RESULT_NAMES = new Set<string>(Object.values(RESULT_CODES));

/** The result of a test item: by name when given, else by code; undefined when unknown. */
export function resultOf(name: unknown, code: unknown): SquishResult | undefined {
  const upper = text(name)?.trim().toUpperCase();
  if (upper && RESULT_NAMES.has(upper)) return upper as SquishResult;
  const n = num(code);
  if (n !== undefined && n in RESULT_CODES) return RESULT_CODES[n];
  // Some answers may carry the name in the `result` field itself.
  const fromCode = text(code)?.trim().toUpperCase();
  return fromCode && RESULT_NAMES.has(fromCode) ? (fromCode as SquishResult) : undefined;
}

/**
 * §5 table: FAIL → failed (error when the test logged ERROR/FATAL: the script broke, not an
 * assertion), XPASS → failed (an unexpected pass is a failure), XFAIL → passed (an expected
 * failure), PASS → passed, SKIPPED → skipped, NONE → skipped with reason "no result" (a
 * TestRelay choice). An unknown result is an error rather than a guess.
 */
export function caseStatusOf(
  result: SquishResult | undefined,
  hasErrorEvents: boolean,
): { status: CaseStatus; reason?: string } {
  switch (result) {
    case 'FAIL':
      return hasErrorEvents ? { status: 'error', reason: 'Script error' } : { status: 'failed' };
    case 'XPASS':
      return { status: 'failed', reason: 'Unexpected pass (XPASS)' };
    case 'XFAIL':
    case 'PASS':
      return { status: 'passed' };
    case 'SKIPPED':
      return { status: 'skipped', reason: 'Skipped' };
    case 'NONE':
      return { status: 'skipped', reason: 'No result' };
    default:
      return { status: 'error', reason: 'Test Center reported a result TestRelay does not know' };
  }
}

export interface ResultItem {
  id: string;
  typename: string;
  name: string;
  parent?: string;
  report?: string;
  result?: SquishResult;
  rawResult?: string;
  /** Milliseconds (Test Center gives times in ms). */
  durationMs?: number;
}

export interface ResultEvent {
  test: string;
  type: string;
  message: string;
  detail: string;
  location: string;
}

export interface ResultReport {
  id: string;
  labels: Array<{ key: string; value: string }>;
}

/** The items of a list answer: a bare array, or the array under `key`. */
export function listOf(raw: unknown, key: string): JsonObject[] {
  const list = Array.isArray(raw) ? raw : (raw as JsonObject | null)?.[key];
  if (!Array.isArray(list)) {
    throw new Error(`the Results API answered without a "${key}" list`);
  }
  return list.filter((item): item is JsonObject => !!item && typeof item === 'object');
}

export function normalizeItems(raw: unknown): ResultItem[] {
  return listOf(raw, 'tests')
    .map((item) => ({
      id: text(item.id) ?? '',
      typename: (text(item.typename) ?? text(item.type) ?? '').toLowerCase(),
      name: text(item.name) ?? '',
      parent: text(item.parent) || undefined,
      report: text(item.report) || undefined,
      result: resultOf(item.result_name, item.result),
      rawResult: text(item.result_name) ?? text(item.result),
      durationMs: num(item.duration),
    }))
    .filter((item) => item.id !== '');
}

export function normalizeEvents(raw: unknown): ResultEvent[] {
  return listOf(raw, 'events')
    .map((item) => ({
      test: text(item.test) ?? '',
      type: (text(item.type) ?? '').toUpperCase(),
      message: text(item.message) ?? '',
      detail: text(item.detail) ?? '',
      location: text(item.location) ?? '',
    }))
    .filter((event) => event.test !== '');
}

export function normalizeReports(raw: unknown): ResultReport[] {
  return listOf(raw, 'reports')
    .map((item) => ({
      id: text(item.id) ?? '',
      labels: (Array.isArray(item.labels) ? (item.labels as unknown[]) : [])
        .filter((label): label is JsonObject => !!label && typeof label === 'object')
        .map((label) => ({ key: text(label.key) ?? '', value: text(label.value) ?? '' }))
        .filter((label) => label.key !== '' && !label.key.startsWith('.')),
    }))
    .filter((report) => report.id !== '');
}

/**
 * Test cases of a batch as suites: one suite per test suite and report (a report is one
 * configuration, e.g. OS=Linux, so the same test may appear once per report). Test cases are
 * the `testcase` items; deeper items (BDD scenarios, steps) only contribute their events.
 */
export function suitesFromResults(
  items: ResultItem[],
  events: ResultEvent[],
  reports: ResultReport[],
): TestSuite[] {
  const byId = new Map(items.map((item) => [item.id, item]));
  let cases = items.filter((item) => item.typename === 'testcase');
  if (cases.length === 0) {
    // No testcase level (e.g. a JUnit upload with another hierarchy): take the leaves.
    const parents = new Set(items.map((item) => item.parent).filter(Boolean));
    cases = items.filter((item) => !parents.has(item.id));
  }
  const caseIds = new Set(cases.map((item) => item.id));
  const eventsByCase = new Map<string, ResultEvent[]>();
  for (const event of events) {
    const owner = ownerCase(event.test, byId, caseIds);
    if (owner) eventsByCase.set(owner, [...(eventsByCase.get(owner) ?? []), event]);
  }
  const labelsOf = new Map(reports.map((report) => [report.id, report.labels]));

  const suites = new Map<string, TestSuite>();
  for (const item of cases) {
    const suiteItem = enclosingSuite(item, byId);
    const labels = (item.report && labelsOf.get(item.report)) || [];
    const labelText = labels.map((label) => `${label.key}=${label.value}`).join(', ');
    const suiteName = `${suiteItem?.name || 'Test Center'}${labelText ? ` [${labelText}]` : ''}`;
    const key = `${item.report ?? ''}\u0000${suiteItem?.id ?? ''}\u0000${suiteName}`;
    const suite = suites.get(key) ?? { name: suiteName, cases: [] };
    suite.cases.push(testCaseOf(item, suiteName, eventsByCase.get(item.id) ?? []));
    suites.set(key, suite);
  }
  return [...suites.values()];
}

function testCaseOf(item: ResultItem, suiteName: string, events: ResultEvent[]): TestCase {
  const hasErrorEvents = events.some((event) => ERROR_EVENTS.has(event.type));
  const { status, reason } = caseStatusOf(item.result, hasErrorEvents);
  const testCase: TestCase = {
    name: item.name || `test ${item.id}`,
    classname: suiteName,
    status,
    durationSeconds: item.durationMs !== undefined ? item.durationMs / 1000 : undefined,
    properties: { 'squish.result': item.result ?? item.rawResult ?? 'unknown' },
  };
  if (status === 'passed') return testCase;
  // The event that says most: errors first for an errored test, failures for a failed one.
  const preferred =
    status === 'error'
      ? ['ERROR', 'FATAL', 'FAIL']
      : status === 'failed'
        ? ['FAIL', 'XPASS', 'ERROR', 'FATAL']
        : ['WARNING'];
  const event = preferred
    .map((type) => events.find((candidate) => candidate.type === type))
    .find((candidate) => candidate !== undefined);
  testCase.message = event?.message || reason;
  const details = [
    event?.detail,
    event?.location ? `at ${event.location}` : undefined,
    ...events
      .filter((other) => other !== event && other.type !== 'WARNING')
      .map((other) => `${other.type}: ${other.message}${other.detail ? ` — ${other.detail}` : ''}`),
  ].filter((line): line is string => !!line);
  if (details.length > 0) testCase.details = details.join('\n');
  // A skip says why it has no result before what the test logged.
  if (event && reason && status === 'skipped') testCase.message = `${reason}: ${event.message}`;
  return testCase;
}

/** The test case an item belongs to (itself, or its nearest testcase ancestor). */
function ownerCase(
  id: string,
  byId: Map<string, ResultItem>,
  caseIds: Set<string>,
): string | undefined {
  let current: string | undefined = id;
  for (let depth = 0; current && depth < 64; depth++) {
    if (caseIds.has(current)) return current;
    current = byId.get(current)?.parent;
  }
  return undefined;
}

function enclosingSuite(item: ResultItem, byId: Map<string, ResultItem>): ResultItem | undefined {
  let current = item.parent ? byId.get(item.parent) : undefined;
  for (let depth = 0; current && depth < 64; depth++) {
    if (current.typename === 'testsuite') return current;
    current = current.parent ? byId.get(current.parent) : undefined;
  }
  return undefined;
}
