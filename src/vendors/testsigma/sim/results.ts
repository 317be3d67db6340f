// The Testsigma simulator's per-test views (vendor-apis/testsigma.md §3.4): each test as it
// stands in a run, the exact test_case_results object, and the paged results list that carries
// the messages.

import { STATUS, type PlannedTest, type Run, type RunView } from './model.js';
import { spell } from './format.js';

/** One test as it stands in a run: the planned test with its result, duration and message so far. */
export type TestResultRow = PlannedTest;

/** Each test as it stands in `view` (pending tests are QUEUED, tests cut by a stop STOPPED). */
export function testRows(run: Run, view: RunView): TestResultRow[] {
  return run.tests.map((test, index) => {
    const result = view.testResults[index];
    const ran = index < view.done && run.failedToStart === null;
    let message = test.message;
    if (!ran)
      message = run.failedToStart ?? (result === 'STOPPED' ? view.message : 'Test case is queued');
    return { ...test, result, durationMs: ran ? test.durationMs : null, message };
  });
}

/** Stable ids: test cases, suites and machines keep theirs; result ids are per run. */
const ids = {
  testCase: (row: TestResultRow) => 4001 + row.index,
  testCaseResult: (run: Run, row: TestResultRow) => run.id * 1000 + row.index + 1,
  suite: (row: TestResultRow) => 301 + row.suiteIndex,
  suiteResult: (run: Run, row: TestResultRow) => run.id * 100 + row.suiteIndex + 1,
  machine: (row: TestResultRow) => 51 + row.machineIndex,
  machineResult: (run: Run, row: TestResultRow) => run.id * 100 + row.machineIndex + 1,
};

/** `GET /execution_results/{id}/test_case_results` (§3.4): the exact per-test results. */
export function testCaseResultsObject(run: Run, view: RunView): Record<string, unknown> {
  const variant = run.variant;
  const iterations = run.scenario.iterations;
  return {
    executionId: run.planIdValue,
    executionResultId: run.id,
    result: spell(view.result, variant),
    status: view.status,
    testCases: testRows(run, view).map((row) => ({
      testCaseId: ids.testCase(row),
      testCaseName: row.name,
      testCaseResultId: ids.testCaseResult(run, row),
      result: spell(row.result, variant),
      isDataDrivenCase: iterations > 0,
      // Data-driven: every iteration passes except the last, which carries the test's result.
      iterationResults: Array.from({ length: iterations }, (_, iteration) => ({
        iterationResultId: ids.testCaseResult(run, row) * 100 + iteration + 1,
        setName: `Data set ${iteration + 1}`,
        result: spell(
          iteration === iterations - 1 || row.result === 'QUEUED' ? row.result : 'SUCCESS',
          variant,
        ),
      })),
      testSuiteId: ids.suite(row),
      testSuiteName: row.suiteName,
      testSuiteResultId: ids.suiteResult(run, row),
      machineId: ids.machine(row),
      machineTitle: row.machineName,
      machineResultId: ids.machineResult(run, row),
    })),
  };
}

/**
 * `GET /test_case_results?executionResultId=…&page=&size=` — the messages source (§3.4). The
 * shape is a Spring Data page, as the server's list endpoints return (unconfirmed for the
 * cloud). With `control-chars` the messages keep raw control characters, which makes the body
 * invalid strict JSON — exactly what clients have to survive.
 */
export function testCaseResultPage(
  run: Run | undefined,
  view: RunView | undefined,
  page: number,
  size: number,
): string {
  const rows = run && view ? testRows(run, view) : [];
  const slice = rows.slice(page * size, page * size + size);
  const content = slice.map((row) => ({
    id: ids.testCaseResult(run!, row),
    testCaseId: ids.testCase(row),
    testCaseName: row.name,
    testPlanResultId: run!.id,
    environmentResultId: ids.machineResult(run!, row),
    suiteId: ids.suite(row),
    suiteResultId: ids.suiteResult(run!, row),
    result: spell(row.result, run!.variant),
    status: row.result === 'QUEUED' ? STATUS.created : STATUS.completed,
    message: row.message,
    duration: row.durationMs,
  }));
  const totalPages = size > 0 ? Math.ceil(rows.length / size) : 0;
  const json = JSON.stringify({
    content,
    totalElements: rows.length,
    totalPages,
    number: page,
    size,
    numberOfElements: content.length,
    first: page === 0,
    last: page >= totalPages - 1,
    empty: content.length === 0,
  });
  return run?.variant.controlChars ? unescapeControlCharacters(json) : json;
}

/** Turns JSON `\u00XX` escapes of control characters back into the raw characters. */
function unescapeControlCharacters(json: string): string {
  return json.replace(
    /(?<!\\)((?:\\\\)*)\\u00([01][0-9a-f])/g,
    (_match, slashes: string, hex: string) => `${slashes}${String.fromCharCode(parseInt(hex, 16))}`,
  );
}
