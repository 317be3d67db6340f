// What Testsigma's JUnit report does not say by itself: the cloud's per-test results tell
// aborted, not-executed and stopped tests apart (or stand in for a missing report), and an
// automatic re-run's child run decides the tests it ran again. Pure functions of the suites.

import type { TestSuite } from '../../core/result.js';
import { caseStatusOf } from './status.js';
import type { TestCaseResultEntry } from './wire.js';

/**
 * JUnit marks every non-success as <failure>; the cloud's per-test results tell aborted,
 * not-executed and stopped apart. Match by name, in order, within each name.
 */
export function refineStatuses(suites: TestSuite[], details: TestCaseResultEntry[]): TestSuite[] {
  const byName = new Map<string, TestCaseResultEntry[]>();
  for (const entry of details) {
    const list = byName.get(entry.testCaseName) ?? [];
    list.push(entry);
    byName.set(entry.testCaseName, list);
  }
  return suites.map((suite) => ({
    ...suite,
    cases: suite.cases.map((testCase) => {
      const entry = byName.get(testCase.name)?.shift();
      if (!entry) return testCase;
      const status = caseStatusOf(entry.result);
      if (status === testCase.status) return testCase;
      const reason =
        entry.result.toUpperCase() === 'STOPPED'
          ? 'Stopped before it ran'
          : `Testsigma result ${entry.result}`;
      return { ...testCase, status, message: testCase.message ?? reason };
    }),
  }));
}

export function suitesFromDetails(
  details: TestCaseResultEntry[],
  planName: string | undefined,
): TestSuite[] {
  const suites = new Map<string, TestSuite>();
  for (const entry of details) {
    const name = [planName, entry.machineTitle].filter(Boolean).join(' || ') || 'Testsigma';
    const suite = suites.get(name) ?? { name, cases: [] };
    suite.cases.push({
      name: entry.testCaseName,
      classname: entry.testSuiteName,
      status: caseStatusOf(entry.result),
      message:
        caseStatusOf(entry.result) === 'passed' ? undefined : `Testsigma result ${entry.result}`,
    });
    suites.set(name, suite);
  }
  return [...suites.values()];
}

/**
 * Testsigma's automatic re-run starts a child run of the tests that did not pass. A test
 * that passes there counts as passed and flaky; one that fails again keeps failing.
 */
export function applyRerun(
  first: TestSuite[],
  rerun: TestSuite[],
  childRunId: string,
): TestSuite[] {
  const retried = new Map<string, TestSuite['cases']>();
  for (const testCase of rerun.flatMap((suite) => suite.cases)) {
    const key = `${testCase.classname ?? ''}\u0000${testCase.name}`;
    retried.set(key, [...(retried.get(key) ?? []), testCase]);
  }
  return first.map((suite) => ({
    ...suite,
    cases: suite.cases.map((testCase) => {
      if (testCase.status === 'passed') return testCase;
      const again = retried.get(`${testCase.classname ?? ''}\u0000${testCase.name}`)?.shift();
      if (!again) return testCase;
      if (again.status === 'passed') {
        return {
          ...testCase,
          status: 'passed',
          flaky: true,
          message: undefined,
          details: undefined,
          properties: { ...testCase.properties, 'testsigma.rerunId': childRunId },
        };
      }
      return { ...again, classname: testCase.classname };
    }),
  }));
}
