// A CI agent that records everything, for running the relay in-process.
import type { Annotation, CiAgent, CiLimits } from '../../src/core/agent.js';
import { downloadToTemp } from '../../src/core/download.js';
import { silentLogger } from '../../src/core/logger.js';
import type { Outcome } from '../../src/core/outcome.js';
import { Redactor } from '../../src/core/redact.js';
import type { CiContext } from '../../src/core/settings.js';

export class RecordingAgent implements CiAgent {
  readonly name = 'test';
  readonly limits: CiLimits = {
    errorAnnotations: Number.POSITIVE_INFINITY,
    summaryBytes: 1024 * 1024 - 16 * 1024,
    summaryLimitName: 'the 1 MiB summary limit',
    cancelGraceMs: 4500,
  };
  /** The outcome the relay ended with (finish). */
  finished?: Outcome;
  readonly lines: string[] = [];
  readonly outputs: Record<string, string> = {};
  readonly annotations: Annotation[] = [];
  readonly masked: string[] = [];
  summary = '';
  readonly logger = {
    debug: (m: string) => this.lines.push(`debug: ${m}`),
    info: (m: string) => this.lines.push(m),
    warn: (m: string) => this.lines.push(`warning: ${m}`),
    error: (m: string) => this.lines.push(`error: ${m}`),
  };

  constructor(
    private readonly inputs: Record<string, string>,
    private readonly ci: CiContext = { ci: 'test', runNumber: '5' },
  ) {}

  input(name: string): string {
    return this.inputs[name] ?? '';
  }
  context(): CiContext {
    return this.ci;
  }
  maskSecret(value: string): void {
    this.masked.push(value);
  }
  setOutput(name: string, value: string): void {
    this.outputs[name] = value;
  }
  annotate(annotation: Annotation): void {
    this.annotations.push(annotation);
  }
  async writeSummary(markdown: string): Promise<void> {
    this.summary = markdown;
  }
  readonly downloads: string[] = [];
  downloadFile(url: string, signal?: AbortSignal): Promise<string> {
    this.downloads.push(url);
    return downloadToTemp(url, { logger: silentLogger, redactor: new Redactor(), signal });
  }
  progress(): void {}
  finish(outcome: Outcome): void {
    this.finished = outcome;
  }
  log(): string {
    return this.lines.join('\n');
  }
}
