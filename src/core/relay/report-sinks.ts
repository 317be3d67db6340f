// Handing the results on to the reportTo systems, and the close-only job of a sink: never
// throws, never loses a report, never lets a secret through.

import type { CiAgent } from '../agent.js';
import type { ModuleDependencies, ModuleSet } from '../module.js';
import { closingSink, findSink } from '../module.js';
import type { Outcome } from '../outcome.js';
import type { Redactor } from '../redact.js';
import { type RunResult, totalsOf } from '../result.js';
import type { Settings } from '../settings.js';
import { type Sink, type SinkReport, sinkReport } from '../sink.js';
import { errorMessage } from '../text.js';
import { oneLine } from '../untrusted-text.js';

// Reporting to one system (every request, retries included) is bounded.
const SINK_BUDGET_MS = 10 * 60_000;
// What is left of the cancelled job's grace period for the sinks to tidy up, all together.
const CANCELLED_SINKS_BUDGET_MS = 1500;
// Unmatched test names shown in the log; the summary lists more.
const MAX_UNMATCHED_IN_LOG = 10;

export interface Reporting {
  sinks: Sink[];
  redactor: Redactor;
  /** Aborted when the CI cancels the job. */
  signal: AbortSignal;
}

/** Hands the results to each reportTo system in turn. */
export async function reportToSinks(
  result: RunResult,
  reporting: Reporting,
  agent: CiAgent,
): Promise<SinkReport[]> {
  const reports: SinkReport[] = [];
  let cancelledBudget: AbortSignal | undefined;
  for (const sink of reporting.sinks) {
    if (result.state === 'cancelled' || reporting.signal.aborted) {
      cancelledBudget ??= AbortSignal.timeout(CANCELLED_SINKS_BUDGET_MS);
      reports.push(await tidyUpCancelled(sink, result, reporting, agent, cancelledBudget));
      continue;
    }
    agent.logger.info(`Reporting to ${sink.displayName}…`);
    let report: SinkReport;
    try {
      report = await sink.report(
        result,
        AbortSignal.any([reporting.signal, AbortSignal.timeout(SINK_BUDGET_MS)]),
      );
    } catch (error) {
      report = sinkReport(sink, 'failed', errorMessage(error), totalsOf(result).total);
    }
    report = redactReport(report, reporting.redactor);
    logSinkReport(report, agent);
    reports.push(report);
  }
  return reports;
}

/** Nothing is reported for a cancelled job, but a sink may have to close what it opened. */
async function tidyUpCancelled(
  sink: Sink,
  result: RunResult,
  reporting: Reporting,
  agent: CiAgent,
  budget: AbortSignal,
): Promise<SinkReport> {
  const tidied = await sink.reportCancelled?.(result, budget).catch(() => undefined);
  if (tidied) logSinkReport(redactReport(tidied, reporting.redactor), agent);
  const report =
    tidied ??
    sinkReport(sink, 'skipped', 'Not reported: the job was cancelled.', totalsOf(result).total);
  return redactReport(report, reporting.redactor);
}

/** Everything of a report that reaches the log, outputs and summary, redacted. */
function redactReport(report: SinkReport, redactor: Redactor): SinkReport {
  const redacted = { ...report, message: redactor.redact(report.message) };
  if (report.url !== undefined) redacted.url = redactor.redact(report.url);
  if (report.id !== undefined) redacted.id = redactor.redact(report.id);
  return redacted;
}

function logSinkReport(report: SinkReport, agent: CiAgent): void {
  const where = report.url ? ` ${report.url}` : '';
  // Info even for a failure: the step failure says it once, where it counts. The sinks'
  // messages name their system already.
  agent.logger.info(`${report.message}${where}`);
  if (report.status === 'reported' && report.unmatched.length > 0) {
    const shown = report.unmatched.slice(0, MAX_UNMATCHED_IN_LOG).map((name) => oneLine(name, 200));
    const more = report.unmatched.length - shown.length;
    agent.logger.warn(
      `${report.displayName}: ${report.unmatched.length} of ${report.total} tests matched nothing there: ` +
        `${shown.join('; ')}${more > 0 ? `; and ${more} more (see the job summary)` : ''}`,
    );
  }
}

/** The outputs each report sets (a sink's run link and id), named by its module. */
export function setSinkOutputs(modules: ModuleSet, reports: SinkReport[], agent: CiAgent): void {
  for (const report of reports) {
    const outputs = findSink(modules, report.sink).outputsOf(report);
    for (const [key, value] of Object.entries(outputs)) agent.setOutput(key, value);
  }
}

export interface CloseJob {
  modules: ModuleSet;
  settings: Settings;
  agent: CiAgent;
  deps: ModuleDependencies;
  cancel: AbortSignal;
}

/** The close-only job: no results, only close what a sink holds (e.g. a shared run). */
export async function runCloseOnly(job: CloseJob): Promise<Outcome> {
  const { modules, settings, agent, deps } = job;
  const sink = closingSink(modules, settings);
  const mode = sink.closeOnly!;
  const own = settings.sinkSettings[sink.name];
  const what = mode.describe(own);
  if (settings.dryRun) {
    agent.logger.info(`Dry run: would close ${what}.`);
    return { conclusion: 'success', reason: 'Dry run: inputs are valid; nothing was closed.' };
  }
  agent.logger.info(
    `No vendor and no junitFiles: closing ${what}, which parallel jobs reported into.`,
  );
  let report: SinkReport;
  try {
    report = await mode.close(
      settings,
      own,
      deps,
      AbortSignal.any([job.cancel, AbortSignal.timeout(SINK_BUDGET_MS)]),
    );
  } catch (error) {
    return { conclusion: 'failure', reason: deps.redactor.redact(errorMessage(error)) };
  }
  // Redacted: an input is all it takes to paste the token in the wrong place.
  const redacted = redactReport(report, deps.redactor);
  setSinkOutputs(modules, [redacted], agent);
  return redacted.status === 'failed'
    ? { conclusion: 'failure', reason: `Closing ${what} failed: ${redacted.message}` }
    : { conclusion: 'success', reason: redacted.message };
}
