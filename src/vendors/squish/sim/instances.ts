// Squish Test Center test plan instances and their executions (vendor-apis/squish-test-center.md
// §3-§4): their shapes, the counts the status and test plan answers show, and the store with the
// vendor's id ranges. Every test of an instance is an *execution*: open → reserved → done.

import { parseVariant, testDurationMs } from '../../../simulator/kit.js';
import {
  squishSuiteName,
  squishTestName,
  plannedOutcome,
  uploadedResult,
  type Outcome,
} from './outcomes.js';
import {
  hasLabels,
  parseCapabilities,
  VARIANT_FLAGS,
  type Label,
  type SquishScenario,
  type Template,
  type Variant,
} from './plan.js';

export interface LinkedRepo {
  id: number;
  branch: string;
}

export type Hold =
  | { by: 'client'; since: number; expiresAt: number; serverId: number | null }
  | { by: 'worker'; worker: number; dueStep: number; crashed: boolean };

export interface Finish {
  at: number;
  /** The message/details of a `finished` that reported a failure (no results then). */
  error: { message: string; details: string } | null;
  /** The uploaded result; null when nothing was uploaded. */
  outcome: Outcome | null;
  /** Finished by a client (a TestRelay worker), not by a simulated Test Center worker. */
  byClient?: boolean;
}

export interface Execution {
  id: number;
  index: number;
  /** The test's id in the template (`test_id` of a reservation). */
  testId: number;
  testcase: string;
  suite: string;
  labels: Label[];
  planned: Outcome;
  /** The first attempt ends with an infrastructure failure, then the worker resets it. */
  transient: boolean;
  durationMs: number;
  state: 'open' | 'reserved' | 'done';
  attempts: number;
  /** Failed attempts that were reset for a retry. */
  resets: number;
  hold: Hold | null;
  finish: Finish | null;
}

export interface Instance {
  id: number;
  template: Template;
  title: string;
  batch: string;
  createdAt: number;
  plannedAt: number | null;
  repos: LinkedRepo[];
  scenario: SquishScenario;
  variant: Variant;
  executions: Execution[];
  /** What each simulated worker holds (an execution index), or null when idle. */
  workers: Array<number | null>;
  startAt: number;
  slotMs: number;
  /** Steps one attempt of every execution needs (poll mode spreads these over the polls). */
  plannedSteps: number;
  stepsDone: number;
  crashesLeft: number;
  polls: number;
}

// ---------------------------------------------------------------------------------------------
// Views

export interface StatusCounts {
  open: number;
  reserved: number;
  done: number;
}

/** Counts of the executions that require every `wanted` capability (all of them when empty). */
export function statusCounts(instance: Instance, wanted: readonly Label[]): StatusCounts {
  const counts = { open: 0, reserved: 0, done: 0 };
  for (const execution of instance.executions) {
    if (hasLabels(execution.labels, wanted)) counts[execution.state] += 1;
  }
  return counts;
}

/** Executions whose results have arrived by `now` (`resultLagSeconds` after `finished`). */
export function visibleResults(instance: Instance, now: number): Execution[] {
  const lagMs = instance.scenario.resultLagSeconds * 1000;
  return instance.executions.filter(
    (execution) =>
      execution.finish !== null &&
      execution.finish.outcome !== null &&
      now >= execution.finish.at + lagMs,
  );
}

export interface PlanCounts {
  passes: number;
  failed: number;
  skipped: number;
  count: number;
}

/**
 * The Test Plan Response counts. `count` is the number of results received (a fresh instance
 * shows 0 in the vendor's example), so NONE results are in `count` but in none of the three;
 * variant `count-planned` reads it as the number of planned tests instead.
 */
export function planCounts(instance: Instance, now: number): PlanCounts {
  const counts = { passes: 0, failed: 0, skipped: 0, count: 0 };
  for (const execution of visibleResults(instance, now)) {
    const result = uploadedResult(execution.finish!.outcome!);
    counts.count += 1;
    if (result === 'PASS' || result === 'XFAIL') counts.passes += 1;
    else if (result === 'FAIL' || result === 'XPASS') counts.failed += 1;
    else if (result === 'SKIPPED') counts.skipped += 1;
  }
  if (instance.variant.countPlanned) counts.count = instance.executions.length;
  return counts;
}

// ---------------------------------------------------------------------------------------------
// The store

/** Whether simulated workers run this instance (knob `workers`, `requireSchedule`). */
function workerCount(
  scenario: SquishScenario,
  plannedAt: number | null,
  repos: LinkedRepo[],
): number {
  if (scenario.requireSchedule && (plannedAt === null || repos.length === 0)) return 0;
  return scenario.tests === 0 ? 0 : scenario.workers;
}

export interface NewInstance {
  template: Template;
  title: string;
  batch: string;
  plannedAt: number | null;
  repos: LinkedRepo[];
  scenario: SquishScenario;
  createdAt: number;
}

/** All instances of one simulator, with the vendor's id ranges (instances 105…, executions 3339…). */
export class PlanStore {
  private readonly instances = new Map<number, Instance>();
  private readonly executionIndex = new Map<number, { instance: Instance; execution: Execution }>();
  private nextInstanceId = 105;
  private nextExecutionId = 3339;

  /** Creates an instance; `takenIds` are template ids an instance id must not reuse. */
  create(input: NewInstance, takenIds: ReadonlySet<number>): Instance {
    while (takenIds.has(this.nextInstanceId)) this.nextInstanceId += 1;
    const { scenario } = input;
    const labelSets = parseCapabilities(scenario.capabilities);
    const executions: Execution[] = [];
    for (let index = 0; index < scenario.tests; index += 1) {
      const testcase = squishTestName(index, scenario.testNames);
      executions.push({
        id: this.nextExecutionId,
        index,
        testId: 500_000 + input.template.id * 1000 + index,
        testcase,
        suite: squishSuiteName(index),
        labels:
          labelSets.length > 0 ? labelSets[index % labelSets.length].map((l) => ({ ...l })) : [],
        planned: plannedOutcome(index, scenario),
        transient: index < scenario.transientErrors,
        durationMs: testDurationMs(testcase, index),
        state: 'open',
        attempts: 0,
        resets: 0,
        hold: null,
        finish: null,
      });
      this.nextExecutionId += 1;
    }
    const workers = workerCount(scenario, input.plannedAt, input.repos);
    const waves = workers > 0 ? Math.ceil(executions.length / workers) : 0;
    let startAt = input.createdAt + scenario.queuedSeconds * 1000;
    // A schedule time in the future holds Test Center's own workers back until then.
    if (input.plannedAt !== null && input.plannedAt > startAt) startAt = input.plannedAt;
    const instance: Instance = {
      ...input,
      id: this.nextInstanceId,
      variant: parseVariant(scenario.variant, VARIANT_FLAGS),
      executions,
      workers: Array.from({ length: workers }, () => null),
      startAt,
      slotMs: waves > 0 ? (scenario.durationSeconds * 1000) / waves : 0,
      plannedSteps: waves + 1,
      stepsDone: 0,
      crashesLeft: scenario.workerCrashes,
      polls: 0,
    };
    this.nextInstanceId += 1;
    this.instances.set(instance.id, instance);
    for (const execution of executions)
      this.executionIndex.set(execution.id, { instance, execution });
    return instance;
  }

  get(id: number): Instance | undefined {
    return this.instances.get(id);
  }

  all(): Instance[] {
    return [...this.instances.values()];
  }

  findExecution(id: number): { instance: Instance; execution: Execution } | undefined {
    return this.executionIndex.get(id);
  }

  clear(): void {
    this.instances.clear();
    this.executionIndex.clear();
    this.nextInstanceId = 105;
    this.nextExecutionId = 3339;
  }
}
