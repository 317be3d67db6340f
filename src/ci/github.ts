// The GitHub Actions agent: inputs, outputs, logs, annotations, summary and artifacts
// through @actions/core and friends.

import * as core from '@actions/core';
import type { Annotation, CiAgent, CiLimits, LogPhase } from '../core/agent.js';
import type { Logger } from '../core/logger.js';
import type { Outcome } from '../core/outcome.js';
import type { CiContext } from '../core/settings.js';
import { cleanText, neutralizeLogText } from '../core/untrusted-text.js';
import { uploadResultsArtifact } from './github-artifact.js';

const LIMITS: CiLimits = {
  // GitHub shows at most 10 error annotations per step; one is kept for the step failure.
  errorAnnotations: 9,
  // GitHub refuses a step summary over 1 MiB; the margin leaves room for a few notes of our own.
  summaryBytes: 1024 * 1024 - 16 * 1024,
  summaryLimitName: "GitHub's 1 MiB summary limit",
  // GitHub gives a cancelled step a few seconds before it kills it.
  cancelGraceMs: 4500,
};

// Everything logged may hold vendor text: no escape sequences, and no line that GitHub
// would read as a workflow command.
const safe = (message: string): string => neutralizeLogText(cleanText(message));

export const githubLogger: Logger = {
  debug: (message) => core.debug(safe(message)),
  info: (message) => core.info(safe(message)),
  warn: (message) => core.warning(safe(message)),
  error: (message) => core.error(safe(message)),
};

export class GitHubAgent implements CiAgent {
  readonly name = 'GitHub Actions';
  readonly logger = githubLogger;
  readonly limits = LIMITS;

  input(name: string): string {
    return core.getInput(name);
  }

  context(): CiContext {
    // The runner's default variables, read directly: @actions/github's context reads the same
    // ones, but importing it loads Octokit (a third of the bundle) and parses the event payload.
    const env = (name: string): string | undefined => process.env[name] || undefined;
    const repository = env('GITHUB_REPOSITORY');
    const serverUrl = env('GITHUB_SERVER_URL') ?? 'https://github.com';
    const ref = env('GITHUB_REF');
    const runId = env('GITHUB_RUN_ID');
    return {
      ci: 'github',
      repository,
      commit: env('GITHUB_SHA'),
      ref,
      branch:
        env('GITHUB_HEAD_REF') ?? (ref?.startsWith('refs/heads/') ? ref.slice(11) : undefined),
      runNumber: env('GITHUB_RUN_NUMBER'),
      runAttempt: env('GITHUB_RUN_ATTEMPT'),
      runUrl: repository && runId ? `${serverUrl}/${repository}/actions/runs/${runId}` : undefined,
      workflow: env('GITHUB_WORKFLOW'),
    };
  }

  maskSecret(value: string): void {
    core.setSecret(value);
  }

  setOutput(name: string, value: string): void {
    core.setOutput(name, value);
  }

  annotate(annotation: Annotation): void {
    // @actions/core escapes the message for the workflow command itself.
    const properties: core.AnnotationProperties = {
      title: annotation.title,
      file: annotation.file,
      startLine: annotation.line,
    };
    const message = safe(annotation.message);
    if (annotation.level === 'error') core.error(message, properties);
    else if (annotation.level === 'warning') core.warning(message, properties);
    else core.notice(message, properties);
  }

  async writeSummary(markdown: string): Promise<void> {
    await core.summary.addRaw(markdown, true).write();
  }

  async uploadArtifact(name: string, files: string[], rootDirectory: string): Promise<void> {
    await uploadResultsArtifact(name, files, rootDirectory);
  }

  progress(): void {
    // The relay logs each change of status; GitHub's log has no live line to redraw.
  }

  private groupOpen = false;

  /**
   * A worker's executions each get a collapsible group (::group::); the other phases stay
   * ungrouped, as they always were on GitHub: their few lines read best open.
   */
  section(phase: LogPhase, title: string): void {
    if (this.groupOpen) core.endGroup();
    this.groupOpen = phase === 'execution';
    if (this.groupOpen) core.startGroup(safe(title));
  }

  finish(outcome: Outcome): void {
    if (this.groupOpen) core.endGroup();
    this.groupOpen = false;
    if (outcome.conclusion === 'failure') core.setFailed(outcome.reason);
    else if (outcome.conclusion === 'neutral') core.warning(outcome.reason);
    else core.info(outcome.reason);
  }
}
