// Testsigma runs ("test plan results") and their state machine (vendor-apis/testsigma.md §3-§4).
//
// A run's state is computed from the clock or from how often it was polled, never by timers:
//   STATUS_CREATED (result QUEUED) → [STATUS_QUEUED → STATUS_PRE_FLIGHT] → STATUS_IN_PROGRESS
//   (counts grow) → STATUS_COMPLETED with the final result.
// A stop from any non-terminal state gives STATUS_COMPLETED / STOPPED.
import { MESSAGES, STATUS, STATUS_MESSAGES, type Counts, type Run, type RunView } from './model.js';

type Phase =
  | { kind: 'waiting'; status: string }
  | { kind: 'running'; fraction: number; status: string }
  | { kind: 'done' };

export function isPollBased(run: Run): boolean {
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
  return terminalView(run, now, planned);
}

/** A run that is over: completed on its own, stopped, or failed to start. */
function terminalView(run: Run, now: number, planned: string[]): RunView {
  const total = run.tests.length;
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
