// The Spira calls of one report (vendor-apis/spira.md §3). Every call here writes, so each is
// sent `idempotent: false`: the HTTP client then retries only what never reached Spira (and
// 429). The one answer that is retried here is SQL Server's deadlock 500: Spira rolled that
// write back, so sending it again cannot record anything twice. All writes share one Limiter.

import { type Clock, systemClock } from '../../core/clock.js';
import type { HttpClient, HttpRequest, HttpResponse } from '../../core/http.js';
import type { Logger } from '../../core/logger.js';
import { parseJsonOrUndefined } from '../../core/wire.js';
import { classifyWriteError, isDeadlock, SpiraWriteError, WriteStopped } from './errors.js';
import type { Limiter } from './pool.js';
import type {
  ManualRunShell,
  RemoteAutomatedTestRun,
  RemoteBuild,
  RemoteBuildRequest,
} from './wire.js';

/** Attempts in all for a write Spira keeps answering with a deadlock. */
const DEADLOCK_ATTEMPTS = 5;
const DEADLOCK_BASE_DELAY_MS = 500;
const DEADLOCK_MAX_DELAY_MS = 8_000;

export interface WriteOptions {
  signal: AbortSignal;
  /** The one limiter of the report: all its writes share it. */
  limiter: Limiter;
  /** Checked once a slot is free: true = another write failed, send nothing more. */
  stopped: () => boolean;
}

export interface SpiraApiOptions {
  http: HttpClient;
  logger: Logger;
  projectId: number;
  clock?: Clock;
  random?: () => number;
}

export class SpiraApi {
  private readonly clock: Clock;
  private readonly random: () => number;

  constructor(private readonly options: SpiraApiOptions) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
  }

  private get project(): string {
    return `/projects/${this.options.projectId}`;
  }

  /** Creates the build and returns its BuildId. */
  async createBuild(
    releaseId: number,
    body: RemoteBuildRequest,
    options: WriteOptions,
  ): Promise<number> {
    const response = await this.write(
      { method: 'POST', path: `${this.project}/releases/${releaseId}/builds`, body },
      options,
    );
    const build = parseJsonOrUndefined(response.text) as RemoteBuild | undefined;
    const id = build?.BuildId;
    if (typeof id !== 'number' || !Number.isInteger(id) || id <= 0) {
      throw new SpiraWriteError(
        'badAnswer',
        `Spira answered the new build without a BuildId (HTTP ${response.status})`,
        true,
        response.status,
      );
    }
    return id;
  }

  /** POST test-runs/record-multiple: an array of runs in one request. */
  async recordMultiple(runs: RemoteAutomatedTestRun[], options: WriteOptions): Promise<void> {
    await this.write(
      { method: 'POST', path: `${this.project}/test-runs/record-multiple`, body: runs },
      options,
    );
  }

  /** POST test-runs/record: exactly one run (an array is refused, §5). */
  async record(run: RemoteAutomatedTestRun, options: WriteOptions): Promise<void> {
    await this.write(
      { method: 'POST', path: `${this.project}/test-runs/record`, body: run },
      options,
    );
  }

  /** KB684 step 1: one shell per test case id, in order (a shell is not stored yet). */
  async createShells(
    testCaseIds: number[],
    releaseId: number | undefined,
    options: WriteOptions,
  ): Promise<ManualRunShell[]> {
    const response = await this.write(
      {
        method: 'POST',
        path: `${this.project}/test-runs/create`,
        query: releaseId === undefined ? undefined : { release_id: releaseId },
        body: testCaseIds,
      },
      options,
    );
    const shells = parseJsonOrUndefined(response.text);
    if (!Array.isArray(shells)) {
      throw new SpiraWriteError(
        'badAnswer',
        `Spira answered the manual-run shells with something other than a list (HTTP ${response.status})`,
        false,
        response.status,
      );
    }
    return shells as ManualRunShell[];
  }

  /** KB684 step 3: PUT the populated shells. Spira answers 200 with an EMPTY body: not parsed. */
  async saveManualRuns(
    runs: ManualRunShell[],
    endDate: string,
    options: WriteOptions,
  ): Promise<void> {
    await this.write(
      {
        method: 'PUT',
        path: `${this.project}/test-runs`,
        query: { end_date: endDate },
        body: runs,
      },
      options,
    );
  }

  /**
   * Sends one write through the limiter. A deadlock answer shrinks the limiter (the database
   * is past what it bears) and is sent again after a jittered backoff, a few times at most;
   * every other failure is thrown as a SpiraWriteError.
   */
  private async write(
    request: Omit<HttpRequest, 'idempotent' | 'signal'>,
    options: WriteOptions,
  ): Promise<HttpResponse> {
    const { signal } = options;
    for (let attempt = 1; ; attempt += 1) {
      let sent = false;
      try {
        return await options.limiter.run(async () => {
          if (options.stopped()) throw new WriteStopped();
          sent = true;
          return this.options.http.request({ ...request, idempotent: false, signal });
        }, signal);
      } catch (error) {
        if (error instanceof WriteStopped) throw error;
        if (!isDeadlock(error) || signal.aborted) throw classifyWriteError(error, sent);
        options.limiter.shrink();
        if (attempt >= DEADLOCK_ATTEMPTS) {
          const failure = classifyWriteError(error, sent);
          throw new SpiraWriteError(
            'deadlock',
            `${failure.said} (${attempt} attempts)`,
            false,
            failure.status,
          );
        }
        const delay =
          Math.min(DEADLOCK_MAX_DELAY_MS, DEADLOCK_BASE_DELAY_MS * 2 ** (attempt - 1)) *
          (0.5 + this.random() / 2);
        this.options.logger.info(
          `Spira: ${request.method} ${request.path} was a database deadlock victim (rolled back); ` +
            `sending it again in ${(delay / 1000).toFixed(1)}s with at most ${options.limiter.current} ` +
            `write(s) in flight (attempt ${attempt + 1} of ${DEADLOCK_ATTEMPTS}).`,
        );
        try {
          await this.clock.sleep(delay, signal);
        } catch (sleepError) {
          // Cancelled while waiting: the rolled-back write was never stored.
          throw classifyWriteError(sleepError, false);
        }
      }
    }
  }
}
