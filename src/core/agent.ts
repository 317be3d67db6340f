// What the relay needs from the CI it runs in. One implementation per CI in src/ci/;
// only those (and the entrypoints) import a CI library.

import type { InputNaming } from './input-names.js';
import type { Logger } from './logger.js';
import type { Outcome } from './outcome.js';
import type { CiContext } from './settings.js';

/** The phases of a job, as a CI's collapsible log sections show them. */
export type LogPhase = 'trigger' | 'wait' | 'results' | 'execution';

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  /** Untrusted text is fine: agents escape it for their own syntax. */
  message: string;
  title?: string;
  file?: string;
  line?: number;
}

/** What the CI can take, so the relay stays within it. */
export interface CiLimits {
  /** Most error annotations the relay may add for tests (the CI's cap, minus what the agent keeps). */
  errorAnnotations: number;
  /** UTF-8 bytes the job summary may take. */
  summaryBytes: number;
  /** How the summary names that limit when it has to trim ("GitHub's 1 MiB summary limit"). */
  summaryLimitName: string;
  /** How long a cancelled job has before the CI kills it. */
  cancelGraceMs: number;
}

export interface CiAgent {
  /** 'GitHub Actions', 'the CLI', … (for messages). */
  readonly name: string;
  readonly logger: Logger;
  readonly limits: CiLimits;
  /**
   * How messages name inputs: as inputs (`failOnNoMatch: false`, the default) or as the CLI's
   * flags and environment variables.
   */
  readonly inputNaming?: InputNaming;
  /** Raw input text, '' when unset. */
  input(name: string): string;
  context(): CiContext;
  /** Hides a secret from every later log line. */
  maskSecret(value: string): void;
  setOutput(name: string, value: string): void;
  annotate(annotation: Annotation): void;
  writeSummary(markdown: string): Promise<void>;
  /** Present only where the CI has artifacts of its own (GitHub). */
  uploadArtifact?(name: string, files: string[], rootDirectory: string): Promise<void>;
  /** Present where the CI shows test results itself from JUnit files (Azure's Tests tab). */
  publishTestResults?(files: string[], title: string): Promise<void>;
  /**
   * Downloads a file (e.g. an app build to upload) to a temporary path, where the CI has a
   * way of its own that honours the signal; else TestRelay's (core/download.ts). No agent has
   * one now: GitHub's @actions/tool-cache cannot be cancelled.
   */
  downloadFile?(url: string, signal?: AbortSignal): Promise<string>;
  /**
   * A live progress line while waiting (a terminal may redraw it; CI logs may ignore it),
   * with the share done (0–1) when the vendor tells it.
   */
  progress(line: string, fraction?: number): void;
  /**
   * Starts a collapsible part of the log (GitLab's sections, GitHub's groups) for one phase
   * of the job; the next call, or finish, ends it. Optional: a plain log has no such parts.
   */
  section?(phase: LogPhase, title: string): void;
  /** Ends the step the CI's way: exit code, step result, failure message. */
  finish(outcome: Outcome): void;
}
