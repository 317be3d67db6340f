// Testsigma's run object as it arrives: camelCase from the cloud API, snake_case from the
// open-source self-hosted server; counts may be 0 or null. normalizeRun() reads either.

import { isJsonObject, num, text } from '../../core/wire.js';

export type ApiFlavor = 'cloud' | 'self-hosted';

export interface TestsigmaRun {
  id: string;
  planId?: string;
  planName?: string;
  status: string;
  result: string;
  message?: string;
  startTime?: number;
  endTime?: number;
  /** Milliseconds. */
  durationMs?: number;
  counts: {
    total?: number;
    passed?: number;
    failed?: number;
    aborted?: number;
    stopped?: number;
    notExecuted?: number;
    queued?: number;
  };
  /** Auto re-run: the consolidated fields carry the final answer; the child run re-ran the non-passed tests. */
  reRun?: { status?: string; result?: string; childRunId?: string };
}

export function normalizeRun(raw: unknown, flavor: ApiFlavor): TestsigmaRun {
  if (!isJsonObject(raw)) {
    throw new Error('Testsigma answered with something that is not a run object');
  }
  const data = raw;
  // Self-hosted spells every field in snake_case.
  const get = (camel: string): unknown => {
    if (flavor === 'cloud' && camel in data) return data[camel];
    const snake = camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    return snake in data ? data[snake] : data[camel];
  };
  const id = get('id');
  if (id === undefined || id === null || id === '') {
    throw new Error('Testsigma answered with a run object that has no id');
  }
  const plan = get('execution') ?? get('testPlan');
  const planObject = isJsonObject(plan) ? plan : undefined;
  const child = get('childResult');
  const reRunEnabled = get('isReRunEnabled') === true || (child ?? null) !== null;
  const childId = isJsonObject(child) ? child.id : child;
  return {
    id: String(id),
    planId: text(get('executionId') ?? get('testPlanId')),
    planName: text(planObject?.name),
    status: text(get('status')) ?? '',
    result: text(get('result')) ?? '',
    message: text(get('message')),
    startTime: num(get('startTime')),
    endTime: num(get('endTime')),
    durationMs: num(get('duration')),
    counts: {
      total: num(get('totalCount')),
      passed: num(get('passedCount')),
      failed: num(get('failedCount')),
      aborted: num(get('abortedCount')),
      stopped: num(get('stoppedCount')),
      notExecuted: num(get('notExecutedCount')),
      queued: num(get('queuedCount')),
    },
    reRun: reRunEnabled
      ? {
          status: text(get('consolidatedStatus')),
          result: text(get('consolidatedResult')),
          childRunId: text(childId),
        }
      : undefined,
  };
}

/** One entry of the cloud's per-test details (GET …/execution_results/{id}/test_case_results). */
export interface TestCaseResultEntry {
  testCaseName: string;
  result: string;
  testSuiteName?: string;
  machineTitle?: string;
}

export function normalizeTestCaseResults(raw: unknown): TestCaseResultEntry[] {
  const list = (raw as { testCases?: unknown } | null)?.testCases;
  if (!Array.isArray(list)) return [];
  return list
    .filter(isJsonObject)
    .map((item) => ({
      testCaseName: text(item.testCaseName) ?? '',
      result: text(item.result) ?? '',
      testSuiteName: text(item.testSuiteName),
      machineTitle: text(item.machineTitle),
    }))
    .filter((item) => item.testCaseName !== '');
}
