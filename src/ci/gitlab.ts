// The GitLab CI/CD agent: the CLI's agent (flags and TESTRELAY_* variables, logs on the
// job log, summary as a file), plus what a GitLab job adds: the CI context from GitLab's
// predefined variables, collapsible log sections, the outputs as a dotenv report, and an
// exit code of its own for a neutral outcome (the component turns it into a warning).

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LogPhase } from '../core/agent.js';
import type { InputNaming } from '../core/input-names.js';
import type { Outcome } from '../core/outcome.js';
import { envName } from '../core/inputs.js';
import type { CiContext } from '../core/settings.js';
import { EXIT, TerminalAgent, type TerminalOptions } from './terminal.js';

/** Exit status of a neutral outcome (a timeout with onTimeout: neutral) in a GitLab job. */
export const GITLAB_NEUTRAL_EXIT = EXIT.neutralInGitLab;

// GitLab's dotenv report limits (the lowest of its plans): 5 KiB and 20 variables; one line
// per variable, no quotes, no escapes. Outputs past them are left out, and the log says so.
export const DOTENV_MAX_BYTES = 5120;
export const DOTENV_MAX_VARIABLES = 20;

export interface GitLabOptions extends TerminalOptions {
  /** Where the dotenv report goes (artifacts:reports:dotenv). */
  dotenvFile?: string;
}

export class GitLabAgent extends TerminalAgent {
  override readonly name = 'GitLab CI/CD';
  private openSection?: string;
  private readonly dotenvFile?: string;

  // The component (gitlab/templates/testrelay.yml) says it runs the CLI: its users set
  // inputs, so messages name those; a job calling the CLI itself gets its flags named.
  override readonly inputNaming: InputNaming;

  constructor(options: GitLabOptions) {
    super(options);
    this.dotenvFile = options.dotenvFile;
    this.inputNaming = options.env.TESTRELAY_GITLAB_COMPONENT === 'true' ? 'inputs' : 'cli';
  }

  override context(): CiContext {
    const env = this.options.env;
    return {
      ci: 'gitlab',
      repository: env.CI_PROJECT_PATH || undefined,
      commit: env.CI_COMMIT_SHA || undefined,
      ref: env.CI_COMMIT_REF_NAME || undefined,
      branch:
        env.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME || env.CI_COMMIT_BRANCH || env.CI_COMMIT_REF_NAME,
      // The pipeline's number within its project, as people see it in the UI (#123).
      runNumber: env.CI_PIPELINE_IID || undefined,
      runUrl: env.CI_JOB_URL || env.CI_PIPELINE_URL || undefined,
      workflow: env.CI_MERGE_REQUEST_IID
        ? `${env.CI_PROJECT_NAME ?? 'merge request'} !${env.CI_MERGE_REQUEST_IID}`
        : env.CI_PROJECT_NAME || undefined,
    };
  }

  override setOutput(name: string, value: string): void {
    this.outputs[name] = value;
    if (this.dotenvFile) writeDotenv(this.dotenvFile, dotenvOf(this.outputs, this.redactor));
  }

  override annotate(): void {
    // The relay lists the failed tests in the log already; GitLab has no annotations, and the
    // CLI's note about the annotation cap (maxAnnotations, a GitHub input) means nothing here.
  }

  section(phase: LogPhase, title: string): void {
    this.endSection();
    this.openSection = `testrelay_${phase}`;
    // The header is vendor-free text of ours, but it goes through the same cleaning.
    this.stdout.write(
      sectionMarker('start', this.openSection, phase === 'wait') + this.clean(title),
    );
    this.stdout.write('\n');
  }

  override finish(outcome: Outcome): void {
    this.endSection();
    if (this.dotenvFile) {
      const { leftOut } = dotenvOf(this.outputs, this.redactor);
      if (leftOut.length > 0) {
        this.logger.warn(
          `Left out of the dotenv report (GitLab takes ${DOTENV_MAX_VARIABLES} variables and ` +
            `${DOTENV_MAX_BYTES} bytes): ${leftOut.join(', ')}.`,
        );
      }
    }
    super.finish(outcome);
  }

  protected override report(outcome: Outcome): number {
    const code = super.report(outcome);
    return code === EXIT.ok && outcome.conclusion === 'neutral' ? GITLAB_NEUTRAL_EXIT : code;
  }

  // A CR would let vendor text overwrite what the log shows before it; ESC is gone already
  // (cleanText), so no text can forge a section marker or colour sequence.
  protected override clean(message: string): string {
    return super.clean(message).replace(/\r/g, '');
  }

  private endSection(): void {
    if (!this.openSection) return;
    this.stdout.write(`${sectionMarker('end', this.openSection)}\n`);
    this.openSection = undefined;
  }
}

/** GitLab's section marker: ESC[0K, the marker, CR, ESC[0K (the header follows a start). */
function sectionMarker(kind: 'start' | 'end', name: string, collapsed = false): string {
  const now = Math.floor(Date.now() / 1000);
  const options = kind === 'start' && collapsed ? '[collapsed=true]' : '';
  return `\x1b[0Ksection_${kind}:${now}:${name}${options}\r\x1b[0K`;
}

/**
 * runUrl → TESTRELAY_RUN_URL: the name the CLI would read an input of that name from, so an
 * output and an input of one name share their variable (the component keeps them apart).
 */
export function dotenvKey(output: string): string {
  return envName(output);
}

export interface Dotenv {
  text: string;
  leftOut: string[];
}

/** The outputs as GitLab reads a dotenv file, in the order set, within its limits. */
export function dotenvOf(
  outputs: Record<string, string>,
  redactor: { redact(text: string): string },
): Dotenv {
  const lines: string[] = [];
  const leftOut: string[] = [];
  let bytes = 0;
  for (const [name, raw] of Object.entries(outputs)) {
    // One line, no secret: GitLab has no quoting to carry more, and masks only its own variables.
    const value = redactor.redact(raw).replace(/[\r\n]+/g, ' ');
    const line = `${dotenvKey(name)}=${value}\n`;
    const size = Buffer.byteLength(line, 'utf8');
    if (lines.length >= DOTENV_MAX_VARIABLES || bytes + size > DOTENV_MAX_BYTES) {
      leftOut.push(name);
      continue;
    }
    lines.push(line);
    bytes += size;
  }
  return { text: lines.join(''), leftOut };
}

function writeDotenv(file: string, dotenv: Dotenv): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, dotenv.text);
}
