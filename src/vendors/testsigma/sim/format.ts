// How the Testsigma simulator writes runs down (vendor-apis/testsigma.md §3 and the
// open-source server's DTOs): run objects (cloud camelCase and self-hosted snake_case), the
// result spelling and error bodies. Per-test results are in results.ts, the JUnit report in
// junit.ts, the run page in page.ts.

import {
  STATUS,
  type Counts,
  type Flavour,
  type Run,
  type RunView,
  type Variant,
} from './model.js';

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
