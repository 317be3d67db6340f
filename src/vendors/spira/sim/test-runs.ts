// The Spira simulator's automated test runs (vendor-apis/spira.md §3, §5): record one,
// record-multiple (all or nothing), list and read runs back. The test run steps and the
// reference checks here serve the manual-run flow (manual.ts) too.

import { isResponse, jsonResponse, type SimResponse } from '../../../simulator/kit.js';
import {
  ARTIFACT_TEST_RUN,
  durationOf,
  TEST_RUN_TYPE,
  TESTER_ID,
  type NewRun,
  type RunStep,
  type StoredRun,
} from './model.js';
import type { Call, Handler } from './routes.js';
import {
  dateField,
  fault,
  intField,
  intFields,
  jsonBody,
  notFound,
  SPIRA_MESSAGES,
  stringField,
  validStatus,
  withId,
} from './wire.js';

/** StoredRun fields that are simulator bookkeeping, not Spira fields (kept data only). */
const BOOKKEEPING: ReadonlyArray<keyof StoredRun> = [
  'via',
  'apiVersion',
  'receivedAt',
  'durationMs',
  'sentRunStatus',
  'duplicateOf',
  'updates',
];

/** Fields a RemoteAutomatedTestRun must carry. */
const RUNNER_FIELDS = [
  'TestRunFormatId',
  'RunnerName',
  'RunnerTestName',
  'RunnerMessage',
  'RunnerStackTrace',
];

/** Integer fields of a RemoteAutomatedTestRun. */
const AUTOMATED_INTS = [
  'TestRunFormatId',
  'TestCaseId',
  'ExecutionStatusId',
  'ReleaseId',
  'TestSetId',
  'BuildId',
  'RunnerAssertCount',
  'AutomationHostId',
  'AutomationEngineId',
  'TesterId',
];

/** The run as the API returns it (simulator bookkeeping left out). */
export function runBody(run: StoredRun): Record<string, unknown> {
  const body: Record<string, unknown> = { ...run };
  for (const key of BOOKKEEPING) delete body[key];
  // Spira's ActualDuration is in whole minutes.
  body.ActualDuration = run.durationMs === null ? null : Math.round(run.durationMs / 60000);
  return body;
}

/** The 404 for a test case, release, test set or build a run names that does not exist. */
export function unknownReference(
  call: Call,
  ints: Record<string, number | null>,
): SimResponse | undefined {
  const { catalog } = call;
  if (ints.TestCaseId === null || !catalog.hasTestCase(ints.TestCaseId)) {
    return notFound('test case TC', ints.TestCaseId ?? 0);
  }
  if (ints.ReleaseId !== null && !catalog.hasRelease(ints.ReleaseId)) {
    return notFound('release RL', ints.ReleaseId);
  }
  if (ints.TestSetId !== null && !catalog.hasTestSet(ints.TestSetId)) {
    return notFound('test set TX', ints.TestSetId);
  }
  if (ints.BuildId !== null && !call.store.build(call.projectId, ints.BuildId)) {
    return notFound('build BL', ints.BuildId);
  }
  return undefined;
}

/** One test run step from a request (statuses 1-6, else the foreign key error). */
function runStep(
  item: unknown,
  index: number,
  testCaseId: number,
  path: string,
): RunStep | SimResponse {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    return fault(400, `Cannot deserialize ${path}[${index}]: expected a JSON object`);
  }
  const step = item as Record<string, unknown>;
  const status = intField(step, 'ExecutionStatusId', `${path}[${index}].ExecutionStatusId`);
  if (isResponse(status)) return status;
  if (!validStatus(status)) return fault(400, SPIRA_MESSAGES.foreignKey);
  const stepId = intField(step, 'TestStepId', `${path}[${index}].TestStepId`);
  if (isResponse(stepId)) return stepId;
  const position = intField(step, 'Position', `${path}[${index}].Position`);
  if (isResponse(position)) return position;
  const start = dateField(step.StartDate, `${path}[${index}].StartDate`);
  if (isResponse(start)) return start;
  const end = dateField(step.EndDate, `${path}[${index}].EndDate`);
  if (isResponse(end)) return end;
  const duration = intField(step, 'ActualDuration', `${path}[${index}].ActualDuration`);
  if (isResponse(duration)) return duration;
  return {
    TestRunStepId: 0,
    TestRunId: 0,
    TestStepId: stepId,
    TestCaseId: testCaseId,
    ExecutionStatusId: status!,
    Position: position ?? index + 1,
    Description: stringField(step, 'Description'),
    ExpectedResult: stringField(step, 'ExpectedResult'),
    SampleData: stringField(step, 'SampleData'),
    ActualResult: stringField(step, 'ActualResult'),
    ActualDuration: duration,
    StartDate: start,
    EndDate: end,
  };
}

/** Test run steps from a request. */
export function runSteps(
  value: unknown,
  testCaseId: number,
  path: string,
): RunStep[] | SimResponse {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return fault(400, `Cannot deserialize ${path}: expected a JSON array`);
  const steps: RunStep[] = [];
  for (const [index, item] of value.entries()) {
    const step = runStep(item, index, testCaseId, path);
    if (isResponse(step)) return step;
    steps.push(step);
  }
  return steps;
}

/** Stores a run with a fresh ConcurrencyDate. */
export function storeRun(call: Call, run: NewRun): StoredRun {
  return call.store.addRun({ ...run, ConcurrencyDate: call.store.clock.next(call.now()) });
}

/** The run to store from a checked RemoteAutomatedTestRun. */
function automatedFields(
  call: Call,
  body: Record<string, unknown>,
  ints: Record<string, number | null>,
  checked: { start: string | null; end: string | null; steps: RunStep[]; via: NewRun['via'] },
): NewRun {
  const { start, end, steps, via } = checked;
  const testCaseId = ints.TestCaseId!;
  const now = call.now();
  return {
    Name: call.catalog.testCaseName(testCaseId),
    ProjectId: call.projectId,
    TestCaseId: testCaseId,
    TestRunTypeId: TEST_RUN_TYPE.automated,
    // Steps update step status but do not change the run's overall status (§3).
    ExecutionStatusId: ints.ExecutionStatusId!,
    ReleaseId: ints.ReleaseId,
    TestSetId: ints.TestSetId,
    BuildId: ints.BuildId,
    TesterId: ints.TesterId ?? TESTER_ID,
    StartDate: start ?? new Date(now).toISOString(),
    EndDate: end,
    TestRunFormatId: ints.TestRunFormatId,
    RunnerName: stringField(body, 'RunnerName'),
    RunnerTestName: stringField(body, 'RunnerTestName'),
    RunnerMessage: stringField(body, 'RunnerMessage'),
    RunnerStackTrace: stringField(body, 'RunnerStackTrace'),
    RunnerAssertCount: ints.RunnerAssertCount,
    AutomationHostId: ints.AutomationHostId,
    AutomationEngineId: ints.AutomationEngineId,
    // §5: record-multiple is suspected not to apply custom properties; the simulator drops them.
    CustomProperties: via === 'record' ? (body.CustomProperties ?? null) : null,
    TestRunSteps: steps,
    ConcurrencyDate: '',
    ArtifactTypeId: ARTIFACT_TEST_RUN,
    via,
    apiVersion: call.version,
    receivedAt: new Date(now).toISOString(),
    durationMs: durationOf(start, end),
    sentRunStatus: ints.ExecutionStatusId,
  };
}

/** Checks one RemoteAutomatedTestRun and turns it into a run to store. */
function automatedRun(
  call: Call,
  value: unknown,
  via: 'record' | 'record-multiple',
  path: string,
): NewRun | SimResponse {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return fault(400, SPIRA_MESSAGES.arrayToRecord);
  }
  const body = value as Record<string, unknown>;
  for (const name of RUNNER_FIELDS) {
    if (body[name] === undefined || body[name] === null) {
      return fault(400, `Value cannot be null. Parameter name: ${name} (${path})`);
    }
  }
  const ints = intFields(body, AUTOMATED_INTS, path);
  if (isResponse(ints)) return ints;
  const unknown = unknownReference(call, ints);
  if (unknown) return unknown;
  if (!validStatus(ints.ExecutionStatusId)) return fault(400, SPIRA_MESSAGES.foreignKey);
  const start = dateField(body.StartDate, `${path}StartDate`);
  if (isResponse(start)) return start;
  const end = dateField(body.EndDate, `${path}EndDate`);
  if (isResponse(end)) return end;
  const steps = runSteps(body.TestRunSteps, ints.TestCaseId!, `${path}TestRunSteps`);
  if (isResponse(steps)) return steps;
  return automatedFields(call, body, ints, { start, end, steps, via });
}

function record(call: Call): SimResponse {
  const body = jsonBody(call.request);
  if (isResponse(body)) return body;
  const run = automatedRun(call, body, 'record', '');
  if (isResponse(run)) return run;
  return jsonResponse(200, runBody(storeRun(call, run)));
}

function recordMultiple(call: Call): SimResponse {
  const body = jsonBody(call.request);
  if (isResponse(body)) return body;
  if (!Array.isArray(body)) return fault(400, SPIRA_MESSAGES.objectToArray);
  const runs = [];
  // All or nothing: every item is checked before any is stored.
  for (const [index, item] of body.entries()) {
    const run = automatedRun(call, item, 'record-multiple', `[${index}].`);
    if (isResponse(run)) return run;
    runs.push(run);
  }
  return jsonResponse(
    200,
    runs.map((run) => runBody(storeRun(call, run))),
  );
}

function listRuns({ request, store, projectId }: Call): SimResponse {
  const startText = request.query.get('starting_row') ?? request.query.get('start_row');
  const rowsText = request.query.get('number_of_rows');
  if (startText === null || rowsText === null) return fault(406, SPIRA_MESSAGES.paging);
  const start = Number(startText);
  const rows = Number(rowsText);
  if (!Number.isInteger(start) || start < 1 || !Number.isInteger(rows) || rows < 1) {
    return fault(400, 'starting_row must be ≥ 1 and number_of_rows ≥ 1');
  }
  const field = request.query.get('sort_field') || 'TestRunId';
  const descending = /^desc/i.test(request.query.get('sort_direction') ?? '');
  const runs = store.runs.filter((run) => run.ProjectId === projectId).map((run) => runBody(run));
  runs.sort((a, b) => {
    const x = a[field] as number | string | null;
    const y = b[field] as number | string | null;
    const order = x === y ? 0 : x === null ? -1 : y === null ? 1 : x < y ? -1 : 1;
    return descending ? -order : order;
  });
  return jsonResponse(200, runs.slice(start - 1, start - 1 + Math.min(rows, 500)));
}

/** `GET …/test-runs/{id}[/automated|/manual]`: a run of that type, or the 404. */
function readRun({ route, params, store, projectId }: Call): SimResponse {
  return withId(params[0], 'test run', (id) => {
    const run = store.run(projectId, id);
    const wantedType =
      route === 'automatedRun'
        ? TEST_RUN_TYPE.automated
        : route === 'manualRun'
          ? TEST_RUN_TYPE.manual
          : undefined;
    if (!run || (wantedType !== undefined && run.TestRunTypeId !== wantedType)) {
      return notFound('test run TR', id);
    }
    return jsonResponse(200, runBody(run));
  });
}

export const TEST_RUN_HANDLERS: Readonly<Record<string, Handler>> = {
  record,
  recordMultiple,
  listRuns,
  run: readRun,
  automatedRun: readRun,
  manualRun: readRun,
};
