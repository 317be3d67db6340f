// The simulated workers of Squish Test Center (vendor-apis/squish-test-center.md §3-§4).
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

import type { Execution, Instance } from './instances.js';
import { infrastructureFailure } from './outcomes.js';

function isPollBased(instance: Instance): boolean {
  return instance.scenario.pollsToComplete !== null;
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

/**
 * Marks an execution a client (a TestRelay worker) held done. The client's command is what
 * uploads results to a real Test Center (squishrunner's `--reportgen testcenter`); this
 * server takes no uploads, so it records what the worker reported in its place: `finished`
 * without a message → a PASS, with one → a FAIL carrying the message and details. So the plan's
 * counts and the Results API follow what the workers did, not the scenario's outcome mix. The
 * test's duration is the time the client held it.
 */
export function finishByClient(
  execution: Execution,
  at: number,
  error: { message: string; details: string } | null,
): void {
  const hold = execution.hold;
  if (hold?.by === 'client') execution.durationMs = Math.max(0, at - hold.since);
  execution.state = 'done';
  execution.hold = null;
  execution.finish = { at, error, outcome: error === null ? 'PASS' : 'FAIL', byClient: true };
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
