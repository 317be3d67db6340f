// Which Spira test case each test records into, decided before any request so that a run
// with nothing to map never sends anything.
//
// Per test, the first that applies (README copies this order):
//   1. a JUnit property `spira.testCaseId`, `spiraTestCaseId`, `spira` or `TestCaseId`
//      (name case-insensitive; value `123` or `TC:123`);
//   2. a `TC:123` token in the test name, then in its classname;
//   3. a spiraMapping line for `classname.name`, then one for the bare name;
//   4. the spiraMapping `default` line.
// A test's own id (1, 2) wins over the mapping file because it travels with the test and
// cannot go stale when tests are renamed. Only mapping lines (3, 4) can say `manual`, so a
// test with its own id is recorded as an automated run even when its line says `manual` (the
// sink logs that once, see `manualOverridden`).
// Tests that none of these map are listed as unmatched, never guessed.

import type { CaseStatus, RunResult, TestCase, TestSuite } from '../../core/result.js';
import type { SpiraMapping, SpiraMappingEntry } from './settings.js';

export type MappingSource = 'property' | 'name' | 'mapping' | 'default';

export interface MappedCase {
  testCase: TestCase;
  suite: TestSuite;
  /** Position of the case in the result (all suites in order), for stable ordering. */
  index: number;
  testCaseId: number;
  /** Record through the KB684 manual-run flow (a mapping line said `manual`). */
  manual: boolean;
  source: MappingSource;
}

export interface CaseMapping {
  mapped: MappedCase[];
  /** Cases no rule maps, in result order. */
  unmatched: TestCase[];
  /** Cases whose id property held something that is not an id (they fell through to 2-4). */
  badProperties: TestCase[];
  /**
   * Cases whose own id (1, 2) won over a mapping line of theirs that says `manual`: they are
   * recorded as automated runs, which the user may not expect, so the sink says so.
   */
  manualOverridden: MappedCase[];
}

const ID_PROPERTIES = new Set(['spira.testcaseid', 'spiratestcaseid', 'spira', 'testcaseid']);
const ID_VALUE = /^\s*(?:TC:?\s*)?([1-9]\d{0,8})\s*$/i;
// "TC:123" as a token of its own: not the tail of a longer word ("ATC:1") or number ("TC:1234x").
const ID_TOKEN = /(?<![A-Za-z0-9])TC:([1-9]\d{0,8})(?![0-9A-Za-z])/;

/** `classname.name`, or the name alone: the mapping key and the RunnerTestName. */
export function qualifiedName(testCase: Pick<TestCase, 'name' | 'classname'>): string {
  return testCase.classname ? `${testCase.classname}.${testCase.name}` : testCase.name;
}

export function mapCases(result: Pick<RunResult, 'suites'>, mapping: SpiraMapping): CaseMapping {
  const out: CaseMapping = { mapped: [], unmatched: [], badProperties: [], manualOverridden: [] };
  let index = 0;
  for (const suite of result.suites) {
    for (const testCase of suite.cases) {
      const found = mapOne(testCase, mapping, out);
      if (found) {
        const mapped: MappedCase = { testCase, suite, index, ...found };
        out.mapped.push(mapped);
        const ownId = found.source === 'property' || found.source === 'name';
        if (ownId && lineOf(testCase, mapping)?.manual) out.manualOverridden.push(mapped);
      } else {
        out.unmatched.push(testCase);
      }
      index += 1;
    }
  }
  return out;
}

/** The spiraMapping line for the test (3): `classname.name`, then the bare name. */
function lineOf(testCase: TestCase, mapping: SpiraMapping): SpiraMappingEntry | undefined {
  return mapping.entries.get(qualifiedName(testCase)) ?? mapping.entries.get(testCase.name);
}

function mapOne(
  testCase: TestCase,
  mapping: SpiraMapping,
  out: CaseMapping,
): Pick<MappedCase, 'testCaseId' | 'manual' | 'source'> | undefined {
  const property = propertyId(testCase, out);
  if (property !== undefined) return { testCaseId: property, manual: false, source: 'property' };
  const token = ID_TOKEN.exec(testCase.name) ?? ID_TOKEN.exec(testCase.classname ?? '');
  if (token) return { testCaseId: Number(token[1]), manual: false, source: 'name' };
  const entry = lineOf(testCase, mapping);
  if (entry) return { ...entry, source: 'mapping' };
  if (mapping.fallback) return { ...mapping.fallback, source: 'default' };
  return undefined;
}

function propertyId(testCase: TestCase, out: CaseMapping): number | undefined {
  const properties = testCase.properties ?? {};
  let bad = false;
  for (const [name, value] of Object.entries(properties)) {
    if (!ID_PROPERTIES.has(name.trim().toLowerCase())) continue;
    const match = ID_VALUE.exec(value);
    if (match) return Number(match[1]);
    bad = true;
  }
  if (bad) out.badProperties.push(testCase);
  return undefined;
}

/** The status in words, for RunnerMessage and ActualResult when the test has no message. */
export function statusInWords(testCase: Pick<TestCase, 'status' | 'flaky'>): string {
  const words: Record<CaseStatus, string> = {
    passed: 'Passed',
    failed: 'Failed',
    error: 'Error',
    skipped: 'Skipped',
  };
  const text = words[testCase.status];
  return testCase.status === 'passed' && testCase.flaky
    ? `${text} (flaky: passed after failed attempts)`
    : text;
}
