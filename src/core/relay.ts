// The relay pipeline every entrypoint runs: settings → (trigger | attach) → wait →
// collect → JUnit, outputs, annotations, summary, artifact → outcome.

import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { CiAgent } from './agent.js';
import { type Clock, delayedAbort, systemClock } from './clock.js';
import { formatDuration } from './duration.js';
import { readJunitFiles } from './junit-files.js';
import { renderJunitXml } from './junit-write.js';
import { decideOutcome, type Outcome, withSinkReports } from './outcome.js';
import { Redactor } from './redact.js';
import {
  allCases,
  runDurationSeconds,
  problemCases,
  type RunResult,
  totalsOf,
  verdictFromCases,
} from './result.js';
import { readSettings, secretValues, type Settings } from './settings.js';
import type { Sink, SinkReport } from './sink.js';
import type { RunHandle, Source } from './source.js';
import { renderSummary } from './summary.js';
import { oneLine, truncate } from './untrusted-text.js';
import { waitForRun } from './wait.js';

export interface RelayDependencies {
  agent: CiAgent;
  /** Builds the vendor source; throws InputError for bad vendor settings. */
  createSource: (settings: Settings, redactor: Redactor) => Source;
  /** Builds the reportTo sinks (settings already validated); none when absent. */
  createSinks?: (settings: Settings, redactor: Redactor) => Sink[];
  /** Closes a shared Testomat.io run (mode 'close'). */
  closeSharedRun?: (
    settings: Settings,
    redactor: Redactor,
    signal: AbortSignal,
  ) => Promise<SinkReport>;
  /** Aborted when the CI cancels the job (SIGINT/SIGTERM). */
  signal?: AbortSignal;
  clock?: Clock;
}

// A cancelled job has a few seconds before the CI kills it (the entrypoints exit after 4.5 s):
// up to 1.5 s for a trigger in flight to answer, then up to 2.5 s to stop the run.
const TRIGGER_GRACE_MS = 1500;
const STOP_BUDGET_MS = 2500;
// Collecting results after the run is done: bounded even though the wait is over.
const COLLECT_BUDGET_MS = 120_000;
const HEARTBEAT_MS = 5 * 60_000;
// Reporting to one system (every request, retries included) is bounded too.
const SINK_BUDGET_MS = 10 * 60_000;
// What is left of the cancelled job's grace period for the sinks to tidy up, all together.
const CANCELLED_SINKS_BUDGET_MS = 1500;
// Unmatched test names shown in the log; the summary lists more.
const MAX_UNMATCHED_IN_LOG = 10;
const MAX_FAILED_IN_LOG = 20;

/** Reads settings (throws SettingsError/InputError before any request), then relays. */
export async function relay(deps: RelayDependencies): Promise<Outcome> {
  const { agent } = deps;
  const redactor = new Redactor();
  for (const secret of secretValues((name) => agent.input(name))) {
    redactor.add(secret);
    agent.maskSecret(secret);
  }
  const settings = readSettings((name) => agent.input(name), agent.context());
  const cancel = deps.signal ?? new AbortController().signal;

  if (settings.mode === 'close') return closeSharedRun(settings, deps, redactor, cancel);
  const sinks = deps.createSinks?.(settings, redactor) ?? [];
  const reporting: Reporting = { sinks, redactor, signal: cancel };
  if (settings.mode === 'files') {
    return relayFiles(settings, agent, reporting);
  }
  const source = deps.createSource(settings, redactor);
  if (settings.dryRun) {
    const preview = source.previewTrigger();
    agent.logger.info(`Dry run: would ${preview.method} ${preview.url}`);
    if (preview.body !== undefined) {
      agent.logger.info(redactor.redact(JSON.stringify(preview.body, null, 2)));
    }
    logSinksDryRun(sinks, agent);
    return { conclusion: 'success', reason: 'Dry run: inputs are valid; nothing was started.' };
  }
  const result = await runOnVendor(source, settings, deps, redactor);
  return publish(result, settings, agent, reporting);
}

/** What publishing needs to hand the results on to the reportTo systems. */
interface Reporting {
  sinks: Sink[];
  redactor: Redactor;
  signal: AbortSignal;
}

async function relayFiles(
  settings: Settings,
  agent: CiAgent,
  reporting: Reporting,
): Promise<Outcome> {
  // Never read back our own output from an earlier step in the same workspace.
  const patterns = [...settings.junitFiles, `!${settings.junitPath}`];
  const { files, suites } = await readJunitFiles(patterns);
  agent.logger.info(
    `Read ${files.length} JUnit file${files.length === 1 ? '' : 's'}: ${files.join(', ')}`,
  );
  if (settings.dryRun) {
    logSinksDryRun(reporting.sinks, agent);
    return { conclusion: 'success', reason: 'Dry run: inputs are valid; nothing was published.' };
  }
  const result: RunResult = {
    vendor: 'junit',
    title: 'JUnit files',
    state: 'completed',
    suites,
    links: [],
  };
  result.verdict = verdictFromCases(result);
  return publish(result, settings, agent, reporting);
}

function logSinksDryRun(sinks: Sink[], agent: CiAgent): void {
  if (sinks.length === 0) return;
  agent.logger.info(
    `Dry run: would report the results to ${sinks.map((sink) => sink.displayName).join(' and ')}.`,
  );
}

/** The last job of a sharded pipeline: close the Testomat.io run its parts reported into. */
async function closeSharedRun(
  settings: Settings,
  deps: RelayDependencies,
  redactor: Redactor,
  cancel: AbortSignal,
): Promise<Outcome> {
  const { agent } = deps;
  const runId = settings.testomatio.runId ?? '';
  if (settings.dryRun) {
    agent.logger.info(`Dry run: would close Testomat.io run ${runId}.`);
    return { conclusion: 'success', reason: 'Dry run: inputs are valid; nothing was closed.' };
  }
  if (!deps.closeSharedRun) throw new Error('internal: no way to close a Testomat.io run here');
  agent.logger.info(
    `No vendor and no junitFiles: closing Testomat.io run ${runId}, which parallel jobs reported into.`,
  );
  let report: SinkReport;
  try {
    report = await deps.closeSharedRun(
      settings,
      redactor,
      AbortSignal.any([cancel, AbortSignal.timeout(SINK_BUDGET_MS)]),
    );
  } catch (error) {
    return { conclusion: 'failure', reason: redactor.redact(errorMessage(error)) };
  }
  // Redacted: an input is all it takes to paste the token in the wrong place.
  agent.setOutput('testomatioRunId', redactor.redact(report.id ?? runId));
  agent.setOutput('testomatioRunUrl', redactor.redact(report.url ?? ''));
  const message = redactor.redact(report.message);
  return report.status === 'failed'
    ? { conclusion: 'failure', reason: `Closing Testomat.io run ${runId} failed: ${message}` }
    : { conclusion: 'success', reason: message };
}

async function runOnVendor(
  source: Source,
  settings: Settings,
  deps: RelayDependencies,
  redactor: Redactor,
): Promise<RunResult> {
  const { agent } = deps;
  const log = agent.logger;
  const clock = deps.clock ?? systemClock;
  const cancel = deps.signal ?? new AbortController().signal;
  const started = clock.now();
  const name = source.displayName;

  const deadline = started + settings.timeoutMs;
  // Starting or finding the run counts against the timeout like the wait itself.
  const untilDeadline = (signal: AbortSignal) =>
    AbortSignal.any([signal, AbortSignal.timeout(Math.max(1, Math.ceil(deadline - clock.now())))]);

  const plan = source.planLabel ?? `test plan ${settings.planId}`;
  let handle: RunHandle;
  try {
    if (settings.runId) {
      handle = await source.attach(settings.runId, untilDeadline(cancel));
      log.info(`Attached to ${name} run ${handle.runId}: ${handle.runUrl ?? ''}`);
    } else {
      log.info(`Starting ${name} ${plan}…`);
      // A trigger in flight is given a moment to answer when the job is cancelled, so we
      // learn the run id and can stop it instead of leaving an unknown run behind.
      handle = await source.trigger(untilDeadline(delayedAbort(cancel, TRIGGER_GRACE_MS)));
      log.info(`Started ${name} run ${handle.runId}: ${handle.runUrl ?? ''}`);
    }
  } catch (error) {
    if (cancel.aborted && !settings.runId) {
      log.warn(
        `The job was cancelled while ${name} was starting ${plan}. ` +
          `A run may have started there without TestRelay learning its id: check the plan's runs in ${name}.`,
      );
    }
    const result = errorResult(settings, `${name} ${plan}`, error, redactor);
    if (cancel.aborted) {
      result.state = 'cancelled';
      result.verdict = undefined;
    }
    return result;
  }
  agent.setOutput('runId', handle.runId);
  if (handle.runUrl) agent.setOutput('runUrl', handle.runUrl);

  if (
    typeof settings.pollInterval === 'number' &&
    settings.pollInterval < source.minPollIntervalMs
  ) {
    log.info(
      `Note: pollInterval ${formatDuration(settings.pollInterval)} is faster than ${name} should be polled ` +
        `(every ${formatDuration(source.minPollIntervalMs)} or slower); use auto unless you run against a simulator.`,
    );
  }
  let lastLine = '';
  let lastLogged = started;
  let result: RunResult;
  try {
    const outcome = await waitForRun({
      poll: (signal) => source.poll(handle, signal),
      deadline,
      interval: settings.pollInterval,
      minIntervalMs: source.minPollIntervalMs,
      signal: cancel,
      logger: log,
      clock,
      onPoll: (snapshot, elapsedMs) => {
        const line = `${snapshot.status}${snapshot.detail ? ` — ${snapshot.detail}` : ''}`;
        const stamp = `[${formatDuration(elapsedMs)}] ${line}`;
        agent.progress(stamp);
        if (line !== lastLine || clock.now() - lastLogged >= HEARTBEAT_MS) {
          log.info(stamp);
          lastLine = line;
          lastLogged = clock.now();
        }
      },
    });

    if (outcome.kind === 'done') {
      result = await source.collect(
        handle,
        outcome.last,
        AbortSignal.any([cancel, AbortSignal.timeout(COLLECT_BUDGET_MS)]),
      );
    } else if (outcome.kind === 'timed_out') {
      result = source.partial(handle, outcome.last);
      result.state = 'timed_out';
      result.verdict = undefined;
      // Info: the step's own failure or warning says it once, where it counts.
      log.info(
        `Timed out after ${formatDuration(settings.timeoutMs)} waiting for ${name} run ${handle.runId}.`,
      );
      if (settings.cancelOnTimeout) {
        result.remoteStopped = await stopRemote(source, handle, agent, AbortSignal.timeout(15_000));
      } else {
        log.info(
          `The run goes on: ${handle.runUrl ?? `run ${handle.runId}`}. A later job can attach to it with runId ${handle.runId}.`,
        );
      }
    } else {
      result = source.partial(handle, outcome.last);
      result.state = 'cancelled';
      result.verdict = undefined;
      log.info(`Cancelled: stopping ${name} run ${handle.runId}…`);
      result.remoteStopped = await stopRemote(
        source,
        handle,
        agent,
        AbortSignal.timeout(STOP_BUDGET_MS),
      );
    }
  } catch (error) {
    result = source.partial(handle, undefined);
    result.state = 'error';
    result.verdict = 'error';
    // Not logged here: the outcome's reason carries it to the step failure.
    result.message = redactor.redact(errorMessage(error));
  }
  return result;
}

/** True when the vendor confirmed the stop. */
async function stopRemote(
  source: Source,
  handle: RunHandle,
  agent: CiAgent,
  signal: AbortSignal,
): Promise<boolean> {
  try {
    const report = await source.cancel(handle, signal);
    agent.logger.info(report.message);
    return report.stopped;
  } catch (error) {
    agent.logger.warn(
      `Could not stop ${source.displayName} run ${handle.runId}: ${errorMessage(error)}`,
    );
    return false;
  }
}

function errorResult(
  settings: Settings,
  title: string,
  error: unknown,
  redactor: Redactor,
): RunResult {
  return {
    vendor: settings.vendor ?? 'junit',
    title,
    state: 'error',
    verdict: 'error',
    suites: [],
    links: [],
    message: redactor.redact(errorMessage(error)),
  };
}

/** Writes everything the CI gets from a result; a failure in one part never loses the others. */
async function publish(
  result: RunResult,
  settings: Settings,
  agent: CiAgent,
  reporting: Reporting,
): Promise<Outcome> {
  const log = agent.logger;
  const totals = totalsOf(result);
  const seconds = runDurationSeconds(result);
  const files: string[] = [];

  try {
    await fs.mkdir(path.dirname(path.resolve(settings.junitPath)), { recursive: true });
    await fs.writeFile(settings.junitPath, renderJunitXml(result), 'utf8');
    files.push(settings.junitPath);
  } catch (error) {
    log.warn(`Could not write the JUnit file ${settings.junitPath}: ${errorMessage(error)}`);
  }
  logResult(result, agent);
  annotateProblems(result, settings, agent);

  // Before reporting, like the JUnit file: a sink that hangs until the job is killed must not
  // cost the outputs a later step reads.
  const outputs: Record<string, string> = {
    runId: result.runId ?? '',
    runUrl: result.runUrl ?? '',
    state: result.state,
    verdict: result.verdict ?? '',
    total: String(totals.total),
    passed: String(totals.passed),
    failed: String(totals.failed),
    skipped: String(totals.skipped),
    duration: seconds !== undefined ? String(Math.round(seconds * 1000) / 1000) : '',
    junitPath: files.length > 0 ? settings.junitPath : '',
  };
  for (const [key, value] of Object.entries(outputs)) agent.setOutput(key, value);

  const reports = await reportToSinks(result, reporting, agent);
  const outcome = withSinkReports(decideOutcome(result, settings), reports);
  for (const report of reports) {
    for (const [key, value] of Object.entries(sinkOutputs(report))) agent.setOutput(key, value);
  }

  const notes = result.state === 'error' && result.message ? [result.message] : [];
  const markdown = renderSummary(result, {
    outcome,
    notes,
    ciRunUrl: settings.ci.runUrl,
    sinks: reports,
  });
  if (settings.summary) {
    try {
      await agent.writeSummary(markdown);
    } catch (error) {
      log.warn(`Could not write the job summary: ${errorMessage(error)}`);
    }
  }

  if (settings.artifactName) {
    if (!agent.uploadArtifact) {
      log.warn(
        `artifactName is set, but ${agent.name} has no workflow artifacts; upload ${settings.junitPath} yourself.`,
      );
    } else {
      try {
        const summaryPath = path.join(path.dirname(settings.junitPath), 'summary.md');
        await fs.writeFile(summaryPath, markdown, 'utf8');
        files.push(summaryPath);
        await agent.uploadArtifact(
          settings.artifactName,
          files,
          path.dirname(path.resolve(settings.junitPath)),
        );
        log.info(`Uploaded artifact ${settings.artifactName}: ${files.join(', ')}`);
      } catch (error) {
        log.warn(`Could not upload artifact ${settings.artifactName}: ${errorMessage(error)}`);
      }
    }
  }
  return outcome;
}

/** Hands the results to each reportTo system in turn; never throws, never loses a report. */
async function reportToSinks(
  result: RunResult,
  reporting: Reporting,
  agent: CiAgent,
): Promise<SinkReport[]> {
  const reports: SinkReport[] = [];
  const total = totalsOf(result).total;
  let cancelledBudget: AbortSignal | undefined;
  for (const sink of reporting.sinks) {
    const base = { sink: sink.name, displayName: sink.displayName, total, sent: 0, unmatched: [] };
    if (result.state === 'cancelled' || reporting.signal.aborted) {
      cancelledBudget ??= AbortSignal.timeout(CANCELLED_SINKS_BUDGET_MS);
      const tidied = await sink.reportCancelled?.(result, cancelledBudget).catch(() => undefined);
      const report = tidied ?? {
        ...base,
        status: 'skipped' as const,
        message: 'Not reported: the job was cancelled.',
      };
      if (tidied) logSinkReport(redactReport(tidied, reporting.redactor), agent);
      reports.push(redactReport(report, reporting.redactor));
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
      report = { ...base, status: 'failed', message: errorMessage(error) };
    }
    report = redactReport(report, reporting.redactor);
    logSinkReport(report, agent);
    reports.push(report);
  }
  return reports;
}

/** Everything of a report that reaches the log, outputs and summary, redacted. */
function redactReport(report: SinkReport, redactor: Redactor): SinkReport {
  const redacted = { ...report, message: redactor.redact(report.message) };
  if (report.url !== undefined) redacted.url = redactor.redact(report.url);
  if (report.id !== undefined) redacted.id = redactor.redact(report.id);
  return redacted;
}

function logSinkReport(report: SinkReport, agent: CiAgent): void {
  const log = agent.logger;
  const where = report.url ? ` ${report.url}` : '';
  // Info even for a failure: the step failure says it once, where it counts. The sinks'
  // messages name their system already.
  log.info(`${report.message}${where}`);
  if (report.status === 'reported' && report.unmatched.length > 0) {
    const shown = report.unmatched.slice(0, MAX_UNMATCHED_IN_LOG).map((name) => oneLine(name, 200));
    const more = report.unmatched.length - shown.length;
    log.warn(
      `${report.displayName}: ${report.unmatched.length} of ${report.total} tests matched nothing there: ` +
        `${shown.join('; ')}${more > 0 ? `; and ${more} more (see the job summary)` : ''}`,
    );
  }
}

/** The outputs a sink adds: its run's link (and id), named after it. */
function sinkOutputs(report: SinkReport): Record<string, string> {
  switch (report.sink) {
    case 'testomatio':
      return { testomatioRunUrl: report.url ?? '', testomatioRunId: report.id ?? '' };
    case 'spira':
      return { spiraRunUrl: report.url ?? '' };
  }
}

function logResult(result: RunResult, agent: CiAgent): void {
  // An error has no totals to speak of; the outcome's reason says what went wrong.
  if (result.state === 'error' && allCases(result).length === 0) return;
  const t = totalsOf(result);
  const seconds = runDurationSeconds(result);
  const log = agent.logger;
  const subject = result.runId
    ? `${result.title ?? result.vendor} (run ${result.runId})`
    : (result.title ?? result.vendor);
  const duration = seconds !== undefined ? ` in ${formatDuration(seconds * 1000)}` : '';
  log.info(
    `${subject}: ${result.state}${result.verdict ? `, verdict ${result.verdict}` : ''} — ` +
      `${t.total} tests: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped${t.flaky ? `, ${t.flaky} flaky` : ''}${duration}`,
  );
  const problems = problemCases(result);
  for (const testCase of problems.slice(0, MAX_FAILED_IN_LOG)) {
    const message = testCase.message ? `: ${oneLine(testCase.message, 200)}` : '';
    log.info(
      `  ✗ ${testCase.classname ? `${testCase.classname} › ` : ''}${testCase.name} (${testCase.status})${message}`,
    );
  }
  if (problems.length > MAX_FAILED_IN_LOG) {
    log.info(
      `  … and ${problems.length - MAX_FAILED_IN_LOG} more; see the summary or the JUnit file.`,
    );
  }
  if (result.runUrl) log.info(`Run: ${result.runUrl}`);
}

function annotateProblems(result: RunResult, settings: Settings, agent: CiAgent): void {
  const problems = problemCases(result);
  const cap = Math.min(
    settings.maxAnnotations,
    agent.errorAnnotationCap ?? Number.POSITIVE_INFINITY,
  );
  for (const testCase of problems.slice(0, cap)) {
    const title = oneLine(
      `${testCase.classname ? `${testCase.classname} › ` : ''}${testCase.name}`,
      200,
    );
    // Details usually repeat the message (JUnit text vs. attribute): show it once.
    const body =
      testCase.details && testCase.message && testCase.details.includes(testCase.message)
        ? testCase.details
        : [testCase.message, testCase.details].filter(Boolean).join('\n');
    agent.annotate({
      level: 'error',
      title: `${testCase.status === 'error' ? 'Error' : 'Failed'}: ${title}`,
      message: truncate(body || `Test ${testCase.status}`, 4000),
      file: testCase.file,
      line: testCase.line,
    });
  }
  const left = problems.length - Math.max(0, Math.min(cap, problems.length));
  if (left > 0) {
    agent.annotate({
      level: 'notice',
      title: 'More failed tests',
      message: `${left} more failed test${left === 1 ? ' is' : 's are'} not annotated (the limit is ${cap} per step); see the job summary or ${settings.junitPath}.`,
    });
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
