// Everything the CI gets from a result: JUnit file, log, annotations, outputs, the sinks'
// reports, summary, test results tab, artifact — a failure in one part never loses the others.

import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { CiAgent } from '../agent.js';
import { inputRef } from '../input-names.js';
import { writeJunitXml } from '../junit-write.js';
import type { ModuleSet } from '../module.js';
import { decideOutcome, type Outcome, withSinkReports } from '../outcome.js';
import { type RunResult, runDurationSeconds, totalsOf, vendorTitle } from '../result.js';
import type { Settings } from '../settings.js';
import { renderSummary } from '../summary.js';
import { errorMessage } from '../text.js';
import { annotateProblems, logResult } from './log-result.js';
import { type Reporting, reportToSinks, setSinkOutputs } from './report-sinks.js';

export interface Publishing {
  result: RunResult;
  settings: Settings;
  agent: CiAgent;
  modules: ModuleSet;
  reporting: Reporting;
  /** Markdown of the job's own (a worker's table of executions), after the results. */
  summaryExtra?: string;
}

export async function publish(job: Publishing): Promise<Outcome> {
  const { result, settings, agent } = job;
  const files: string[] = [];
  const junitProblem = await writeJunit(result, settings);
  if (junitProblem) agent.logger.warn(junitProblem);
  else files.push(settings.junitPath);
  logResult(result, agent);
  annotateProblems(result, settings, agent);
  // Before reporting, like the JUnit file: a sink that hangs until the job is killed must not
  // cost the outputs a later step reads.
  setResultOutputs(result, files.length > 0 ? settings.junitPath : '', agent);

  const reports = await reportToSinks(result, job.reporting, agent);
  const outcome = withJunitProblem(
    withSinkReports(decideOutcome(result, settings), reports),
    junitProblem,
  );
  setSinkOutputs(job.modules, reports, agent);

  const markdown = renderSummary(result, {
    outcome,
    notes: result.state === 'error' && result.message ? [result.message] : [],
    ciRunUrl: settings.ci.runUrl,
    sinks: reports,
    // The job's own part comes after, within the same limit.
    maxBytes: job.summaryExtra
      ? agent.limits.summaryBytes - Buffer.byteLength(`\n${job.summaryExtra}`)
      : agent.limits.summaryBytes,
    limitName: agent.limits.summaryLimitName,
  });
  const fullMarkdown = job.summaryExtra ? `${markdown}\n${job.summaryExtra}` : markdown;
  if (settings.summary) {
    await attempt(agent, 'write the job summary', () => agent.writeSummary(fullMarkdown));
  }
  if (files.length > 0 && agent.publishTestResults) {
    const publishTestResults = agent.publishTestResults.bind(agent);
    await attempt(agent, 'publish the test results', () =>
      publishTestResults(files, testRunTitle(result, settings)),
    );
  }
  if (settings.artifactName) await uploadArtifact(fullMarkdown, files, settings, agent);
  return outcome;
}

/** "Testsigma plan 2090: Nightly regression": which vendor and plan, for a CI's test run list. */
function testRunTitle(result: RunResult, settings: Settings): string {
  const vendor = vendorTitle(result);
  const plan = settings.planId ? `${vendor} plan ${settings.planId}` : vendor;
  return result.title && result.title !== vendor ? `${plan}: ${result.title}` : plan;
}

/** Writes the JUnit file; what went wrong, or undefined when it was written. */
async function writeJunit(result: RunResult, settings: Settings): Promise<string | undefined> {
  try {
    await fs.mkdir(path.dirname(path.resolve(settings.junitPath)), { recursive: true });
    await writeJunitXml(settings.junitPath, result);
    return undefined;
  } catch (error) {
    return `Could not write the JUnit file ${settings.junitPath} (${inputRef('junitPath')}): ${errorMessage(error)}`;
  }
}

/**
 * A JUnit file the job was asked for and could not write fails the step (the upload or
 * report step after it would fail instead, far from the cause); failed tests stay the
 * cause if there were any, else it is the configuration's.
 */
function withJunitProblem(outcome: Outcome, problem: string | undefined): Outcome {
  if (!problem) return outcome;
  if (outcome.conclusion === 'failure') {
    return { ...outcome, reason: `${outcome.reason} ${problem}` };
  }
  return { conclusion: 'failure', reason: problem, cause: 'input' };
}

function setResultOutputs(result: RunResult, junitPath: string, agent: CiAgent): void {
  const totals = totalsOf(result);
  const seconds = runDurationSeconds(result);
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
    junitPath,
  };
  for (const [key, value] of Object.entries(outputs)) agent.setOutput(key, value);
}

async function uploadArtifact(
  markdown: string,
  files: string[],
  settings: Settings,
  agent: CiAgent,
): Promise<void> {
  const { artifactName, junitPath } = settings;
  if (!artifactName) return;
  if (!agent.uploadArtifact) {
    agent.logger.warn(
      `artifactName is set, but ${agent.name} has no workflow artifacts; upload ${junitPath} yourself.`,
    );
    return;
  }
  const upload = agent.uploadArtifact.bind(agent);
  await attempt(agent, `upload artifact ${artifactName}`, async () => {
    const summaryPath = path.join(path.dirname(junitPath), 'summary.md');
    await fs.writeFile(summaryPath, markdown, 'utf8');
    const all = [...files, summaryPath];
    await upload(artifactName, all, path.dirname(path.resolve(junitPath)));
    agent.logger.info(`Uploaded artifact ${artifactName}: ${all.join(', ')}`);
  });
}

/** Runs one part of publishing; a failure is a warning, never the loss of the other parts. */
async function attempt(agent: CiAgent, what: string, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    agent.logger.warn(`Could not ${what}: ${errorMessage(error)}`);
  }
}
