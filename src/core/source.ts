// What the relay needs from a test platform. One implementation per vendor, in
// src/vendors/<name>/; only there are the vendor's URLs, payloads and enums known.

import type { RunResult } from './result.js';
import type { PollSnapshot } from './wait.js';

export interface RunHandle {
  runId: string;
  runUrl?: string;
  /** Plan name, when the vendor tells it. */
  title?: string;
}

/** What a dry run shows instead of sending the trigger. */
export interface TriggerPreview {
  method: string;
  url: string;
  /** Request body with secrets masked. */
  body?: unknown;
}

export interface CancelReport {
  /** True when the vendor confirmed the stop. */
  stopped: boolean;
  message: string;
}

export interface Source<S extends PollSnapshot = PollSnapshot> {
  /** Display name, e.g. "Testsigma". */
  readonly displayName: string;
  /** The fastest the vendor should be polled. */
  readonly minPollIntervalMs: number;
  /** How to name the plan in logs when it is not just "test plan <planId>". */
  readonly planLabel?: string;
  previewTrigger(): TriggerPreview;
  /** Starts the plan. Never retried once the request may have reached the vendor. */
  trigger(signal: AbortSignal): Promise<RunHandle>;
  /** Finds an existing run instead of starting one. */
  attach(runId: string, signal: AbortSignal): Promise<RunHandle>;
  poll(handle: RunHandle, signal: AbortSignal): Promise<S>;
  /** Results of a finished run (last is the snapshot that said done). */
  collect(handle: RunHandle, last: S, signal: AbortSignal): Promise<RunResult>;
  /** What is known of an unfinished run (after a timeout or a cancel). */
  partial(handle: RunHandle, last: S | undefined): RunResult;
  /** Asks the vendor to stop the run. "Nothing to stop" is not an error. */
  cancel(handle: RunHandle, signal: AbortSignal): Promise<CancelReport>;
}
