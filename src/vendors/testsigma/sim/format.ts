// How the Testsigma simulator writes things down: run objects (cloud camelCase and self-hosted
// snake_case), error bodies, the JUnit report, per-test results and the run page.
// Shapes follow vendor-apis/testsigma.md §3 and the open-source server's DTOs.

import { deviceName, escapeMarkup } from '../../../simulator/kit.js';
import { STATUS, type Counts, type Flavour, type Run, type RunView, type Variant } from './run.js';

/** `docs-spelling`: the result names the docs' prose uses instead of the JSON examples' ones. */
export function spell(result: string, variant: Variant): string {
  if (!variant.docsSpelling) return result;
  if (result === 'SUCCESS') return 'PASSED';
  if (result === 'FAILURE') return 'FAILED';
  return result;
}

/** The server's APIErrorDTO: `{timeStamp, error, code, fieldErrors, objectErrors}`. */
export function apiErrorBody(message: string, code: string | null = null): Record<string, unknown> {
  return {
    timeStamp: new Date().toISOString(),
    error: message,
    code,
    fieldErrors: null,
    objectErrors: null,
  };
}

function countValue(value: number, view: RunView, variant: Variant): number | null {
  // `null-counts`: newer API answers carry null where nothing has been counted yet.
  return variant.nullCounts && !view.terminal && value === 0 ? null : value;
}

export interface RunSnapshot {
  run: Run;
  view: RunView;
  /** Counts to show instead of the view's (the stale counts of a stop answer). */
  counts?: Counts;
  /** The trigger answer: `execution` is null there (and no nested object carries an "id"). */
  forTrigger?: boolean;
  child?: RunSnapshot;
}

/** Cloud run object, in the field order of the documented example (§3.1). */
export function cloudRunObject(snapshot: RunSnapshot): Record<string, unknown> {
  const { run, view, child } = snapshot;
  const counts = snapshot.counts ?? view.counts;
  const variant = run.variant;
  const count = (value: number): number | null => countValue(value, view, variant);
  const object: Record<string, unknown> = {
    id: run.id,
    executionId: run.planIdValue,
    execution: snapshot.forTrigger ? null : { id: run.planIdValue, name: run.planName },
    startTime: run.createdAt,
    endTime: view.endTime,
    duration: view.duration,
    result: spell(view.result, variant),
    status: view.status,
    message: view.message,
    triggeredType: 'API',
    buildNo: run.buildNo,
    totalCount: count(counts.total),
    passedCount: count(counts.passed),
    failedCount: count(counts.failed),
    abortedCount: count(counts.aborted),
    stoppedCount: count(counts.stopped),
    notExecutedCount: count(counts.notExecuted),
    queuedCount: count(counts.queued),
    childResult: child ? cloudRunObject(child) : null,
    reRunParentId: run.parentId,
  };
  if (variant.rerun) {
    // The consolidated pair follows the re-run child once there is one, so it lags the
    // first attempt's own status/result.
    object.isReRunEnabled = true;
    if (child) {
      object.consolidatedStatus = child.view.status;
      object.consolidatedResult = spell(child.view.result, variant);
    } else {
      object.consolidatedStatus = view.status;
      object.consolidatedResult = spell(view.terminal ? view.result : 'QUEUED', variant);
    }
  }
  return object;
}

/** Self-hosted run object: APITestPlanResultDTO, snake_case, in its field order. */
export function selfHostedRunObject(snapshot: RunSnapshot, now: number): Record<string, unknown> {
  const { run, view, child } = snapshot;
  const counts = snapshot.counts ?? view.counts;
  const variant = run.variant;
  const count = (value: number): number | null => countValue(value, view, variant);
  const running = view.status === STATUS.inProgress || view.status === STATUS.unknown;
  return {
    id: run.id,
    dry_test_plan: null,
    test_plan_id: run.planIdValue,
    start_time: run.createdAt,
    end_time: view.endTime,
    duration: view.duration,
    result: spell(view.result, variant),
    status: view.status,
    message: view.message,
    build_no: run.buildNo,
    environment_id: run.environmentId,
    total_count: count(counts.total),
    failed_count: count(counts.failed),
    passed_count: count(counts.passed),
    aborted_count: count(counts.aborted),
    stopped_count: count(counts.stopped),
    not_executed_count: count(counts.notExecuted),
    queued_count: count(counts.queued),
    is_visually_passed: null,
    test_device_id: null,
    child_result: child ? selfHostedRunObject(child, now) : null,
    re_run_parent_id: run.parentId,
    re_run_type: null,
    triggered_type: 'API',
    total_running_count: running ? Math.min(run.scenario.machines, counts.queued) : 0,
    test_plan_details: null,
    total_queued_count: counts.queued,
    created_date: run.createdAt,
    updated_date: view.endTime ?? now,
  };
}

export function runObject(
  snapshot: RunSnapshot,
  flavour: Flavour,
  now: number,
): Record<string, unknown> {
  return flavour === 'cloud' ? cloudRunObject(snapshot) : selfHostedRunObject(snapshot, now);
}

// ---------------------------------------------------------------------------------------------
// Per-test views

export interface TestResultRow {
  index: number;
  name: string;
  suiteIndex: number;
  suiteName: string;
  machineIndex: number;
  machineName: string;
  result: string;
  durationMs: number | null;
  message: string;
}

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

// ---------------------------------------------------------------------------------------------
// JUnit (§3.3), as the server's JunitReportService + JAXB write it

// Raw control characters pass through escapeMarkup, as they do on the real server.

function escapeXmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** DurationFormatUtils "ss.SSS": total seconds, zero-padded, may exceed 59; null → 00.000. */
export function formatSecondsField(ms: number | null): string {
  const value = Math.max(0, Math.round(ms ?? 0));
  const seconds = Math.floor(value / 1000);
  return `${String(seconds).padStart(2, '0')}.${String(value % 1000).padStart(3, '0')}`;
}

/** java.sql.Timestamp#toString in server-local time: `yyyy-MM-dd HH:mm:ss.S` (fraction trimmed). */
export function formatJavaTimestamp(epochMs: number): string {
  const date = new Date(epochMs);
  const pad = (value: number): string => String(value).padStart(2, '0');
  const millis = date.getMilliseconds();
  const fraction = millis === 0 ? '0' : String(millis).padStart(3, '0').replace(/0+$/, '');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${fraction}`
  );
}

export function runPageUrl(origin: string, run: Run): string {
  return `${origin}/ui/td/runs/${run.id}`;
}

export function junitXml(run: Run, view: RunView, origin: string): string {
  const url = runPageUrl(origin, run);
  const rows = testRows(run, view);
  const lines = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', '<testsuites>'];
  for (let machine = 0; machine < run.scenario.machines; machine += 1) {
    const cases = rows.filter((row) => row.machineIndex === machine);
    // failures and errors carry the same number: every non-SUCCESS case (the vendor's way).
    const failing = cases.filter((row) => row.result !== 'SUCCESS').length;
    const time = cases.reduce((sum, row) => sum + (row.durationMs ?? 0), 0);
    // A machine without tests (more machines than tests) still gets its (empty) suite.
    const name = `${run.planName} || ${deviceName(machine)}`;
    lines.push(
      `    <testsuite name="${escapeMarkup(name)}" timestamp="${formatJavaTimestamp(run.createdAt)}" ` +
        `tests="${cases.length}" failures="${failing}" errors="${failing}" time="${formatSecondsField(time)}">`,
      '        <properties>',
      `            <property name="Testsigma reports URL" value="${escapeMarkup(url)}"/>`,
      '        </properties>',
    );
    for (const row of cases) {
      const attributes =
        `name="${escapeMarkup(row.name)}" classname="${escapeMarkup(row.suiteName)}" ` +
        `time="${formatSecondsField(row.durationMs)}"`;
      if (row.result === 'SUCCESS') {
        lines.push(`        <testcase ${attributes}/>`);
      } else {
        const failure = `Test failed with message:"${row.message}".please visit below URL for more details.\n ${url}`;
        lines.push(
          `        <testcase ${attributes}>`,
          `            <failure>${escapeXmlText(failure)}</failure>`,
          '        </testcase>',
        );
      }
    }
    lines.push(
      `        <system-out>${escapeXmlText(`For More info on results, visit ${url}`)}</system-out>`,
      '    </testsuite>',
    );
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// The run page (`/ui/td/runs/{id}`), where printed run URLs lead

export function runPageHtml(run: Run | undefined, view: RunView | undefined, id: string): string {
  const head = (title: string, refresh: boolean): string =>
    `<!doctype html><html><head><meta charset="utf-8"><title>${escapeMarkup(title)}</title>` +
    (refresh ? '<meta http-equiv="refresh" content="2">' : '') +
    '<style>body{font:15px system-ui,sans-serif;margin:2rem;color:#222}' +
    'td,th{padding:.2rem .8rem;text-align:left}th{color:#666;font-weight:normal}' +
    '.SUCCESS,.PASSED{color:#1a7f37}.FAILURE,.FAILED,.ABORTED,.NOT_EXECUTED{color:#cf222e}' +
    '.STOPPED,.QUEUED{color:#9a6700}</style></head><body>';
  if (!run || !view) {
    return `${head('Run not found', false)}<h1>Run ${escapeMarkup(id)} not found</h1></body></html>`;
  }
  const result = spell(view.result, run.variant);
  const rows = testRows(run, view)
    .map(
      (row) =>
        `<tr><td>${escapeMarkup(row.name)}</td><td>${escapeMarkup(row.machineName)}</td>` +
        `<td class="${escapeMarkup(row.result)}">${escapeMarkup(row.result)}</td></tr>`,
    )
    .join('');
  return (
    `${head(`Run ${run.id} · ${run.planName}`, !view.terminal)}` +
    `<p>Testsigma simulator</p><h1>${escapeMarkup(run.planName)} · run ${run.id}</h1>` +
    `<table><tr><th>Status</th><td>${escapeMarkup(view.status)}</td></tr>` +
    `<tr><th>Result</th><td class="${escapeMarkup(result)}">${escapeMarkup(result)}</td></tr>` +
    `<tr><th>Message</th><td>${escapeMarkup(view.message)}</td></tr>` +
    `<tr><th>Passed / failed / total</th><td>${view.counts.passed} / ${view.counts.failed} / ${view.counts.total}</td></tr>` +
    `<tr><th>Build</th><td>${escapeMarkup(run.buildNo ?? '—')}</td></tr></table>` +
    `<h2>Tests</h2><table><tr><th>Test</th><th>Machine</th><th>Result</th></tr>${rows}</table>` +
    '</body></html>'
  );
}
