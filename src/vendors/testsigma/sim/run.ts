// Testsigma runs ("test plan results") and their state machine (vendor-apis/testsigma.md §3-§4).
//
// A run's state is computed from the clock or from how often it was polled, never by timers:
//   STATUS_CREATED (result QUEUED) → [STATUS_QUEUED → STATUS_PRE_FLIGHT] → STATUS_IN_PROGRESS
//   (counts grow) → STATUS_COMPLETED with the final result.
// A stop from any non-terminal state gives STATUS_COMPLETED / STOPPED.

import {
  deviceName,
  errorMessage,
  failureMessage,
  type Scenario,
  suiteIndex,
  suiteName,
  testDurationMs,
  testName,
  type VariantOf,
} from '../../../simulator/kit.js';

/** The API family a request used: cloud `/execution_results` or self-hosted `/test_plan_results`. */
export type Flavour = 'cloud' | 'self-hosted';

/** Testsigma's scenario: the common knobs plus the vendor knobs declared in index.ts. */
export interface TestsigmaScenario extends Scenario {
  machines: number;
  result: string | null;
  junitLagSeconds: number;
  rejectParallel: boolean | null;
  triggerFailsAfterCreate: boolean;
  missingPlanIds: string[];
  planName: string;
  iterations: number;
  apiDisabled: boolean;
}

/** The `variant` flags, by the name the simulator reads each under (help: VARIANTS in index.ts). */
export const VARIANT_FLAGS = {
  selfHosted: 'self-hosted',
  docsSpelling: 'docs-spelling',
  nullCounts: 'null-counts',
  unknownStatus: 'unknown-status',
  controlChars: 'control-chars',
  rerun: 'rerun',
  queuedPhases: 'queued-phases',
} as const;

export type Variant = VariantOf<typeof VARIANT_FLAGS>;

export const STATUS = {
  created: 'STATUS_CREATED',
  queued: 'STATUS_QUEUED',
  preFlight: 'STATUS_PRE_FLIGHT',
  inProgress: 'STATUS_IN_PROGRESS',
  completed: 'STATUS_COMPLETED',
  /** Not a Testsigma value: the `unknown-status` variant shows it mid-run. */
  unknown: 'STATUS_WAITING_FOR_DEVICE',
} as const;

/** The vendor's own texts (open-source server, AutomatorMessages). */
export const MESSAGES = {
  created: 'Test Plan execution is initiated and waiting to be queued',
  queued: 'Test plan is queued',
  preFlight: 'Test plan is moved to pre flight status',
  inProgress: 'Test Plan in Progress',
  unknown: 'Waiting for a device to become available',
  completed: 'Test plan execution completed',
  failed: 'Test plan execution failed',
  userStopped: 'User stopped the Test Plan',
  planStopped: 'Test Plan Execution Was Stopped',
  alreadyRunning:
    'The specified Test Plan is currently running. Please wait until the current Test Plan is ' +
    'complete. You may also use Testsigma Test Plan Status Check API to wait for the current ' +
    'Test Plan to complete. More details - https://testsigma.com/docs/continuous-integration/rest-api/',
  agentInactive: 'Agent is out of Sync. Please restart Agent',
} as const;

const STATUS_MESSAGES: Record<string, string> = {
  [STATUS.created]: MESSAGES.created,
  [STATUS.queued]: MESSAGES.queued,
  [STATUS.preFlight]: MESSAGES.preFlight,
  [STATUS.inProgress]: MESSAGES.inProgress,
  [STATUS.unknown]: MESSAGES.unknown,
};

export interface PlannedTest {
  index: number;
  name: string;
  suiteIndex: number;
  suiteName: string;
  machineIndex: number;
  machineName: string;
  /** The result the test gets when it runs. */
  result: string;
  /** null for tests that never ran (NOT_EXECUTED, STOPPED). */
  durationMs: number | null;
  message: string;
}

export interface Counts {
  total: number;
  passed: number;
  failed: number;
  aborted: number;
  stopped: number;
  notExecuted: number;
  queued: number;
}

export interface Run {
  id: number;
  /** Plan id as a string key (for overrides, parallel checks). */
  planKey: string;
  /** Plan id as the API echoes it (a number when numeric). */
  planIdValue: number | string;
  planName: string;
  /** The path family that triggered the run (decides auth for shared routes). */
  flavour: Flavour;
  buildNo: string | null;
  environmentId: number | null;
  createdAt: number;
  scenario: TestsigmaScenario;
  variant: Variant;
  tests: PlannedTest[];
  finalResult: string;
  /** Status polls answered so far (drives `pollsToComplete`). */
  polls: number;
  /** When poll-based progression reached completion. */
  completedAt: number | null;
  stop: { at: number; done: number; message: string } | null;
  /** Set when the trigger failed after creating the run (`triggerFailsAfterCreate`). */
  failedToStart: string | null;
  parentId: number | null;
  childId: number | null;
}

export interface RunView {
  status: string;
  /** Raw Testsigma result (spelling variants are applied when serializing). */
  result: string;
  message: string;
  terminal: boolean;
  endTime: number | null;
  duration: number | null;
  /** Tests finished so far. */
  done: number;
  counts: Counts;
  /** Effective result per test (`QUEUED` while pending). */
  testResults: string[];
}

const CONTROL_CHARACTERS = '\u0007\u001b[31m\u000b\u0001';

function plannedResult(index: number, scenario: Scenario): string {
  const passing = scenario.tests - scenario.failed - scenario.errored - scenario.skipped;
  if (index < passing) return 'SUCCESS';
  if (index < passing + scenario.failed) return 'FAILURE';
  if (index < passing + scenario.failed + scenario.errored) {
    // Alternate the two "no trustworthy result" values so both appear.
    return (index - passing - scenario.failed) % 2 === 0 ? 'ABORTED' : 'NOT_EXECUTED';
  }
  return 'STOPPED';
}

function plannedMessage(result: string, index: number, variant: Variant): string {
  switch (result) {
    case 'SUCCESS':
      return 'Test case executed successfully';
    case 'FAILURE': {
      const message = failureMessage(index);
      // Raw control characters, as seen in real failure messages (variant `control-chars`).
      return variant.controlChars ? `${message}${CONTROL_CHARACTERS} at step 3` : message;
    }
    case 'ABORTED':
      return variant.controlChars ? `${errorMessage(0)}${CONTROL_CHARACTERS}` : errorMessage(0);
    case 'NOT_EXECUTED':
      return errorMessage(1);
    default:
      return MESSAGES.planStopped;
  }
}

/**
 * The tests of a run: outcomes by position (passing first, then failed, errored, skipped),
 * machines in contiguous, balanced chunks, suites of four.
 */
export function planTests(scenario: TestsigmaScenario, variant: Variant): PlannedTest[] {
  const tests: PlannedTest[] = [];
  for (let index = 0; index < scenario.tests; index += 1) {
    const name = testName(index, scenario.testNames);
    const result = plannedResult(index, scenario);
    const machineIndex = Math.floor((index * scenario.machines) / scenario.tests);
    const ran = result !== 'NOT_EXECUTED' && result !== 'STOPPED';
    tests.push({
      index,
      name,
      suiteIndex: suiteIndex(index),
      suiteName: suiteName(suiteIndex(index)),
      machineIndex,
      machineName: deviceName(machineIndex),
      result,
      durationMs: ran ? testDurationMs(name, index) : null,
      message: plannedMessage(result, index, variant),
    });
  }
  return tests;
}

/** The run's verdict when it completes on its own. */
export function finalResultOf(scenario: TestsigmaScenario): string {
  if (scenario.result !== null) return scenario.result;
  if (scenario.tests === 0) return 'NOT_EXECUTED';
  if (scenario.failed > 0) return 'FAILURE';
  if (scenario.errored > 0) return 'ABORTED';
  return 'SUCCESS';
}

type Phase =
  | { kind: 'waiting'; status: string }
  | { kind: 'running'; fraction: number; status: string }
  | { kind: 'done' };

function isPollBased(run: Run): boolean {
  return run.scenario.pollsToComplete !== null;
}

function phaseOf(run: Run, now: number): Phase {
  if (run.stop || run.failedToStart !== null) return { kind: 'done' };
  const { scenario, variant } = run;
  const pollsToComplete = scenario.pollsToComplete;
  if (pollsToComplete !== null) {
    const polls = run.polls;
    if (polls >= pollsToComplete) return { kind: 'done' };
    // Statuses shown one poll each before the run starts.
    const waiting: string[] = [
      ...(scenario.queuedSeconds > 0 ? [STATUS.created] : []),
      ...(variant.queuedPhases ? [STATUS.queued, STATUS.preFlight] : []),
    ];
    const runningPolls = Math.max(1, pollsToComplete - waiting.length);
    const fraction = Math.min(1, Math.max(0, polls - waiting.length) / runningPolls);
    if (variant.unknownStatus && pollsToComplete >= 2 && polls === pollsToComplete - 1) {
      return { kind: 'running', fraction, status: STATUS.unknown };
    }
    if (polls === 0 && waiting.length > 0) return { kind: 'waiting', status: waiting[0] };
    if (polls > 0 && polls <= waiting.length)
      return { kind: 'waiting', status: waiting[polls - 1] };
    return { kind: 'running', fraction, status: STATUS.inProgress };
  }
  const elapsed = now - run.createdAt;
  const queuedMs = scenario.queuedSeconds * 1000;
  const durationMs = scenario.durationSeconds * 1000;
  if (elapsed >= queuedMs + durationMs) return { kind: 'done' };
  if (elapsed < queuedMs) {
    const waiting = variant.queuedPhases
      ? [STATUS.created, STATUS.queued, STATUS.preFlight]
      : [STATUS.created];
    return { kind: 'waiting', status: waiting[Math.floor((elapsed / queuedMs) * waiting.length)] };
  }
  const fraction = (elapsed - queuedMs) / durationMs;
  const unknown = variant.unknownStatus && fraction >= 0.4 && fraction < 0.6;
  return { kind: 'running', fraction, status: unknown ? STATUS.unknown : STATUS.inProgress };
}

/** When the run became (or becomes) terminal, or null while it is still going. */
export function completionTime(run: Run, now: number): number | null {
  if (run.stop) return run.stop.at;
  if (run.failedToStart !== null) return run.createdAt;
  if (isPollBased(run)) return run.completedAt;
  if (phaseOf(run, now).kind !== 'done') return null;
  return run.createdAt + (run.scenario.queuedSeconds + run.scenario.durationSeconds) * 1000;
}

function countResults(results: readonly string[], started: boolean): Counts {
  const count = (value: string): number => results.filter((result) => result === value).length;
  if (!started) {
    return { total: 0, passed: 0, failed: 0, aborted: 0, stopped: 0, notExecuted: 0, queued: 0 };
  }
  return {
    total: results.length,
    passed: count('SUCCESS'),
    failed: count('FAILURE'),
    aborted: count('ABORTED'),
    stopped: count('STOPPED'),
    notExecuted: count('NOT_EXECUTED'),
    queued: count('QUEUED'),
  };
}

function naturalMessage(result: string): string {
  if (result === 'SUCCESS' || result === 'PASSED') return MESSAGES.completed;
  if (result === 'STOPPED') return MESSAGES.planStopped;
  return MESSAGES.failed;
}

/** The run as the API shows it at `now`. */
export function viewRun(run: Run, now: number): RunView {
  const total = run.tests.length;
  const phase = phaseOf(run, now);
  const planned = run.tests.map((test) => test.result);
  if (phase.kind !== 'done') {
    const done =
      phase.kind === 'running' ? Math.min(total - 1, Math.floor(phase.fraction * total)) : 0;
    const results = planned.map((result, index) => (index < done ? result : 'QUEUED'));
    return {
      status: phase.status,
      result: 'QUEUED',
      message: STATUS_MESSAGES[phase.status],
      terminal: false,
      endTime: null,
      duration: null,
      done: Math.max(0, done),
      counts: countResults(results, phase.kind === 'running'),
      testResults: results,
    };
  }
  const endTime = completionTime(run, now) ?? now;
  const base = {
    status: STATUS.completed,
    terminal: true,
    endTime,
    duration: endTime - run.createdAt,
  };
  if (run.failedToStart !== null) {
    const results = planned.map(() => 'STOPPED');
    return {
      ...base,
      result: 'STOPPED',
      message: run.failedToStart,
      done: 0,
      counts: countResults(results, true),
      testResults: results,
    };
  }
  if (run.stop) {
    const stopDone = run.stop.done;
    const results = planned.map((result, index) => (index < stopDone ? result : 'STOPPED'));
    return {
      ...base,
      result: 'STOPPED',
      message: run.stop.message,
      done: stopDone,
      counts: countResults(results, true),
      testResults: results,
    };
  }
  return {
    ...base,
    result: run.finalResult,
    message: naturalMessage(run.finalResult),
    done: total,
    counts: countResults(planned, true),
    testResults: planned,
  };
}

/** The answer to a trigger: always the freshly created run. */
export function createdView(run: Run): RunView {
  return {
    status: STATUS.created,
    result: 'QUEUED',
    message: MESSAGES.created,
    terminal: false,
    endTime: null,
    duration: null,
    done: 0,
    counts: countResults([], false),
    testResults: run.tests.map(() => 'QUEUED'),
  };
}

/** Stops a non-terminal run; returns the view with the stale counts the vendor answers with. */
export function stopRun(run: Run, now: number): RunView {
  const before = viewRun(run, now);
  run.stop = { at: now, done: before.done, message: MESSAGES.userStopped };
  return { ...viewRun(run, now), counts: before.counts };
}

/** All runs of one simulator, with increasing ids. */
export class RunStore {
  private readonly runs = new Map<number, Run>();
  private nextId = 1001;

  create(
    fields: Omit<Run, 'id' | 'polls' | 'completedAt' | 'stop' | 'failedToStart' | 'childId'>,
  ): Run {
    const run: Run = {
      ...fields,
      id: this.nextId,
      polls: 0,
      completedAt: null,
      stop: null,
      failedToStart: null,
      childId: null,
    };
    this.nextId += 1;
    this.runs.set(run.id, run);
    return run;
  }

  get(id: number): Run | undefined {
    return this.runs.get(id);
  }

  /** A non-terminal run of the plan, if any (the self-hosted server allows one at a time). */
  activeRunOf(planKey: string, now: number): Run | undefined {
    return [...this.runs.values()].find(
      (run) => run.planKey === planKey && !viewRun(run, now).terminal,
    );
  }

  active(now: number): Run[] {
    return [...this.runs.values()].filter((run) => !viewRun(run, now).terminal);
  }

  /** Counts a status poll (the parent's polls also advance a running re-run child). */
  countPoll(run: Run, now: number): void {
    const child = run.childId !== null ? this.runs.get(run.childId) : undefined;
    run.polls += 1;
    if (child) child.polls += 1;
    if (
      isPollBased(run) &&
      run.completedAt === null &&
      run.polls >= (run.scenario.pollsToComplete ?? 0)
    ) {
      run.completedAt = now;
    }
    this.startRerunIfDue(run, now);
  }

  /**
   * Variant `rerun`: a first attempt that ends neither SUCCESS nor STOPPED starts one child
   * run that re-runs the non-passing tests, and they pass.
   */
  startRerunIfDue(run: Run, now: number): Run | undefined {
    if (!run.variant.rerun || run.parentId !== null || run.childId !== null) return undefined;
    if (run.stop || run.failedToStart !== null) return undefined;
    const completedAt = completionTime(run, now);
    if (completedAt === null) return undefined;
    if (['SUCCESS', 'PASSED', 'STOPPED'].includes(run.finalResult)) return undefined;
    const retried = run.tests.filter((test) => test.result !== 'SUCCESS');
    const tests = (retried.length > 0 ? retried : run.tests).map((test, index) => ({
      ...test,
      index,
      result: 'SUCCESS',
      durationMs: testDurationMs(test.name, test.index + 1),
      message: 'Test case executed successfully',
    }));
    const child = this.create({
      planKey: run.planKey,
      planIdValue: run.planIdValue,
      planName: run.planName,
      flavour: run.flavour,
      buildNo: run.buildNo,
      environmentId: run.environmentId,
      createdAt: completedAt,
      scenario: {
        ...run.scenario,
        result: null,
        tests: tests.length,
        failed: 0,
        errored: 0,
        skipped: 0,
      },
      variant: run.variant,
      tests,
      finalResult: 'SUCCESS',
      parentId: run.id,
    });
    run.childId = child.id;
    return child;
  }

  child(run: Run): Run | undefined {
    return run.childId !== null ? this.runs.get(run.childId) : undefined;
  }

  /** Looks a run up, first bringing time-driven follow-ups (a due re-run child) up to date. */
  lookup(id: number, now: number): Run | undefined {
    const run = this.runs.get(id);
    if (run) this.startRerunIfDue(run, now);
    return run;
  }

  clear(): void {
    this.runs.clear();
    this.nextId = 1001;
  }
}
