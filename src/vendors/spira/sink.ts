// Spira as a TestRelay report sink (vendor-apis/spira.md): map the tests to test cases before
// any request, create the optional build, then record one test run per mapped test —
// automated runs with record-multiple in chunks bounded by count and by size
// (record-automated.ts), and the KB684 manual-run flow for tests whose mapping line says
// `manual` (record-manual.ts). At most three writes are in flight at once (§5), and nothing is
// ever sent twice: a write whose answer was lost is not retried, and the report says it may
// or may not have been recorded. The sentences of the report are in messages.ts.

import { batchesOf } from '../../core/batches.js';
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { Redactor } from '../../core/redact.js';
import { allCases, caseLabel, type RunResult } from '../../core/result.js';
import type { Settings } from '../../core/settings.js';
import { type Sink, type SinkReport, sinkReport } from '../../core/sink.js';
import type { SpiraApi, WriteOptions } from './api.js';
import { classifyWriteError } from './errors.js';
import { isManual } from './manual.js';
import { type CaseMapping, mapCases } from './mapping.js';
import {
  badPropertiesWarning,
  buildCreated,
  manualOverriddenLine,
  NO_RESULTS,
  noMatchMessage,
  progressSentence,
  reasonOf,
  stoppedBy,
  successMessage,
  unexpectedFailure,
  type Where,
} from './messages.js';
import { automatedRun, buildRequest, type RunTargets } from './payload.js';
import { chunksOf, Limiter } from './pool.js';
import { recordAutomated } from './record-automated.js';
import { recordManual } from './record-manual.js';
import {
  CHUNK_SIZE,
  MAX_WRITE_BYTES,
  type Progress,
  type Recording,
  startProgress,
} from './recording.js';
import type { SpiraSettings } from './settings.js';
import { runTimes } from './timing.js';
import { buildPageUrl, testRunsPageUrl } from './wire.js';

const DISPLAY_NAME = 'Spira';

export interface SpiraSinkDependencies {
  api: SpiraApi;
  logger: Logger;
  redactor: Redactor;
  clock?: Clock;
  /** Writes in flight at once (Spira deadlocks under more, §5). */
  maxConcurrentWrites: number;
}

/** What a report says besides its status and message. */
interface ReportExtra {
  sent?: number;
  unmatched?: string[];
  buildId?: number;
  anyRecorded?: boolean;
}

export class SpiraSink implements Sink {
  readonly name = 'spira';
  readonly displayName = DISPLAY_NAME;
  private readonly api: SpiraApi;
  private readonly logger: Logger;
  private readonly redactor: Redactor;
  private readonly clock: Clock;
  private readonly maxConcurrentWrites: number;

  constructor(
    private readonly settings: Settings,
    private readonly own: SpiraSettings,
    deps: SpiraSinkDependencies,
  ) {
    this.api = deps.api;
    this.logger = deps.logger;
    this.redactor = deps.redactor;
    this.clock = deps.clock ?? systemClock;
    this.maxConcurrentWrites = deps.maxConcurrentWrites;
  }

  private get projectId(): number {
    return this.own.projectId ?? 0;
  }

  private get where(): Where {
    return { spira: this.own, projectId: this.projectId };
  }

  async report(result: RunResult, signal: AbortSignal): Promise<SinkReport> {
    let report: SinkReport;
    try {
      report = await this.deliver(result, signal);
    } catch (error) {
      // deliver() explains every failure it expects; this is the net for the rest.
      const failure = classifyWriteError(error, false);
      report = this.reportOf('failed', allCases(result).length, unexpectedFailure(failure.said));
    }
    return { ...report, message: this.redactor.redact(report.message) };
  }

  private async deliver(result: RunResult, signal: AbortSignal): Promise<SinkReport> {
    const total = allCases(result).length;
    if (total === 0) return this.reportOf('skipped', 0, NO_RESULTS);
    // Mapping comes first: with nothing mapped, not a single request may be sent.
    const mapping = mapCases(result, this.own.mapping);
    this.logMappingNotes(mapping);
    const unmatched = mapping.unmatched.map(caseLabel);
    if (mapping.mapped.length === 0) {
      const { failOnNoMatch } = this.settings;
      const message = noMatchMessage(total, failOnNoMatch);
      return this.reportOf(failOnNoMatch ? 'failed' : 'skipped', total, message, { unmatched });
    }

    const progress = startProgress(mapping.mapped.length);
    const options: WriteOptions = {
      signal,
      // One per report: a deadlock lowers it for the rest of this report only.
      limiter: new Limiter(this.maxConcurrentWrites),
      stopped: () => progress.failure !== undefined || signal.aborted,
    };
    const recording: Recording = { api: this.api, logger: this.logger, options, progress };
    const built = await this.createBuild(recording, result);
    if (built) await this.recordRuns(recording, mapping);

    // Every run must have been recorded: a write skipped after a cancel leaves no failure behind.
    if (progress.failure || progress.recorded < progress.planned) {
      return this.failedReport(total, progress, unmatched, signal);
    }
    const message = successMessage(this.where, progress, mapping.unmatched.length);
    return this.reportOf('reported', total, message, {
      sent: progress.recorded,
      unmatched,
      buildId: progress.buildId,
    });
  }

  /** Warnings about the mapping that do not stop reporting. */
  private logMappingNotes(mapping: CaseMapping): void {
    if (mapping.badProperties.length > 0) {
      this.logger.warn(badPropertiesWarning(mapping.badProperties));
    }
    if (mapping.manualOverridden.length > 0) {
      this.logger.info(manualOverriddenLine(mapping.manualOverridden));
    }
  }

  /**
   * The build the runs go into, when spiraBuildName and spiraReleaseId are set. False when
   * creating it failed (the failure is in the progress): no run is recorded then.
   */
  private async createBuild(recording: Recording, result: RunResult): Promise<boolean> {
    const spira = this.own;
    if (!spira.buildName || spira.releaseId === undefined) return true;
    const { progress } = recording;
    const body = buildRequest(
      this.projectId,
      spira.releaseId,
      spira.buildName,
      result,
      this.settings.ci,
    );
    try {
      progress.buildId = await this.api.createBuild(spira.releaseId, body, recording.options);
      this.logger.info(buildCreated(progress.buildId, spira.buildName, spira.releaseId));
      return true;
    } catch (error) {
      const context = {
        action: `creating build "${spira.buildName}"`,
        testCaseIds: [],
        inDoubt:
          'the build may or may not have been created (not sent again, so that there are not two)',
      };
      progress.failure = { error: classifyWriteError(error, true), context };
      return false;
    }
  }

  /** Every chunk is started at once; the shared limiter lets three writes out at a time. */
  private async recordRuns(recording: Recording, mapping: CaseMapping): Promise<void> {
    const { statuses, releaseId, testSetId } = this.own;
    const targets: RunTargets = { releaseId, testSetId, buildId: recording.progress.buildId };
    const times = runTimes(mapping.mapped, this.clock.now());
    const manual = mapping.mapped.filter((mapped) => isManual(mapped, statuses));
    const automated = mapping.mapped
      .filter((mapped) => !isManual(mapped, statuses))
      .map((mapped) => automatedRun(mapped, statuses, times.get(mapped)!, targets));
    await Promise.all([
      ...batchesOf(automated, (run) => run, MAX_WRITE_BYTES, CHUNK_SIZE).map((runs) =>
        recordAutomated(recording, runs, true),
      ),
      ...chunksOf(manual, CHUNK_SIZE).map((chunk) =>
        recordManual(recording, chunk, { statuses, times, targets }),
      ),
    ]);
  }

  private failedReport(
    total: number,
    progress: Progress,
    unmatched: string[],
    signal: AbortSignal,
  ): SinkReport {
    const failure = progress.failure;
    const stopped = stoppedBy(signal);
    const reason = failure
      ? reasonOf(this.where, failure.error, failure.context, stopped, progress.buildId)
      : `Reporting to Spira was ${stopped}.`;
    return this.reportOf('failed', total, `${reason} ${progressSentence(progress)}`, {
      sent: progress.recorded,
      unmatched,
      buildId: progress.buildId,
      anyRecorded: progress.recorded > 0 || progress.inDoubt > 0,
    });
  }

  private reportOf(
    status: SinkReport['status'],
    total: number,
    message: string,
    extra: ReportExtra = {},
  ): SinkReport {
    const report = sinkReport(this, status, message, total, extra);
    const url = this.own.url;
    if (extra.buildId !== undefined) {
      report.url = buildPageUrl(url, this.projectId, extra.buildId);
      report.id = String(extra.buildId);
    } else if (status === 'reported' || extra.anyRecorded) {
      report.url = testRunsPageUrl(url, this.projectId);
    }
    return report;
  }
}
