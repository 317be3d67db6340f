// The GitHub Actions agent: inputs, outputs, logs, annotations, summary and artifacts
// through @actions/core and friends.

import * as core from '@actions/core';
import * as github from '@actions/github';
import * as toolCache from '@actions/tool-cache';
import type { Annotation, CiAgent } from '../core/agent.js';
import type { Logger } from '../core/logger.js';
import type { CiContext } from '../core/settings.js';
import { cleanText, neutralizeLogText } from '../core/untrusted-text.js';
import { uploadResultsArtifact } from './github-artifact.js';

// GitHub shows at most 10 error annotations per step; one is kept for the step failure.
const ERROR_ANNOTATION_CAP = 9;

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
  readonly errorAnnotationCap = ERROR_ANNOTATION_CAP;

  input(name: string): string {
    return core.getInput(name);
  }

  context(): CiContext {
    const context = github.context;
    const repository = process.env.GITHUB_REPOSITORY;
    const serverUrl = context.serverUrl || 'https://github.com';
    return {
      ci: 'github',
      repository,
      commit: context.sha || undefined,
      ref: context.ref || undefined,
      branch:
        process.env.GITHUB_HEAD_REF ||
        (context.ref?.startsWith('refs/heads/') ? context.ref.slice(11) : undefined),
      runNumber: context.runNumber ? String(context.runNumber) : undefined,
      runAttempt: process.env.GITHUB_RUN_ATTEMPT || undefined,
      runUrl:
        repository && context.runId
          ? `${serverUrl}/${repository}/actions/runs/${context.runId}`
          : undefined,
      workflow: context.workflow || undefined,
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

  async downloadFile(url: string): Promise<string> {
    return toolCache.downloadTool(url);
  }

  progress(): void {
    // The relay logs each change of status; GitHub's log has no live line to redraw.
  }
}
