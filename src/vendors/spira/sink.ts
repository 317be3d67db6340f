// Spira as a TestRelay report sink (vendor-apis/spira.md): map the tests to test cases before
// any request, create the optional build, then record one test run per mapped test —
// automated runs with record-multiple in chunks bounded by count and by size (record one by
// one on servers without it), and the KB684 manual-run flow for tests whose mapping line says
// `manual`. At most three writes are in flight at once (§5), and nothing is ever sent twice: a
// write whose answer was lost is not retried, and the report says it may or may not have been
// recorded. The one resend is of a chunk refused whole as too large (413), in two halves.

import { batchesOf } from '../../core/batches.js';
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { Redactor } from '../../core/redact.js';
import { allCases, caseLabel, type RunResult } from '../../core/result.js';
import type { Settings } from '../../core/settings.js';
import type { SpiraSettings } from './settings.js';
import { type Sink, type SinkReport, sinkReport } from '../../core/sink.js';
import { plural, sentence } from '../../core/text.js';
import type { SpiraApi, WriteOptions } from './api.js';
import { classifyWriteError, SpiraWriteError, WriteStopped } from './errors.js';
import { isManual, latestEnd, populateShells } from './manual.js';
import { type MappedCase, mapCases } from './mapping.js';
import { automatedRun, buildRequest, type RunTargets } from './payload.js';
import { chunksOf, Limiter } from './pool.js';
import { type RunTimes, runTimes } from './timing.js';
import {
  buildPageUrl,
  type ManualRunShell,
  type RemoteAutomatedTestRun,
  SERVICE_PATH,
  testRunsPageUrl,
} from './wire.js';

const DISPLAY_NAME = 'Spira';
/** Runs per record-multiple request, and test cases per manual-run shell request. */
const CHUNK_SIZE = 25;
/**
 * Bytes of runs per write (record-multiple, and the PUT of manual runs): with messages and
 * stack traces cut (payload.ts) a chunk of 25 usually fits, but non-ASCII text takes up to 3
 * bytes a character. 500 KiB of runs plus the array's brackets and commas keeps every body
 * under 512 KiB, half the 1 MiB that servers and proxies commonly take.
 */
const MAX_WRITE_BYTES = 500 * 1024;

/** What one write was about, for the message when it fails. */
interface WriteContext {
  action: string;
  testCaseIds: number[];
  /** What a lost answer means for this write (it is never sent again). */
  inDoubt: string;
}

const RUNS_IN_DOUBT = 'not sent again, so that no run is recorded twice';

/** How far reporting got: the report says it, also when it stops half-way. */
interface Progress {
  planned: number;
  recorded: number;
  manualRecorded: number;
  /** Runs whose write failed after it may have reached Spira (never retried). */
  inDoubt: number;
  /** The first failure: it stops every write not yet sent. */
  failure?: { error: SpiraWriteError; context: WriteContext };
  buildId?: number;
  /** Set once record-multiple answered "no such operation": record one by one from then on. */
  single: boolean;
}

export interface SpiraSinkDependencies {
  api: SpiraApi;
  logger: Logger;
  redactor: Redactor;
  clock?: Clock;
  /** Writes in flight at once (Spira deadlocks under more, §5). */
  maxConcurrentWrites: number;
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

  async report(result: RunResult, signal: AbortSignal): Promise<SinkReport> {
    let report: SinkReport;
    try {
      report = await this.deliver(result, signal);
    } catch (error) {
      // deliver() explains every failure it expects; this is the net for the rest.
      const failure = classifyWriteError(error, false);
      report = this.reportOf(
        'failed',
        allCases(result).length,
        `Reporting to Spira failed: ${sentence(failure.said)}`,
      );
    }
    return { ...report, message: this.redactor.redact(report.message) };
  }

  private async deliver(result: RunResult, signal: AbortSignal): Promise<SinkReport> {
    const spira = this.own;
    const total = allCases(result).length;
    if (total === 0) {
      return this.reportOf('skipped', 0, 'No test results to report; nothing was sent to Spira.');
    }
    // Mapping comes first: with nothing mapped, not a single request may be sent.
    const mapping = mapCases(result, spira.mapping);
    const unmatched = mapping.unmatched.map(caseLabel);
    if (mapping.badProperties.length > 0) {
      this.logger.warn(
        `Spira: ${plural(mapping.badProperties.length, 'test')} ${mapping.badProperties.length === 1 ? 'has' : 'have'} ` +
          `a test case property (spira.testCaseId, spiraTestCaseId, spira or TestCaseId) that is not an id ` +
          `(expected 123 or TC:123), e.g. ${caseLabel(mapping.badProperties[0])}; the other mapping rules were used.`,
      );
    }
    if (mapping.manualOverridden.length > 0) this.logManualOverridden(mapping.manualOverridden);
    if (mapping.mapped.length === 0) {
      const status = this.settings.failOnNoMatch ? 'failed' : 'skipped';
      return this.reportOf(status, total, noMatchMessage(total, this.settings.failOnNoMatch), {
        unmatched,
      });
    }

    const progress: Progress = {
      planned: mapping.mapped.length,
      recorded: 0,
      manualRecorded: 0,
      inDoubt: 0,
      single: false,
    };
    const options: WriteOptions = {
      signal,
      // One per report: a deadlock lowers it for the rest of this report only.
      limiter: new Limiter(this.maxConcurrentWrites),
      stopped: () => progress.failure !== undefined || signal.aborted,
    };

    if (spira.buildName && spira.releaseId !== undefined) {
      const context: WriteContext = {
        action: `creating build "${spira.buildName}"`,
        testCaseIds: [],
        inDoubt:
          'the build may or may not have been created (not sent again, so that there are not two)',
      };
      try {
        progress.buildId = await this.api.createBuild(
          spira.releaseId,
          buildRequest(this.projectId, spira.releaseId, spira.buildName, result, this.settings.ci),
          options,
        );
        this.logger.info(
          `Spira: created build ${progress.buildId} "${spira.buildName}" under release ${spira.releaseId}.`,
        );
      } catch (error) {
        progress.failure = { error: classifyWriteError(error, true), context };
        return this.failedReport(total, progress, unmatched, signal);
      }
    }

    const targets: RunTargets = {
      releaseId: spira.releaseId,
      testSetId: spira.testSetId,
      buildId: progress.buildId,
    };
    const times = runTimes(mapping.mapped, this.clock.now());
    const manual = mapping.mapped.filter((mapped) => isManual(mapped, spira.statuses));
    const automated = mapping.mapped
      .filter((mapped) => !isManual(mapped, spira.statuses))
      .map((mapped) => automatedRun(mapped, spira.statuses, times.get(mapped)!, targets));
    // Every chunk is started at once; the shared limiter lets three writes out at a time.
    await Promise.all([
      ...batchesOf(automated, (run) => run, MAX_WRITE_BYTES, CHUNK_SIZE).map((runs) =>
        this.sendAutomated(runs, progress, options, true),
      ),
      ...chunksOf(manual, CHUNK_SIZE).map((chunk) =>
        this.sendManual(chunk, times, targets, progress, options),
      ),
    ]);

    // Every run must have been recorded: a write skipped after a cancel leaves no failure behind.
    if (progress.failure || progress.recorded < progress.planned) {
      return this.failedReport(total, progress, unmatched, signal);
    }
    return this.reportOf(
      'reported',
      total,
      this.successMessage(progress, mapping.unmatched.length),
      {
        sent: progress.recorded,
        unmatched,
        buildId: progress.buildId,
      },
    );
  }

  /**
   * Records one chunk with record-multiple (or run by run once the server has none).
   * `mayHalve`: a chunk refused as too large (413) is sent again once as two halves, each
   * sent once; the halves never split again.
   */
  private async sendAutomated(
    runs: RemoteAutomatedTestRun[],
    progress: Progress,
    options: WriteOptions,
    mayHalve: boolean,
  ): Promise<void> {
    if (!progress.single) {
      try {
        await this.api.recordMultiple(runs, options);
        progress.recorded += runs.length;
        this.logger.debug(`Spira: recorded ${plural(runs.length, 'test run')} (record-multiple).`);
        return;
      } catch (error) {
        const failure = error instanceof WriteStopped ? error : classifyWriteError(error, true);
        // 413 is a refusal of the whole body before any of it was read as runs: nothing of
        // this chunk was stored, so sending its halves cannot record a run twice.
        if (
          mayHalve &&
          runs.length > 1 &&
          failure instanceof SpiraWriteError &&
          failure.status === 413 &&
          !failure.mayHaveBeenWritten
        ) {
          const half = Math.ceil(runs.length / 2);
          this.logger.info(
            `Spira: a chunk of ${plural(runs.length, 'test run')} was too large for the server (${failure.said}); ` +
              `sending it again as two chunks of ${half} and ${runs.length - half}.`,
          );
          await Promise.all(
            [runs.slice(0, half), runs.slice(half)].map((part) =>
              this.sendAutomated(part, progress, options, false),
            ),
          );
          return;
        }
        if (!(failure instanceof SpiraWriteError) || failure.kind !== 'noOperation') {
          this.fail(
            failure,
            { action: 'recording test runs', testCaseIds: ids(runs), inDoubt: RUNS_IN_DOUBT },
            runs.length,
            progress,
          );
          return;
        }
        // An older server without record-multiple: nothing of this chunk was recorded.
        if (!progress.single) {
          progress.single = true;
          this.logger.info(
            `Spira: this server has no test-runs/record-multiple (${failure.said}); recording one run per request instead.`,
          );
        }
      }
    }
    await Promise.all(
      runs.map(async (run) => {
        try {
          await this.api.record(run, options);
          progress.recorded += 1;
        } catch (error) {
          this.fail(
            error,
            {
              action: 'recording a test run',
              testCaseIds: [run.TestCaseId],
              inDoubt: RUNS_IN_DOUBT,
            },
            1,
            progress,
          );
        }
      }),
    );
  }

  private async sendManual(
    chunk: MappedCase[],
    times: Map<MappedCase, RunTimes>,
    targets: RunTargets,
    progress: Progress,
    options: WriteOptions,
  ): Promise<void> {
    const testCaseIds = chunk.map((mapped) => mapped.testCaseId);
    let runs;
    try {
      const shells = await this.api.createShells(testCaseIds, targets.releaseId, options);
      runs = populateShells(shells, chunk, this.own.statuses, times, targets);
    } catch (error) {
      // A shell is not a stored run: whatever happened to this request, nothing was recorded.
      const failure = error instanceof WriteStopped ? error : classifyWriteError(error, true);
      const settled =
        failure instanceof SpiraWriteError
          ? new SpiraWriteError(failure.kind, failure.said, false, failure.status)
          : failure;
      this.fail(
        settled,
        { action: 'creating manual-run shells', testCaseIds, inDoubt: 'not sent again' },
        chunk.length,
        progress,
      );
      return;
    }
    // Each step carries the message as its ActualResult, so a chunk of shells can be far
    // larger than its automated runs would be: the PUT is cut by size too (each part is
    // saved on its own; a shell is only stored by the PUT that carries it).
    const parts = batchesOf(runs, (run) => run, MAX_WRITE_BYTES, CHUNK_SIZE);
    await Promise.all(parts.map((part) => this.saveManual(part, progress, options)));
  }

  private async saveManual(
    runs: ManualRunShell[],
    progress: Progress,
    options: WriteOptions,
  ): Promise<void> {
    try {
      await this.api.saveManualRuns(runs, latestEnd(runs), options);
      progress.recorded += runs.length;
      progress.manualRecorded += runs.length;
    } catch (error) {
      this.fail(
        error,
        { action: 'saving manual test runs', testCaseIds: ids(runs), inDoubt: RUNS_IN_DOUBT },
        runs.length,
        progress,
      );
    }
  }

  /** One line for all the tests whose own id won over a `manual` mapping line (mapping.ts). */
  private logManualOverridden(cases: MappedCase[]): void {
    const first = cases[0];
    const from = first.source === 'name' ? 'its TC: token' : 'its test case property';
    const example = `${caseLabel(first.testCase)} (test case ${first.testCaseId}, from ${from})`;
    this.logger.info(
      cases.length === 1
        ? `Spira: ${example} has its own test case id, which wins over its spiraMapping line ` +
            'saying manual: it is recorded as an automated run.'
        : `Spira: ${cases.length} tests have their own test case id, which wins over their ` +
            `spiraMapping lines saying manual: they are recorded as automated runs, e.g. ${example}.`,
    );
  }

  /** Keeps the first failure (it stops the writes not yet sent) and counts runs in doubt. */
  private fail(error: unknown, context: WriteContext, runs: number, progress: Progress): void {
    if (error instanceof WriteStopped) return;
    const failure = classifyWriteError(error, true);
    if (failure.mayHaveBeenWritten) progress.inDoubt += runs;
    // A cancelled write is only a consequence when something else failed first.
    if (
      !progress.failure ||
      (progress.failure.error.kind === 'cancelled' && failure.kind !== 'cancelled')
    ) {
      progress.failure = { error: failure, context };
    }
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
      ? this.reasonOf(failure.error, failure.context, stopped, progress.buildId)
      : `Reporting to Spira was ${stopped}.`;
    return this.reportOf('failed', total, `${reason} ${this.progressSentence(progress)}`, {
      sent: progress.recorded,
      unmatched,
      buildId: progress.buildId,
      anyRecorded: progress.recorded > 0 || progress.inDoubt > 0,
    });
  }

  /** What went wrong, in Spira's words plus what to check. */
  private reasonOf(
    error: SpiraWriteError,
    context: WriteContext,
    stopped: string,
    buildId?: number,
  ): string {
    const spira = this.own;
    const where = this.idsInvolved(context, buildId);
    switch (error.kind) {
      case 'auth':
        return (
          `Spira refused the API key of spiraUsername "${spira.username ?? ''}" (${error.said}): check spiraApiKey ` +
          "(the user's RSS token from My Profile, with its curly braces) and that RSS/API access is enabled for that user."
        );
      case 'notFound': {
        const checks =
          context.testCaseIds.length > 0
            ? 'spiraMapping (the test case ids), spiraProjectId, spiraReleaseId and spiraTestSetId'
            : 'spiraProjectId and spiraReleaseId';
        return `Spira found no such artifact while ${context.action} ${where}; it said ${error.said}. Check ${checks}.`;
      }
      case 'noOperation':
        return (
          `Spira has no such operation at ${spira.url}${SERVICE_PATH} (${context.action}); it said ${error.said}. ` +
          'Check spiraUrl (on-premise with its virtual directory, e.g. https://host/Spira).'
        );
      case 'deadlock':
        return `Spira's database kept choosing the write as deadlock victim while ${context.action} ${where}; it said ${error.said}.`;
      case 'unreachable':
        return `Could not connect to Spira while ${context.action}: ${sentence(error.said)}`;
      case 'uncertain':
        return `Spira failed while ${context.action} ${where} (${error.said}); ${context.inDoubt}.`;
      case 'cancelled':
        return `Reporting to Spira was ${stopped} while ${context.action}.`;
      case 'badAnswer':
        return sentence(error.said);
      case 'refused':
        return `Spira refused ${context.action} ${where}; it said ${sentence(error.said)}`;
    }
  }

  /** "for test cases 1, 999 in product 24 (release 155, test set 2, build 7)". */
  private idsInvolved(context: WriteContext, buildId: number | undefined): string {
    const spira = this.own;
    const unique = [...new Set(context.testCaseIds)];
    const shown =
      unique.slice(0, 10).join(', ') +
      (unique.length > 10 ? ` and ${unique.length - 10} more` : '');
    const runs = unique.length > 0;
    const cases = runs ? `for ${unique.length === 1 ? 'test case' : 'test cases'} ${shown} ` : '';
    const extra = [
      spira.releaseId !== undefined ? `release ${spira.releaseId}` : '',
      runs && spira.testSetId !== undefined ? `test set ${spira.testSetId}` : '',
      runs && buildId !== undefined ? `build ${buildId}` : '',
    ].filter(Boolean);
    return `${cases}in product ${this.projectId}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`;
  }

  private progressSentence(progress: Progress): string {
    const recorded =
      progress.recorded === 0
        ? `No test run was recorded (of ${progress.planned})`
        : `${progress.recorded} of ${plural(progress.planned, 'test run')} ${progress.recorded === 1 ? 'was' : 'were'} recorded`;
    const build = progress.buildId !== undefined ? ` in build ${progress.buildId}` : '';
    if (progress.inDoubt === 0) return `${recorded}${build}.`;
    return (
      `${recorded}${build}; the last ${plural(progress.inDoubt, 'run')} sent may or may not have been recorded ` +
      '(check the test runs in Spira before reporting again).'
    );
  }

  private successMessage(progress: Progress, unmatched: number): string {
    const spira = this.own;
    const manual =
      progress.manualRecorded > 0 ? ` (${progress.manualRecorded} as manual runs)` : '';
    const release = spira.releaseId !== undefined ? `, release ${spira.releaseId}` : '';
    const build = progress.buildId !== undefined ? ` (build ${progress.buildId})` : '';
    const missing =
      unmatched === 0
        ? ''
        : `; ${plural(unmatched, 'test')} ${unmatched === 1 ? 'maps' : 'map'} to no test case`;
    return `Recorded ${plural(progress.recorded, 'test run')}${manual} in Spira product ${this.projectId}${release}${build}${missing}.`;
  }

  private reportOf(
    status: SinkReport['status'],
    total: number,
    message: string,
    extra: { sent?: number; unmatched?: string[]; buildId?: number; anyRecorded?: boolean } = {},
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

/** "cancelled", or "stopped: out of time" when the relay's time budget for the sink ran out. */
function stoppedBy(signal: AbortSignal): string {
  // By name: the reason is a DOMException, which may come from another realm than Error.
  const reason = signal.reason as { name?: unknown } | undefined;
  return reason?.name === 'TimeoutError' ? 'stopped: it ran out of time' : 'cancelled';
}

function ids(runs: Array<{ TestCaseId: number }>): number[] {
  return runs.map((run) => run.TestCaseId);
}

function noMatchMessage(count: number, failOnNoMatch: boolean): string {
  const none =
    count === 1
      ? 'The test maps to no Spira test case, so nothing was sent.'
      : `None of the ${count} tests maps to a Spira test case, so nothing was sent.`;
  return (
    `${none} Map tests with spiraMapping lines ("classname.name = 123"), a "default = 123" line, ` +
    `TC:123 in the test names, or a spira.testCaseId JUnit property` +
    (failOnNoMatch ? '; or set failOnNoMatch: false to let the step pass without reporting.' : '.')
  );
}
