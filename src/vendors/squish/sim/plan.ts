// Squish Test Center test plans: templates, instances and their executions, and the simulated
// workers that work them off (vendor-apis/squish-test-center.md §3-§4).
//
// Every test of an instance is an *execution*: open → reserved → done. Nothing runs on a timer:
// each request first brings the instance up to date (`advance`), from the clock or — with
// `pollsToComplete` — from the number of status polls.
//
// Simulated workers (Test Center–driven mode) move in *steps*. At step 0 every worker reserves
// an open execution; at each later step a worker finishes what it holds (results are uploaded,
// then `finished`) and reserves the next one. In time mode step k happens at
// `startAt + k * slotMs`, where the slot is chosen so that one attempt of every execution fits
// into `durationSeconds`; crashes and retries add steps on top. In poll mode the steps are
// spread over the polls and the `pollsToComplete`-th poll drains all remaining work, so a test
// knows exactly which poll sees `open == 0 && reserved == 0`.
//
// Client calls (reserve/heartbeat/finished/reset) act at request time on the real clock; their
// reservations expire on it too. Interleaving with the simulated workers is approximate (within
// one step), which is all a client can observe anyway.

import {
  errorMessage,
  failureMessage,
  parseVariant,
  type Scenario,
  suiteIndex,
  suiteName,
  testDurationMs,
  testName,
  type VariantOf,
} from '../../../simulator/kit.js';

export interface Label {
  key: string;
  value: string;
}

/** The Squish scenario: the common knobs plus the vendor knobs declared in index.ts. */
export interface SquishScenario extends Scenario {
  templates: string[];
  capabilities: string;
  workers: number;
  requireSchedule: boolean;
  reservationTimeoutMs: number;
  workerCrashes: number;
  transientErrors: number;
  erroredAs: string;
  xfail: number;
  xpass: number;
  resultLagSeconds: number;
  resultsApi: boolean;
  username: string | null;
  password: string | null;
  automationToken: string | null;
}

/** The `variant` flags, by the name the simulator reads each under (help: SQUISH_VARIANTS). */
export const VARIANT_FLAGS = {
  /** Status answers `finished` instead of `done` (the schema's name). */
  finishedKey: 'finished-key',
  /** Status answers both `done` and `finished`. */
  bothKeys: 'both-keys',
  /** `executeplan` answers 200 instead of 201. */
  executeplan200: 'executeplan-200',
  /** A lookup that matches several test plans answers 400 instead of the first match. */
  ambiguousTitle: 'ambiguous-title',
  /** `test_id`, server and repository ids as strings (the schema) instead of numbers. */
  stringIds: 'string-ids',
  /** `count` is the number of planned tests from the start, not of results received. */
  countPlanned: 'count-planned',
} as const;

export type Variant = VariantOf<typeof VARIANT_FLAGS>;

// ---------------------------------------------------------------------------------------------
// Templates and capabilities (knob values)

export interface Template {
  id: number;
  project: string;
  title: string;
}

const TEMPLATE_SPEC = /^\s*(\d{1,9})\s*:\s*([^:]*?)\s*:\s*(.*?)\s*$/;

/** `"64:Shop:CI Tests master"` → a template; the title may contain colons, the project not. */
export function parseTemplate(spec: string): Template | undefined {
  const match = TEMPLATE_SPEC.exec(spec);
  if (!match || match[2] === '' || match[3] === '') return undefined;
  return { id: Number(match[1]), project: match[2], title: match[3] };
}

export function parseTemplates(specs: readonly string[]): Template[] {
  return specs.map(parseTemplate).filter((template) => template !== undefined);
}

export function templatesProblem(specs: readonly string[]): string | undefined {
  const seen = new Set<number>();
  for (const spec of specs) {
    const template = parseTemplate(spec);
    if (!template)
      return `"${spec}" is not "<id>:<project>:<title>" (e.g. "64:Shop:CI Tests master")`;
    if (seen.has(template.id)) return `template id ${template.id} is listed twice`;
    seen.add(template.id);
  }
  return undefined;
}

/** `"OS=Linux&browser=chrome,OS=Windows"` → one label set per entry (assigned round-robin). */
export function parseCapabilities(spec: string): Label[][] {
  return spec
    .split(',')
    .map((set) => set.trim())
    .filter((set) => set !== '')
    .map((set) =>
      set.split('&').map((pair) => {
        const at = pair.indexOf('=');
        return { key: pair.slice(0, at).trim(), value: pair.slice(at + 1).trim() };
      }),
    );
}

export function capabilitiesProblem(spec: string): string | undefined {
  for (const set of spec.split(',')) {
    if (set.trim() === '') continue;
    for (const pair of set.split('&')) {
      const at = pair.indexOf('=');
      if (at <= 0 || pair.slice(0, at).trim() === '' || pair.slice(at + 1).trim() === '') {
        return `"${pair.trim()}" is not "<key>=<value>" (label sets look like "OS=Linux&browser=chrome,OS=Windows")`;
      }
    }
  }
  return undefined;
}

const sameText = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/**
 * Whether `labels` carry every wanted capability. Keys and values compare case-insensitively:
 * the vendor's own reserve example asks for `browser=chrome` and is given a server labelled
 * `Chrome`.
 */
export function hasLabels(labels: readonly Label[], wanted: readonly Label[]): boolean {
  return wanted.every((want) =>
    labels.some((label) => sameText(label.key, want.key) && sameText(label.value, want.value)),
  );
}

// ---------------------------------------------------------------------------------------------
// Outcomes

/**
 * What an execution ends with. The first six are Squish result names and get uploaded as such;
 * SCRIPT_ERROR uploads a FAIL carrying an ERROR event; INFRASTRUCTURE uploads nothing and the
 * worker reports `finished` with a message instead.
 */
export type Outcome =
  'PASS' | 'XFAIL' | 'FAIL' | 'XPASS' | 'SKIPPED' | 'NONE' | 'SCRIPT_ERROR' | 'INFRASTRUCTURE';

/** Result codes of the Results API: they nest as bit masks, so a parent's result is the minimum. */
export const RESULT_CODES = {
  FAIL: 0,
  XPASS: 1,
  XFAIL: 3,
  PASS: 7,
  SKIPPED: 15,
  NONE: 31,
} as const;
export type ResultName = keyof typeof RESULT_CODES;

export function uploadedResult(outcome: Outcome): ResultName | null {
  if (outcome === 'INFRASTRUCTURE') return null;
  return outcome === 'SCRIPT_ERROR' ? 'FAIL' : outcome;
}

/** How `errored` tests end, per `erroredAs` (`mixed` cycles through the three). */
export const ERRORED_AS: Readonly<Record<string, readonly Outcome[]>> = {
  mixed: ['INFRASTRUCTURE', 'SCRIPT_ERROR', 'NONE'],
  infrastructure: ['INFRASTRUCTURE'],
  'script-error': ['SCRIPT_ERROR'],
  none: ['NONE'],
};

/** Outcomes by position: passing (XFAIL last), failed (XPASS last), errored, skipped. */
export function plannedOutcome(index: number, scenario: SquishScenario): Outcome {
  const passing = scenario.tests - scenario.failed - scenario.errored - scenario.skipped;
  if (index < passing - scenario.xfail) return 'PASS';
  if (index < passing) return 'XFAIL';
  if (index < passing + scenario.failed - scenario.xpass) return 'FAIL';
  if (index < passing + scenario.failed) return 'XPASS';
  if (index < passing + scenario.failed + scenario.errored) {
    const kinds = ERRORED_AS[scenario.erroredAs] ?? ERRORED_AS.mixed;
    return kinds[(index - passing - scenario.failed) % kinds.length];
  }
  return 'SKIPPED';
}

/** The two infrastructure failures a worker reports (the first is the vendor's example). */
const INFRASTRUCTURE_FAILURES = [
  { message: 'Test execution failed', details: 'squishrunner not found' },
  {
    message: 'Test execution failed',
    details: 'Could not connect to squishserver at 127.0.0.1:4322',
  },
];

export function infrastructureFailure(index: number): { message: string; details: string } {
  return INFRASTRUCTURE_FAILURES[index % INFRASTRUCTURE_FAILURES.length];
}

/** The message a non-passing test carries in its Results API events. */
export function outcomeMessage(outcome: Outcome, index: number): string {
  switch (outcome) {
    case 'FAIL':
      return failureMessage(index);
    case 'XPASS':
      return 'Unexpected pass: the known bug SHOP-1432 no longer shows';
    case 'XFAIL':
      return 'Expected failure (known bug SHOP-1187): discount not applied to gift cards';
    case 'SCRIPT_ERROR':
      return errorMessage(0);
    case 'SKIPPED':
      return 'Skipped: the feature flag "new-checkout" is off on this configuration';
    case 'NONE':
      return 'The test ended without executing any verification point';
    default:
      return 'Verification passed';
  }
}

/** Squish's naming style: `Login works` → `tst_login_works`, `Smoke suite` → `suite_smoke`. */
function snake(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

export function squishTestName(index: number, injected: readonly string[]): string {
  return index < injected.length ? injected[index] : `tst_${snake(testName(index))}`;
}

export function squishSuiteName(index: number): string {
  return `suite_${snake(suiteName(suiteIndex(index)).replace(/\s+suite\b/i, ''))}`;
}

// ---------------------------------------------------------------------------------------------
// Instances and executions

export interface LinkedRepo {
  id: number;
  branch: string;
}

export type Hold =
  | { by: 'client'; expiresAt: number; serverId: number | null }
  | { by: 'worker'; worker: number; dueStep: number; crashed: boolean };

export interface Finish {
  at: number;
  /** The message/details of a `finished` that reported a failure (no results then). */
  error: { message: string; details: string } | null;
  /** The uploaded result; null when nothing was uploaded. */
  outcome: Outcome | null;
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

function isPollBased(instance: Instance): boolean {
  return instance.scenario.pollsToComplete !== null;
}

/** Whether simulated workers run this instance (knob `workers`, `requireSchedule`). */
function workerCount(
  scenario: SquishScenario,
  plannedAt: number | null,
  repos: LinkedRepo[],
): number {
  if (scenario.requireSchedule && (plannedAt === null || repos.length === 0)) return 0;
  return scenario.tests === 0 ? 0 : scenario.workers;
}

/** How many steps up to which the workers should have progressed at `now`. */
function targetStep(instance: Instance, now: number): number {
  if (instance.workers.length === 0) return 0;
  const pollsToComplete = instance.scenario.pollsToComplete;
  if (pollsToComplete !== null) {
    if (instance.polls >= pollsToComplete) return Infinity;
    // With a queued phase the first poll still sees every execution open.
    const waiting = instance.scenario.queuedSeconds > 0 && pollsToComplete > 1 ? 1 : 0;
    const polls = Math.max(0, instance.polls - waiting);
    return Math.floor((polls * instance.plannedSteps) / (pollsToComplete - waiting));
  }
  if (now < instance.startAt) return 0;
  if (instance.slotMs === 0) return Infinity;
  return Math.floor((now - instance.startAt) / instance.slotMs) + 1;
}

function stepTime(instance: Instance, step: number, now: number): number {
  if (isPollBased(instance)) return now;
  return Math.min(now, instance.startAt + step * instance.slotMs);
}

function reopen(execution: Execution): void {
  execution.state = 'open';
  execution.hold = null;
}

/** Marks an execution done; `error` set means `finished` reported a failure. */
export function finishExecution(
  execution: Execution,
  at: number,
  error: { message: string; details: string } | null,
): void {
  const outcome =
    error === null && execution.planned !== 'INFRASTRUCTURE' ? execution.planned : null;
  execution.state = 'done';
  execution.hold = null;
  execution.finish = { at, error, outcome };
}

function firstOpen(instance: Instance): Execution | undefined {
  return instance.executions.find((execution) => execution.state === 'open');
}

/** One step of the simulated workers: settle what is due, then pick up open executions. */
function workerStep(instance: Instance, step: number, at: number): void {
  const crashSteps =
    instance.slotMs > 0
      ? Math.max(1, Math.ceil(instance.scenario.reservationTimeoutMs / instance.slotMs))
      : 1;
  instance.workers.forEach((held, worker) => {
    if (held === null) return;
    const execution = instance.executions[held];
    const hold = execution.hold;
    if (hold?.by !== 'worker' || hold.dueStep > step) return;
    instance.workers[worker] = null;
    if (hold.crashed) {
      // The worker died without heartbeats: the reservation times out, the execution reopens.
      reopen(execution);
    } else if (execution.transient && execution.resets === 0) {
      // `finished` with an infrastructure failure, then `reset` for a retry.
      execution.resets += 1;
      reopen(execution);
    } else {
      const error =
        execution.planned === 'INFRASTRUCTURE' ? infrastructureFailure(execution.index) : null;
      finishExecution(execution, at, error);
    }
  });
  instance.workers.forEach((held, worker) => {
    if (held !== null) return;
    const execution = firstOpen(instance);
    if (!execution) return;
    const crashed = instance.crashesLeft > 0;
    if (crashed) instance.crashesLeft -= 1;
    execution.state = 'reserved';
    execution.attempts += 1;
    execution.hold = { by: 'worker', worker, dueStep: step + (crashed ? crashSteps : 1), crashed };
    instance.workers[worker] = execution.index;
  });
}

/** The steps at which the busy simulated workers are due to settle what they hold. */
function dueSteps(instance: Instance): number[] {
  const due: number[] = [];
  for (const held of instance.workers) {
    const hold = held === null ? null : instance.executions[held].hold;
    if (hold?.by === 'worker') due.push(hold.dueStep);
  }
  return due;
}

/** Brings an instance up to `now`: expired client reservations, then the simulated workers. */
export function advance(instance: Instance, now: number): void {
  for (const execution of instance.executions) {
    const hold = execution.hold;
    if (hold?.by === 'client' && hold.expiresAt <= now) reopen(execution);
  }
  const target = targetStep(instance, now);
  // Event by event: after a step, idle workers have taken whatever was open, so nothing happens
  // before the next step a busy worker is due at. Work is finite (at most a crash and a retry
  // more per execution), so this ends; the guard only keeps a bug from hanging the server.
  for (let guard = 0; instance.stepsDone < target && guard < 100_000; guard += 1) {
    const step = instance.stepsDone;
    workerStep(instance, step, stepTime(instance, step, now));
    const due = dueSteps(instance);
    if (due.length === 0) {
      // All idle: work that reopens later (an expired client reservation) is picked up at the
      // next step from then on, not in the past.
      instance.stepsDone = Number.isFinite(target) ? target : step + 1;
      break;
    }
    instance.stepsDone = Math.min(Math.min(...due), target);
  }
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
