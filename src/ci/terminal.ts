// The CLI's agent: inputs from flags and TESTRELAY_* variables, logs on the terminal,
// outputs and summary to files for whatever pipeline calls the CLI.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Annotation, CiAgent, CiLimits } from '../core/agent.js';
import { envName, flagName } from '../core/inputs.js';
import type { Logger } from '../core/logger.js';
import type { InputNaming } from '../core/input-names.js';
import type { FailureCause, Outcome } from '../core/outcome.js';
import { Redactor } from '../core/redact.js';
import type { CiContext } from '../core/settings.js';
import { cleanText, neutralizeLogText } from '../core/untrusted-text.js';

export interface TerminalOptions {
  /** Input values from flags, by camelCase input name. */
  flags: Record<string, string>;
  env: NodeJS.ProcessEnv;
  /** dotenv-style file for the outputs (KEY=value lines), if asked for. */
  outputsFile?: string;
  /** Where the markdown summary goes; default: next to the JUnit file. */
  summaryFile?: string;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
  verbose?: boolean;
  /** Send every log line to stderr, keeping stdout for machine-readable output (--json). */
  logToStderr?: boolean;
}

/** The CLI's exit status: one table for every way it runs (the help and docs/cli.md say it). */
export const EXIT = {
  /** Passed, or neutral (e.g. a timeout with onTimeout: neutral). */
  ok: 0,
  /** Tests failed, or the vendor's run failed or was stopped there. */
  failed: 1,
  /** Bad input or configuration: refused before any request, or a file it names. */
  usage: 2,
  /** The vendor or a sink could not be reached, or refused or failed a request. */
  vendor: 3,
  /** Timed out with onTimeout: fail. */
  timeout: 4,
  /** A neutral outcome in a GitLab job: the component lets it pass with a warning. */
  neutralInGitLab: 5,
  /** Cancelled (SIGINT/SIGTERM), as shells report a Ctrl-C. */
  cancelled: 130,
} as const;

const EXIT_OF_CAUSE: Record<FailureCause, number> = {
  tests: EXIT.failed,
  input: EXIT.usage,
  vendor: EXIT.vendor,
  timeout: EXIT.timeout,
  cancelled: EXIT.cancelled,
};

const LIMITS: CiLimits = {
  // The log lists the failed tests; annotations are only notes about that list.
  errorAnnotations: Number.POSITIVE_INFINITY,
  // The summary is a file here, but often becomes a CI's summary later: keep GitHub's bound.
  summaryBytes: 1024 * 1024 - 16 * 1024,
  summaryLimitName: 'the 1 MiB summary limit',
  // CIs give a cancelled job a few seconds before they kill it.
  cancelGraceMs: 4500,
};

export class TerminalAgent implements CiAgent {
  readonly name: string = 'the CLI';
  readonly inputNaming: InputNaming = 'cli';
  readonly logger: Logger;
  readonly limits = LIMITS;
  protected readonly redactor = new Redactor();
  protected readonly outputs: Record<string, string> = {};
  protected readonly stdout: NodeJS.WriteStream;
  private readonly stderr: NodeJS.WriteStream;
  private progressShown = false;

  constructor(protected readonly options: TerminalOptions) {
    this.stdout = options.stdout ?? process.stdout;
    this.stderr = options.stderr ?? process.stderr;
    const write = (stream: NodeJS.WriteStream, prefix: string) => (message: string) => {
      this.clearProgress();
      stream.write(`${prefix}${this.clean(message)}\n`);
    };
    this.logger = {
      debug: options.verbose ? write(this.stderr, 'debug: ') : () => undefined,
      info: write(options.logToStderr ? this.stderr : this.stdout, ''),
      warn: write(this.stderr, 'warning: '),
      error: write(this.stderr, 'error: '),
    };
  }

  input(name: string): string {
    if (this.options.flags[name] !== undefined) return this.options.flags[name];
    return this.options.env[envName(name)] ?? '';
  }

  context(): CiContext {
    const env = this.options.env;
    // Enough of the common CIs' variables for build numbers and links back.
    return {
      ci: 'cli',
      repository: env.GITHUB_REPOSITORY ?? env.CI_PROJECT_PATH ?? env.BUILD_REPOSITORY_NAME,
      commit: env.GITHUB_SHA ?? env.CI_COMMIT_SHA ?? env.BUILD_SOURCEVERSION,
      branch:
        env.GITHUB_HEAD_REF ||
        env.GITHUB_REF_NAME ||
        env.CI_COMMIT_REF_NAME ||
        env.BUILD_SOURCEBRANCHNAME,
      runNumber: env.GITHUB_RUN_NUMBER ?? env.CI_PIPELINE_IID ?? env.BUILD_BUILDNUMBER,
      runAttempt: env.GITHUB_RUN_ATTEMPT,
      workflow: env.GITHUB_WORKFLOW ?? env.CI_PROJECT_NAME ?? env.BUILD_DEFINITIONNAME,
      runUrl: env.CI_JOB_URL ?? env.CI_PIPELINE_URL,
    };
  }

  maskSecret(value: string): void {
    this.redactor.add(value);
  }

  setOutput(name: string, value: string): void {
    this.outputs[name] = value;
    if (this.options.outputsFile) {
      const lines = Object.entries(this.outputs).map(
        ([key, v]) => `${key}=${v.replace(/[\r\n]+/g, ' ')}`,
      );
      fs.mkdirSync(path.dirname(path.resolve(this.options.outputsFile)), { recursive: true });
      fs.writeFileSync(this.options.outputsFile, `${lines.join('\n')}\n`);
    }
  }

  annotate(annotation: Annotation): void {
    // The relay already lists failed tests in the log; only notes about the list itself matter here.
    if (annotation.level === 'notice') this.logger.info(annotation.message);
  }

  async writeSummary(markdown: string): Promise<void> {
    const file =
      this.options.summaryFile ??
      path.join(
        path.dirname(this.input('junitPath') || 'testrelay-results/junit.xml'),
        'summary.md',
      );
    await fs.promises.mkdir(path.dirname(path.resolve(file)), { recursive: true });
    await fs.promises.writeFile(file, markdown, 'utf8');
    this.logger.info(`Summary: ${file}`);
  }

  progress(line: string): void {
    if (!this.stderr.isTTY) return;
    const width = Math.max(20, (this.stderr.columns ?? 80) - 1);
    this.stderr.write(`\r\x1b[K${this.clean(line).slice(0, width)}`);
    this.progressShown = true;
  }

  /** Ends the command: the reason on the terminal, the exit status in process.exitCode. */
  finish(outcome: Outcome): void {
    process.exitCode = this.report(outcome);
  }

  protected report(outcome: Outcome): number {
    if (outcome.inputProblems) {
      // Named the way the user gave it here: a flag, or its environment variable.
      for (const problem of outcome.inputProblems) {
        const how =
          this.inputNaming === 'cli'
            ? ` (flag --${flagName(problem.input)} or ${envName(problem.input)})`
            : '';
        this.logger.error(`${problem.message}${how}`);
      }
      return EXIT.usage;
    }
    if (outcome.conclusion === 'failure') {
      this.logger.error(outcome.reason);
      return outcome.cause ? EXIT_OF_CAUSE[outcome.cause] : EXIT.failed;
    }
    if (outcome.conclusion === 'neutral') this.logger.warn(outcome.reason);
    else this.logger.info(outcome.reason);
    return EXIT.ok;
  }

  /** Outputs set so far, for --json. */
  allOutputs(): Record<string, string> {
    return { ...this.outputs };
  }

  private clearProgress(): void {
    if (this.progressShown) {
      this.stderr.write('\r\x1b[K');
      this.progressShown = false;
    }
  }

  protected clean(message: string): string {
    // Vendor text may carry terminal escape sequences and control characters: drop them.
    return neutralizeLogText(cleanText(this.redactor.redact(message)));
  }
}
