// A vendor run, from start to result: trigger (or attach), wait with the deadline and the
// cancel signal, then collect the results, or what is known of an unfinished run.

import { inputRef, inputWithValue } from '../input-names.js';
import type { CiAgent } from '../agent.js';
import { type Clock, delayedAbort, systemClock } from '../clock.js';
import { formatDuration } from '../duration.js';
import type { Redactor } from '../redact.js';
import type { RunResult } from '../result.js';
import { InputError, type Settings } from '../settings.js';
import type { RunHandle, Source } from '../source.js';
import { errorMessage } from '../text.js';
import { type PollSnapshot, waitForRun, type WaitOutcome } from '../wait.js';

// A cancelled job has a few seconds before the CI kills it: up to 1.5 s for a trigger in
// flight to answer, then up to 2.5 s to stop the run (within the CI agents' grace).
const TRIGGER_GRACE_MS = 1500;
const STOP_BUDGET_MS = 2500;
// Stopping after a timeout: the job is not being killed, so the vendor gets longer.
const TIMEOUT_STOP_BUDGET_MS = 15_000;
// Collecting results after the run is done: bounded even though the wait is over.
const COLLECT_BUDGET_MS = 120_000;
// An unchanged status is logged again after this long, so a quiet log still shows life:
// often at first (a user watching a fresh job), then seldom (a run of hours stays readable).
const HEARTBEAT_EARLY_MS = 30_000;
const HEARTBEAT_LATE_MS = 5 * 60_000;
const HEARTBEAT_EARLY_FOR_MS = 10 * 60_000;

export interface VendorRun {
  source: Source;
  settings: Settings;
  agent: CiAgent;
  redactor: Redactor;
  /** Aborted when the CI cancels the job. */
  cancel: AbortSignal;
  clock?: Clock;
}

/** Never throws: every failure becomes a result with state `error` (or `cancelled`). */
export async function runOnVendor(run: VendorRun): Promise<RunResult> {
  const clock = run.clock ?? systemClock;
  const deadline = clock.now() + run.settings.timeoutMs;
  let handle: RunHandle;
  try {
    handle = await startOrAttach(run, deadline, clock);
  } catch (error) {
    return startFailed(run, error);
  }
  run.agent.setOutput('runId', handle.runId);
  if (handle.runUrl) run.agent.setOutput('runUrl', handle.runUrl);
  noteFastPolling(run);
  try {
    const outcome = await waitWithProgress(run, handle, deadline, clock);
    return await finishWait(run, handle, outcome);
  } catch (error) {
    const result = run.source.partial(handle, undefined);
    result.state = 'error';
    result.verdict = 'error';
    // Not logged here: the outcome's reason carries it to the step failure.
    result.message = run.redactor.redact(errorMessage(error));
    return result;
  }
}

function planLabel(run: VendorRun): string {
  return run.source.planLabel ?? `test plan ${run.settings.planId}`;
}

/** Starting or finding the run counts against the timeout like the wait itself. */
async function startOrAttach(run: VendorRun, deadline: number, clock: Clock): Promise<RunHandle> {
  const { source, settings, agent, cancel } = run;
  const untilDeadline = (signal: AbortSignal) =>
    AbortSignal.any([signal, AbortSignal.timeout(Math.max(1, Math.ceil(deadline - clock.now())))]);
  const name = source.displayName;
  if (settings.runId) {
    agent.section?.('trigger', `Attaching to ${name} run ${settings.runId}`);
    const handle = await source.attach(settings.runId, untilDeadline(cancel));
    agent.logger.info(`Attached to ${name} run ${handle.runId}: ${handle.runUrl ?? ''}`);
    return handle;
  }
  agent.section?.('trigger', `Starting ${name} ${planLabel(run)}`);
  agent.logger.info(`Starting ${name} ${planLabel(run)}…`);
  // A trigger in flight is given a moment to answer when the job is cancelled, so we learn
  // the run id and can stop it instead of leaving an unknown run behind.
  const handle = await source.trigger(untilDeadline(delayedAbort(cancel, TRIGGER_GRACE_MS)));
  agent.logger.info(`Started ${name} run ${handle.runId}: ${handle.runUrl ?? ''}`);
  return handle;
}

function startFailed(run: VendorRun, error: unknown): RunResult {
  const { source, settings, cancel } = run;
  const name = source.displayName;
  if (cancel.aborted && !settings.runId) {
    run.agent.logger.warn(
      `The job was cancelled while ${name} was starting ${planLabel(run)}. ` +
        `A run may have started there without TestRelay learning its id: check the plan's runs in ${name}.`,
    );
  }
  const cancelled = cancel.aborted;
  return {
    vendor: settings.vendor ?? 'junit',
    vendorName: name,
    title: `${name} ${planLabel(run)}`,
    state: cancelled ? 'cancelled' : 'error',
    verdict: cancelled ? undefined : 'error',
    suites: [],
    links: [],
    message: run.redactor.redact(errorMessage(error)),
    // A local file or an input the vendor could not take: the user's to fix, not the vendor's.
    errorCause: error instanceof InputError ? 'input' : 'vendor',
  };
}

function noteFastPolling(run: VendorRun): void {
  const { pollInterval } = run.settings;
  const { minPollIntervalMs, displayName } = run.source;
  if (typeof pollInterval !== 'number' || pollInterval >= minPollIntervalMs) return;
  // A server on this machine is a simulator or a test double: fast polling is what it is for.
  if (isLoopback(run.settings.baseUrl)) return;
  run.agent.logger.info(
    `Note: ${inputRef('pollInterval')} ${formatDuration(pollInterval)} is faster than ${displayName} should be polled ` +
      `(every ${formatDuration(minPollIntervalMs)} or slower); use auto unless you run against a simulator.`,
  );
}

function isLoopback(baseUrl: string | undefined): boolean {
  if (!baseUrl) return false;
  try {
    const host = new URL(baseUrl).hostname;
    return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
  } catch {
    return false;
  }
}

/** The wait loop, logging each change of status (and a heartbeat) and showing progress. */
function waitWithProgress(
  run: VendorRun,
  handle: RunHandle,
  deadline: number,
  clock: Clock,
): Promise<WaitOutcome<PollSnapshot>> {
  const { source, settings, agent } = run;
  let lastLine = '';
  let lastLogged = clock.now();
  agent.section?.('wait', `Waiting for ${source.displayName} run ${handle.runId}`);
  return waitForRun({
    poll: (signal) => source.poll(handle, signal),
    deadline,
    interval: settings.pollInterval,
    minIntervalMs: source.minPollIntervalMs,
    signal: run.cancel,
    logger: agent.logger,
    clock,
    onPoll: (snapshot, elapsedMs) => {
      const line = `${snapshot.status}${snapshot.detail ? ` — ${snapshot.detail}` : ''}`;
      const stamp = `[${formatDuration(elapsedMs)}] ${line}`;
      agent.progress(stamp, snapshot.progress);
      const heartbeat = elapsedMs < HEARTBEAT_EARLY_FOR_MS ? HEARTBEAT_EARLY_MS : HEARTBEAT_LATE_MS;
      if (line !== lastLine || clock.now() - lastLogged >= heartbeat) {
        agent.logger.info(stamp);
        lastLine = line;
        lastLogged = clock.now();
      }
    },
  });
}

async function finishWait(
  run: VendorRun,
  handle: RunHandle,
  outcome: WaitOutcome<PollSnapshot>,
): Promise<RunResult> {
  const { source, settings, agent } = run;
  const log = agent.logger;
  if (outcome.kind === 'done') {
    return source.collect(
      handle,
      outcome.last,
      AbortSignal.any([run.cancel, AbortSignal.timeout(COLLECT_BUDGET_MS)]),
    );
  }
  const result = source.partial(handle, outcome.last);
  result.verdict = undefined;
  if (outcome.kind === 'timed_out') {
    result.state = 'timed_out';
    // Info: the step's own failure or warning says it once, where it counts.
    log.info(
      `Timed out after ${formatDuration(settings.timeoutMs)} waiting for ${source.displayName} run ${handle.runId}.`,
    );
    if (settings.cancelOnTimeout) {
      result.remoteStopped = await stopRemote(run, handle, TIMEOUT_STOP_BUDGET_MS);
    } else {
      log.info(
        `The run goes on: ${handle.runUrl ?? `run ${handle.runId}`}. A later job can attach to it with ${inputWithValue('runId', handle.runId)}.`,
      );
    }
    return result;
  }
  result.state = 'cancelled';
  log.info(`Cancelled: stopping ${source.displayName} run ${handle.runId}…`);
  result.remoteStopped = await stopRemote(run, handle, STOP_BUDGET_MS);
  return result;
}

/** True when the vendor confirmed the stop. */
async function stopRemote(run: VendorRun, handle: RunHandle, budgetMs: number): Promise<boolean> {
  try {
    const report = await run.source.cancel(handle, AbortSignal.timeout(budgetMs));
    run.agent.logger.info(report.message);
    return report.stopped;
  } catch (error) {
    run.agent.logger.warn(
      `Could not stop ${run.source.displayName} run ${handle.runId}: ${errorMessage(error)}`,
    );
    return false;
  }
}
