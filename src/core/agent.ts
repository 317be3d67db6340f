// What the relay needs from the CI it runs in. One implementation per CI in src/ci/;
// only those (and the entrypoints) import a CI library.

import type { Logger } from './logger.js';
import type { CiContext } from './settings.js';

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  /** Untrusted text is fine: agents escape it for their own syntax. */
  message: string;
  title?: string;
  file?: string;
  line?: number;
}

export interface CiAgent {
  /** 'github', 'cli', … */
  readonly name: string;
  readonly logger: Logger;
  /** Most error annotations the relay may add for tests (the CI's own cap, minus what the agent reserves). */
  readonly errorAnnotationCap?: number;
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
  /**
   * Downloads a file (e.g. an app build to upload) to a temporary path, the CI's own way
   * where it has one (GitHub: @actions/tool-cache, with its retries).
   */
  downloadFile(url: string): Promise<string>;
  /** A live progress line while waiting (a terminal may redraw it; CI logs may ignore it). */
  progress(line: string): void;
}
