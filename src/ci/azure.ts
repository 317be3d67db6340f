// The Azure Pipelines agent: inputs, output variables, issues, progress, the build summary
// section, the Tests tab and artifacts through azure-pipelines-task-lib's logging commands.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import * as tl from 'azure-pipelines-task-lib';
import type { Annotation, CiAgent, CiLimits, LogPhase } from '../core/agent.js';
import type { Logger } from '../core/logger.js';
import type { Outcome } from '../core/outcome.js';
import { Redactor } from '../core/redact.js';
import type { CiContext } from '../core/settings.js';
import { cleanText, neutralizeLogText, oneLine } from '../core/untrusted-text.js';
import { azureContext } from './azure-context.js';

const LIMITS: CiLimits = {
  // A build's timeline shows the first 10 issues of each type; one is kept for the task
  // failure itself.
  errorAnnotations: 9,
  // Azure states no limit for an uploaded summary; the GitHub bound keeps the page usable.
  summaryBytes: 1024 * 1024 - 16 * 1024,
  summaryLimitName: 'the 1 MiB summary limit',
  // The agent sends SIGINT, SIGTERM 7.5 s later (PROCESS_SIGINT_TIMEOUT) and kills 2.5 s
  // after that; TestRelay promises to be gone within 5 s of the first signal on every CI.
  cancelGraceMs: 4500,
};

const RESULTS: Record<Outcome['conclusion'], tl.TaskResult> = {
  success: tl.TaskResult.Succeeded,
  neutral: tl.TaskResult.SucceededWithIssues,
  failure: tl.TaskResult.Failed,
};

// The Azure-only input (task.json): a Generic service connection with the vendor's URL and,
// as its password, the API key; it fills baseUrl and apiKey when those inputs are empty.
const SERVICE_CONNECTION = 'serviceConnection';
const FROM_CONNECTION: Record<string, (connection: string) => string> = {
  baseUrl: (connection) => tl.getEndpointUrl(connection, true) ?? '',
  apiKey: (connection) => tl.getEndpointAuthorizationParameter(connection, 'password', true) ?? '',
};

// task-lib writes `##vso[task.debug]name=value` for every input it reads. A secret input's
// value would be printed before the relay could register it with setSecret, so inputs are
// read with task-lib's output stream pointed here.
const nowhere = new Writable({ write: (_chunk, _encoding, done) => done() });

export class AzureAgent implements CiAgent {
  readonly name = 'Azure Pipelines';
  readonly limits = LIMITS;
  readonly logger: Logger;
  private readonly redactor = new Redactor();
  private percent = 0;

  constructor() {
    // Vendor text must not become a logging command: task-lib escapes only a command's
    // properties and line breaks in its message, not `##vso[` inside a message body.
    this.logger = {
      debug: (message) => tl.debug(this.safe(message)),
      info: (message) => process.stdout.write(`${this.safe(message)}\n`),
      warn: (message) => tl.warning(this.safe(message)),
      error: (message) => tl.error(this.safe(message)),
    };
  }

  input(name: string): string {
    const value = this.taskInput(name);
    if (value || !(name in FROM_CONNECTION)) return value;
    const connection = this.taskInput(SERVICE_CONNECTION);
    return connection ? this.quietly(() => FROM_CONNECTION[name](connection)) : '';
  }

  private taskInput(name: string): string {
    return this.quietly(() => tl.getInput(name) ?? '');
  }

  private quietly(read: () => string): string {
    tl.setStdStream(nowhere);
    try {
      return read();
    } finally {
      tl.setStdStream(process.stdout);
    }
  }

  context(): CiContext {
    return azureContext((name) => tl.getVariable(name));
  }

  maskSecret(value: string): void {
    this.redactor.add(value);
    // The agent masks line by line: a multi-line secret is masked one line at a time.
    for (const line of value.split(/\r?\n|\r/)) if (line.trim()) tl.setSecret(line);
  }

  setOutput(name: string, value: string): void {
    tl.setVariable(name, value, false, true);
  }

  annotate(annotation: Annotation): void {
    const text = annotation.title
      ? `${annotation.title}: ${annotation.message}`
      : annotation.message;
    if (annotation.level === 'notice') {
      this.logger.info(text);
      return;
    }
    const type = annotation.level === 'error' ? tl.IssueType.Error : tl.IssueType.Warning;
    // task.logissue carries the file and line the Tests and Summary pages link to.
    tl.logIssue(type, this.safe(text), annotation.file, annotation.line);
  }

  async writeSummary(markdown: string): Promise<void> {
    // The section is titled after the file name; the agent reads the file when it gets the
    // command, so it stays in the job's temporary directory.
    const dir = await fs.promises.mkdtemp(path.join(tempDirectory(), 'testrelay-summary-'));
    const file = path.join(dir, 'TestRelay.md');
    await fs.promises.writeFile(file, markdown, 'utf8');
    tl.uploadSummary(file);
  }

  async uploadArtifact(name: string, files: string[], rootDirectory: string): Promise<void> {
    // One artifact.upload of a folder holding just these files (relative to rootDirectory):
    // one upload per file would ask the agent to create the same artifact twice.
    const staging = await fs.promises.mkdtemp(path.join(tempDirectory(), 'testrelay-artifact-'));
    for (const file of files) {
      const relative = path.relative(path.resolve(rootDirectory), path.resolve(file));
      const target = path.join(staging, relative.startsWith('..') ? path.basename(file) : relative);
      await fs.promises.mkdir(path.dirname(target), { recursive: true });
      await fs.promises.copyFile(file, target);
    }
    tl.uploadArtifact(name, staging, name);
  }

  async publishTestResults(files: string[], title: string): Promise<void> {
    // The task decides its result; the publisher only fills the Tests tab (failed tests in
    // the file do not fail the build by themselves).
    new tl.TestPublisher('JUnit').publish(
      files.map((file) => path.resolve(file)),
      'false',
      '',
      '',
      oneLine(this.safe(title), 200),
      'true',
      'TestRelay',
    );
  }

  progress(line: string, fraction?: number): void {
    if (fraction !== undefined && Number.isFinite(fraction)) {
      this.percent = Math.max(0, Math.min(100, Math.round(fraction * 100)));
    }
    tl.setProgress(this.percent, oneLine(this.safe(line), 200));
  }

  private groupOpen = false;

  /** A worker's executions each get a collapsible group (##[group]); other phases stay open. */
  section(phase: LogPhase, title: string): void {
    if (this.groupOpen) process.stdout.write('##[endgroup]\n');
    this.groupOpen = phase === 'execution';
    if (this.groupOpen) process.stdout.write(`##[group]${oneLine(this.safe(title), 200)}\n`);
  }

  finish(outcome: Outcome): void {
    if (this.groupOpen) process.stdout.write('##[endgroup]\n');
    this.groupOpen = false;
    const issues = outcome.issues ?? [];
    const result =
      outcome.conclusion === 'success' && issues.length > 0
        ? tl.TaskResult.SucceededWithIssues
        : RESULTS[outcome.conclusion];
    // The issues were logged where they arose; the reason names them once more, on one line.
    const reason = oneLine(this.safe([outcome.reason, ...issues].join(' ')), 1000);
    if (result === tl.TaskResult.Succeeded) this.logger.info(reason);
    // setResult logs a Failed or SucceededWithIssues reason as an issue itself.
    tl.setResult(result, reason);
    if (result === tl.TaskResult.Failed) process.exitCode = 1;
  }

  private safe(message: string): string {
    return neutralizeLogText(cleanText(this.redactor.redact(message)));
  }
}

/** The job's temporary directory (cleaned by the agent after the job). */
function tempDirectory(): string {
  return tl.getVariable('Agent.TempDirectory') || os.tmpdir();
}
