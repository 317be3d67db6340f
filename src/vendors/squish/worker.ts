// The worker mode's loop (issue 16; vendor-apis/squish-test-center.md §4, "External
// workers"): reserve an execution with this machine's capabilities, run the command for it
// with heartbeats, report `finished` (or `reset` it for another worker), and again — in
// `concurrency` slots at once — until Test Center has nothing left for these capabilities.
// A cancel or the deadline stops the running commands and resets their executions, so none
// is left reserved or lost.

import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { Redactor } from '../../core/redact.js';
import { errorMessage } from '../../core/text.js';
import { runCommand, type CommandRun } from './command.js';
import type { ExecutionApi } from './execution-api.js';
import { keepAlive } from './heartbeat.js';
import type { Reservation, ReservationApi } from './reservation-api.js';
import { normalizeStatus } from './wire.js';
import type { WorkerSettings } from './worker-settings.js';

export type ExecutionOutcome = 'passed' | 'failed' | 'reset' | 'cancelled';

/** One execution this worker ran (a reset one and its retry here are two). */
export interface ExecutionRecord {
  reservation: Reservation;
  outcome: ExecutionOutcome;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  durationMs: number;
  /** The last lines of output, for a failure. */
  tail: string[];
  /** Set when Test Center did not take the report (the record says what was meant). */
  reportProblem?: string;
}

export interface WorkerRun {
  records: ExecutionRecord[];
  /** How the loop ended. */
  ended: 'drained' | 'cancelled' | 'timed_out' | 'error';
  error?: string;
}

export interface WorkerContext {
  reservations: ReservationApi;
  executions: ExecutionApi;
  settings: WorkerSettings;
  capabilities: ReadonlyArray<[string, string]>;
  /** The server address, for the command's environment. */
  serverUrl: string;
  logger: Logger;
  redactor: Redactor;
  clock: Clock;
  /** Starts a collapsible log part (the CI's group or section); absent in a plain log. */
  section?: (title: string) => void;
  /** Jitter for the backoff (tests pin it). */
  random?: () => number;
}

// How long a reset or cancel report may take once the job is stopping: the CI gives a
// cancelled job a few seconds, and the command's own stop comes first.
const REPORT_BUDGET_MS = 1500;
const MAX_BACKOFF_MS = 30_000;

export class SquishWorker {
  private readonly records: ExecutionRecord[] = [];
  private readonly resets = new Map<string, number>();
  private readonly stopper = new AbortController();
  // Aborted REPORT_BUDGET_MS after a stop: what is being reported then still gets through,
  // and nothing keeps a cancelled job past the CI's grace period.
  private readonly reportCutoff = new AbortController();
  private failure: string | undefined;
  private drainedNoted = false;

  constructor(private readonly c: WorkerContext) {
    this.stopper.signal.addEventListener(
      'abort',
      () => {
        setTimeout(() => this.reportCutoff.abort(), REPORT_BUDGET_MS).unref();
      },
      { once: true },
    );
  }

  /** Works plan instance `runId` off until nothing is left, the deadline, or `cancel`. */
  async run(runId: string, deadline: number, cancel: AbortSignal): Promise<WorkerRun> {
    const { clock } = this.c;
    let timedOut = false;
    const onCancel = (): void => this.stopper.abort();
    cancel.addEventListener('abort', onCancel, { once: true });
    if (cancel.aborted) this.stopper.abort();
    const deadlineTimer = setTimeout(
      () => {
        timedOut = true;
        this.stopper.abort();
      },
      Math.max(0, deadline - clock.now()),
    );
    try {
      const slots = Array.from({ length: this.c.settings.concurrency }, () => this.slot(runId));
      await Promise.all(slots);
    } finally {
      clearTimeout(deadlineTimer);
      cancel.removeEventListener('abort', onCancel);
    }
    const ended = this.failure
      ? 'error'
      : cancel.aborted
        ? 'cancelled'
        : timedOut
          ? 'timed_out'
          : 'drained';
    return { records: this.records, ended, error: this.failure };
  }

  /** One slot: reserve and run until there is nothing left for it. */
  private async slot(runId: string): Promise<void> {
    const { settings, logger } = this.c;
    const stop = this.stopper.signal;
    let backoff = 1000;
    let waitingNoted = false;
    while (!stop.aborted) {
      let answer;
      try {
        answer = await this.c.reservations.reserve(
          runId,
          this.c.capabilities,
          settings.reservationTimeoutMs,
          settings.allocateServer,
          stop,
        );
      } catch (error) {
        if (!stop.aborted) this.fail(error);
        return;
      }
      if (answer.kind === 'reserved') {
        backoff = 1000;
        waitingNoted = false;
        const outcome = await this.execute(answer.reservation);
        // Give a healthier worker the first chance at what this machine could not run.
        if (outcome === 'reset') await this.pause(this.idleMs() * 2);
        continue;
      }
      if (answer.kind === 'no-servers') {
        logger.info(
          `${answer.status} Retrying in ${Math.round(backoff / 1000)}s (until the timeout).`,
        );
        await this.pause(backoff * (0.8 + 0.4 * (this.c.random ?? Math.random)()));
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        continue;
      }
      if (answer.kind === 'unknown') {
        this.fail(new Error(`Test Center answered the reservation with "${answer.status}"`));
        return;
      }
      // Nothing open for these capabilities. Executions others hold may still come back (a
      // reset, a reservation that lapses), so the slot waits while any are reserved.
      const reserved = await this.reservedForCapabilities(runId);
      if (reserved === 0) {
        if (!this.drainedNoted) logger.info(`${answer.status} Nothing left for this worker.`);
        this.drainedNoted = true;
        return;
      }
      if (!waitingNoted) {
        logger.info(
          `Nothing open for these capabilities; ${reserved} still reserved (here or by other workers) may come back. Waiting.`,
        );
        waitingNoted = true;
      }
      await this.pause(this.idleMs());
    }
  }

  /** Executions with these capabilities reserved now (by any worker); 0 when unknown. */
  private async reservedForCapabilities(runId: string): Promise<number> {
    try {
      const raw = await this.c.executions.status(
        runId,
        Object.fromEntries(this.c.capabilities),
        this.stopper.signal,
      );
      return normalizeStatus(raw)?.reserved ?? 0;
    } catch {
      return 0;
    }
  }

  private idleMs(): number {
    return Math.min(10_000, Math.max(1000, this.c.settings.reservationTimeoutMs / 2));
  }

  private async pause(ms: number): Promise<void> {
    try {
      await this.c.clock.sleep(ms, this.stopper.signal);
    } catch {
      // Stopped: the loop sees it.
    }
  }

  private fail(error: unknown): void {
    this.failure ??= this.c.redactor.redact(errorMessage(error));
    this.stopper.abort();
  }

  /** Runs one reserved execution and reports it; what became of it. */
  private async execute(reservation: Reservation): Promise<ExecutionOutcome> {
    const { settings, logger, redactor } = this.c;
    const id = reservation.executionId;
    const title = executionTitle(reservation);
    const where = reservation.server
      ? ` on Squish server ${reservation.server.host}:${reservation.server.port}`
      : '';
    const single = settings.concurrency === 1;
    if (single) this.c.section?.(title);
    logger.info(`Reserved execution ${id}: ${title}${where}.`);
    const prefix = single ? '' : `[${reservation.testcase}] `;
    const beats = keepAlive(
      this.c.reservations,
      id,
      settings.reservationTimeoutMs,
      this.c.clock,
      logger,
    );
    let run: CommandRun;
    try {
      run = await runCommand({
        command: settings.command,
        env: this.environment(reservation),
        onLine: (line) => logger.info(redactor.redact(prefix + line)),
        stop: this.stopper.signal,
      });
    } finally {
      await beats.stop();
    }
    const record: ExecutionRecord = {
      reservation,
      outcome: this.outcomeOf(run, id),
      exitCode: run.exitCode,
      signal: run.signal,
      durationMs: run.durationMs,
      tail: run.tail.map((line) => redactor.redact(line)),
    };
    this.records.push(record);
    await this.report(record);
    if (single) this.c.section?.('Reserving executions');
    return record.outcome;
  }

  private outcomeOf(run: CommandRun, id: string): ExecutionOutcome {
    if (run.stopped) return 'cancelled';
    if (run.exitCode === 0) return 'passed';
    const resets = this.resets.get(id) ?? 0;
    if (
      run.exitCode !== null &&
      this.c.settings.resetOnExitCodes.includes(run.exitCode) &&
      resets < this.c.settings.maxResets
    ) {
      this.resets.set(id, resets + 1);
      return 'reset';
    }
    return 'failed';
  }

  /** Tells Test Center what became of the execution: finished, or finished and reset. */
  private async report(record: ExecutionRecord): Promise<void> {
    const { logger } = this.c;
    const id = record.reservation.executionId;
    const exit = exitText(record);
    const details = record.tail.join('\n');
    // Not cut short by a stop: a stopping job still owes Test Center its executions back, in
    // the short budget after it (reportCutoff).
    const signal = AbortSignal.any([this.reportCutoff.signal, AbortSignal.timeout(60_000)]);
    const api = this.c.reservations;
    try {
      switch (record.outcome) {
        case 'passed':
          await api.finished(id, undefined, signal);
          logger.info(`Execution ${id} passed (${exit}).`);
          break;
        case 'failed':
          await api.finished(id, { message: `Test execution failed (${exit})`, details }, signal);
          logger.info(`Execution ${id} failed (${exit}).`);
          break;
        case 'reset':
          // §4: reset puts a *failed* execution back to open, so it is finished as failed first.
          await api.finished(
            id,
            { message: `Infrastructure failure (${exit}): reset for a retry`, details },
            signal,
          );
          await api.reset(id, signal);
          logger.warn(
            `Execution ${id}: ${exit} means an infrastructure failure; reset it for a retry.`,
          );
          break;
        case 'cancelled':
          await api.finished(
            id,
            { message: 'Test execution cancelled', details: 'The CI job running it was stopped.' },
            signal,
          );
          await api.reset(id, signal);
          logger.warn(`Execution ${id}: stopped the command and reset the execution for a retry.`);
          break;
      }
    } catch (error) {
      record.reportProblem = this.c.redactor.redact(errorMessage(error));
      logger.warn(`Could not report execution ${id} to Test Center: ${record.reportProblem}`);
    }
  }

  /** The job's environment without TestRelay's secrets, plus the execution's data. */
  private environment(reservation: Reservation): NodeJS.ProcessEnv {
    const secrets = new Set(this.c.redactor.list());
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (value !== undefined && !secrets.has(value)) env[key] = value;
    }
    const data: Record<string, string | undefined> = {
      EXECUTION_ID: reservation.executionId,
      SUITE: reservation.suite,
      TESTCASE: reservation.testcase,
      TEST_ID: reservation.testId,
      BATCH: reservation.batch,
      PROJECT: reservation.project,
      URL: this.c.serverUrl,
      SERVER_HOST: reservation.server?.host,
      SERVER_PORT: reservation.server?.port,
    };
    for (const [key, value] of Object.entries(data)) {
      if (value !== undefined && value !== '') env[`TESTRELAY_SQUISH_${key}`] = value;
    }
    return env;
  }
}

export function executionTitle(reservation: Reservation): string {
  return reservation.suite
    ? `${reservation.suite} / ${reservation.testcase}`
    : reservation.testcase;
}

export function exitText(record: Pick<ExecutionRecord, 'exitCode' | 'signal'>): string {
  if (record.exitCode !== null) return `exit code ${record.exitCode}`;
  return `ended by ${record.signal ?? 'a signal'}`;
}
