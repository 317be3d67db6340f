// The registry of test-management systems that receive results: from settings to ready Sinks.

import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Redactor } from '../core/redact.js';
import type { Settings } from '../core/settings.js';
import type { Sink, SinkName, SinkReport } from '../core/sink.js';
import { createSpiraSink } from './spira/index.js';
import { closeTestomatioRun, createTestomatioSink } from './testomatio/index.js';

export interface SinkDependencies {
  logger: Logger;
  redactor: Redactor;
  clock?: Clock;
  /** Randomness for retry jitter (tests pin it). */
  random?: () => number;
}

const FACTORIES: Record<SinkName, (settings: Settings, deps: SinkDependencies) => Sink> = {
  testomatio: createTestomatioSink,
  spira: createSpiraSink,
};

/** One sink per `reportTo` entry, in that order. Settings are already validated. */
export function createSinks(settings: Settings, deps: SinkDependencies): Sink[] {
  return settings.reportTo.map((name) => FACTORIES[name](settings, deps));
}

/** Closes the shared Testomat.io run testomatioRunId that parallel jobs reported into. */
export function closeSharedRun(
  settings: Settings,
  deps: SinkDependencies,
  signal: AbortSignal,
): Promise<SinkReport> {
  return closeTestomatioRun(settings, deps, signal);
}
