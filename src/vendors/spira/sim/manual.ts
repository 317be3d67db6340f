// The Spira simulator's manual-run flow (vendor-apis/spira.md §5, KB684): step 1 creates test
// run shells (TestRunId 0, every step Not Run) for test cases or a test set, step 3 PUTs them
// back populated (or updates existing runs). A new run must carry the ConcurrencyDate its
// shell was handed; an update the run's current one.

import { isResponse, jsonResponse, type SimResponse } from '../../../simulator/kit.js';
import {
  ARTIFACT_TEST_RUN,
  durationOf,
  onlyNotRunMix,
  rollUp,
  STATUS,
  TEST_RUN_TYPE,
  TESTER_ID,
  type NewRun,
  type RunStep,
  type StoredRun,
} from './model.js';
import type { Call, Handler } from './routes.js';
import { runSteps, storeRun, unknownReference } from './test-runs.js';
import {
  dateField,
  fault,
  intField,
  intFields,
  jsonBody,
  notFound,
  pathId,
  SPIRA_MESSAGES,
  stringField,
  validStatus,
  withId,
} from './wire.js';

/** Integer fields of a RemoteManualTestRun. */
const MANUAL_INTS = [
  'TestRunId',
  'TestCaseId',
  'ExecutionStatusId',
  'ReleaseId',
  'TestSetId',
  'BuildId',
  'TesterId',
];

interface Update {
  run: StoredRun;
  steps: RunStep[];
  end: string | null;
}

/** One shell: a manual run of the test case that is not stored until it is PUT back. */
function shellOf(
  call: Call,
  testCaseId: number,
  where: { releaseId: number | null; testSetId: number | null },
  now: number,
): Record<string, unknown> {
  const { releaseId, testSetId } = where;
  const concurrencyDate = call.store.clock.next(now);
  call.store.issueShell(call.projectId, testCaseId, concurrencyDate);
  return {
    TestRunId: 0,
    Name: call.catalog.testCaseName(testCaseId),
    TestCaseId: testCaseId,
    TestRunTypeId: TEST_RUN_TYPE.manual,
    TesterId: TESTER_ID,
    ExecutionStatusId: STATUS.notRun,
    ReleaseId: releaseId,
    TestSetId: testSetId,
    TestSetTestCaseId: testSetId === null ? null : testSetId * 1000 + testCaseId,
    StartDate: new Date(now).toISOString(),
    EndDate: null,
    BuildId: null,
    EstimatedDuration: null,
    ActualDuration: null,
    TestConfigurationId: null,
    ProjectId: call.projectId,
    ArtifactTypeId: ARTIFACT_TEST_RUN,
    ConcurrencyDate: concurrencyDate,
    CustomProperties: null,
    IsAttachments: false,
    Tags: null,
    TestRunSteps: call.catalog.steps(testCaseId).map((step) => ({
      TestRunStepId: 0,
      TestRunId: 0,
      TestStepId: step.TestStepId,
      TestCaseId: testCaseId,
      ExecutionStatusId: STATUS.notRun,
      Position: step.Position,
      Description: `Step ${step.Position}`,
      ExpectedResult: 'Works as expected.',
      SampleData: null,
      ActualResult: null,
      ActualDuration: null,
      StartDate: null,
      EndDate: null,
    })),
  };
}

/** KB684 step 1: shells with TestRunId 0 and every step at Not Run (3). */
function shells(
  call: Call,
  testCaseIds: number[],
  where: { releaseId: number | null; testSetId: number | null },
): SimResponse {
  const now = call.now();
  return jsonResponse(
    200,
    testCaseIds.map((testCaseId) => shellOf(call, testCaseId, where, now)),
  );
}

/** `POST …/test-runs/create[?release_id=]` with a JSON array of test case ids. */
function createShells(call: Call): SimResponse {
  const releaseText = call.request.query.get('release_id');
  let releaseId: number | null = null;
  if (releaseText !== null && releaseText !== '') {
    const parsed = pathId(releaseText, 'release');
    if (isResponse(parsed)) return parsed;
    if (!call.catalog.hasRelease(parsed)) return notFound('release RL', parsed);
    releaseId = parsed;
  }
  const body = jsonBody(call.request);
  if (isResponse(body)) return body;
  if (!Array.isArray(body)) {
    return fault(400, "Cannot deserialize the current JSON object into type 'Int32[]'");
  }
  const ids: number[] = [];
  for (const [index, item] of body.entries()) {
    const id = intField({ id: item as unknown }, 'id', `[${index}]`);
    if (isResponse(id)) return id;
    if (id === null || !call.catalog.hasTestCase(id)) return notFound('test case TC', id ?? 0);
    ids.push(id);
  }
  return shells(call, ids, { releaseId, testSetId: null });
}

/** A new manual run from a checked, populated shell. */
function manualRunFields(
  call: Call,
  run: Record<string, unknown>,
  ints: Record<string, number | null>,
  checked: { start: string | null; end: string | null; steps: RunStep[]; statuses: number[] },
  now: number,
): NewRun {
  const { start, end, steps, statuses } = checked;
  const testCaseId = ints.TestCaseId!;
  return {
    Name: stringField(run, 'Name') ?? call.catalog.testCaseName(testCaseId),
    ProjectId: call.projectId,
    TestCaseId: testCaseId,
    TestRunTypeId: TEST_RUN_TYPE.manual,
    ExecutionStatusId: rollUp(statuses),
    ReleaseId: ints.ReleaseId,
    TestSetId: ints.TestSetId,
    BuildId: ints.BuildId,
    TesterId: ints.TesterId ?? TESTER_ID,
    StartDate: start,
    EndDate: end,
    TestRunFormatId: null,
    RunnerName: null,
    RunnerTestName: null,
    RunnerMessage: null,
    RunnerStackTrace: null,
    RunnerAssertCount: null,
    AutomationHostId: null,
    AutomationEngineId: null,
    CustomProperties: run.CustomProperties ?? null,
    TestRunSteps: steps,
    ConcurrencyDate: '',
    ArtifactTypeId: ARTIFACT_TEST_RUN,
    via: 'manual',
    apiVersion: call.version,
    receivedAt: new Date(now).toISOString(),
    durationMs: durationOf(start, end),
    sentRunStatus: ints.ExecutionStatusId,
  };
}

/** Checks one item of a step-3 PUT: a new run to create, an existing run to update, or a refusal. */
function manualItem(
  call: Call,
  item: unknown,
  path: string,
  defaults: { end: string | null; now: number },
): { create: NewRun } | { update: Update } | SimResponse {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    return fault(400, `Cannot deserialize ${path}: expected a JSON object`);
  }
  const run = item as Record<string, unknown>;
  const ints = intFields(run, MANUAL_INTS, path);
  if (isResponse(ints)) return ints;
  const unknown = unknownReference(call, ints);
  if (unknown) return unknown;
  if (ints.ExecutionStatusId !== null && !validStatus(ints.ExecutionStatusId)) {
    return fault(400, SPIRA_MESSAGES.foreignKey);
  }
  const steps = runSteps(run.TestRunSteps, ints.TestCaseId!, `${path}TestRunSteps`);
  if (isResponse(steps)) return steps;
  const statuses = steps.map((step) => step.ExecutionStatusId);
  if (statuses.length === 0 && ints.ExecutionStatusId !== null)
    statuses.push(ints.ExecutionStatusId);
  if (statuses.length === 0 || onlyNotRunMix(statuses)) return fault(400, SPIRA_MESSAGES.allNotRun);
  const start = dateField(run.StartDate, `${path}StartDate`);
  if (isResponse(start)) return start;
  const end = dateField(run.EndDate, `${path}EndDate`);
  if (isResponse(end)) return end;
  const endDate = end ?? defaults.end;
  if (ints.TestRunId !== null && ints.TestRunId !== 0) {
    const existing = call.store.run(call.projectId, ints.TestRunId);
    if (!existing) return notFound('test run TR', ints.TestRunId);
    if (run.ConcurrencyDate !== existing.ConcurrencyDate) return fault(409, SPIRA_MESSAGES.stale);
    return { update: { run: existing, steps, end: endDate } };
  }
  // A new run from a shell must send back the ConcurrencyDate the shell carried.
  if (!call.store.shellIssued(call.projectId, ints.TestCaseId!, run.ConcurrencyDate)) {
    return fault(409, SPIRA_MESSAGES.stale);
  }
  const checked = { start, end: endDate, steps, statuses };
  return { create: manualRunFields(call, run, ints, checked, defaults.now) };
}

function applyUpdate(call: Call, update: Update, now: number): void {
  const run = update.run;
  run.TestRunSteps = update.steps.map((step, index) => ({
    ...step,
    TestRunId: run.TestRunId,
    TestRunStepId: run.TestRunId * 1000 + index + 1,
  }));
  if (run.TestRunTypeId === TEST_RUN_TYPE.manual) {
    run.ExecutionStatusId = rollUp(update.steps.map((step) => step.ExecutionStatusId));
  }
  if (update.end !== null) run.EndDate = update.end;
  run.durationMs = durationOf(run.StartDate, run.EndDate);
  run.ConcurrencyDate = call.store.clock.next(now);
  run.updates += 1;
}

/** KB684 step 3: PUT populated shells (TestRunId 0) or existing runs; 200 with no body. */
function saveRuns(call: Call): SimResponse {
  const endDateText = call.request.query.get('end_date');
  const defaultEnd =
    endDateText === null || endDateText === '' ? null : dateField(endDateText, 'end_date');
  if (isResponse(defaultEnd)) return defaultEnd;
  const body = jsonBody(call.request);
  if (isResponse(body)) return body;
  if (!Array.isArray(body)) {
    return fault(
      400,
      "Cannot deserialize the current JSON object into type 'RemoteManualTestRun[]'",
    );
  }
  const defaults = { end: defaultEnd, now: call.now() };
  const creates: NewRun[] = [];
  const updates: Update[] = [];
  // All or nothing: every item is checked before anything is stored.
  for (const [index, item] of body.entries()) {
    const checked = manualItem(call, item, `[${index}].`, defaults);
    if (isResponse(checked)) return checked;
    if ('update' in checked) updates.push(checked.update);
    else creates.push(checked.create);
  }
  for (const run of creates) storeRun(call, run);
  for (const update of updates) applyUpdate(call, update, defaults.now);
  // §2: a successful PUT answers 200 with an empty body.
  return { status: 200, body: '' };
}

export const MANUAL_HANDLERS: Readonly<Record<string, Handler>> = {
  createShells,
  createShellsForTestSet: (call) =>
    withId(call.params[0], 'test set', (id) =>
      call.catalog.hasTestSet(id)
        ? shells(call, call.catalog.testCaseIds(), {
            releaseId: call.catalog.testSetRelease(),
            testSetId: id,
          })
        : notFound('test set TX', id),
    ),
  saveRuns,
};
