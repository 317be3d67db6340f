// What a vendor folder exports: one module object that owns both sides of its contract with
// TestRelay — its inputs, how they are read and checked, its defaults and outputs, and the
// factory of its Source or Sink. src/vendors/registry.ts lists the modules; core only ever
// sees them through these interfaces, so it names no vendor.

import type { Clock } from './clock.js';
import type { HttpClientOptions } from './http.js';
import type { InputReader, Inputs } from './input-reader.js';
import type { InputSpec, OutputSpec } from './inputs.js';
import type { Logger } from './logger.js';
import type { Redactor } from './redact.js';
import type { RunResult } from './result.js';
import type { Settings } from './settings.js';
import type { Sink, SinkReport } from './sink.js';
import type { Source } from './source.js';

/** What a source or sink is built with: the CI's logger, the job's redactor, test seams. */
export interface ModuleDependencies {
  logger: Logger;
  redactor: Redactor;
  clock?: Clock;
  /** Randomness for retry jitter (tests pin it). */
  random?: () => number;
  /** Downloads a file to a local path, the CI agent's way (e.g. a build to upload first). */
  downloadFile?: (url: string, signal?: AbortSignal) => Promise<string>;
}

/**
 * The HTTP client options every module passes the same way: the job's logger and redactor,
 * the extra CA certificates and the test seams. Only the vendor name, URL and headers differ.
 */
export function commonClientOptions(
  settings: Pick<Settings, 'caCertPath'>,
  deps: ModuleDependencies,
): Pick<HttpClientOptions, 'redactor' | 'logger' | 'caCertPath' | 'clock' | 'random'> {
  return {
    redactor: deps.redactor,
    logger: deps.logger,
    caCertPath: settings.caCertPath,
    clock: deps.clock,
    random: deps.random,
  };
}

interface ModuleBase {
  /** The name users type (`vendor: testsigma`, `reportTo: spira`). */
  readonly name: string;
  /** The name as people write it, e.g. "Squish Test Center". */
  readonly displayName: string;
  /** The module's own inputs, in the order the docs list them. */
  readonly inputs: readonly InputSpec[];
  /**
   * What a common input means for this module, appended to its description in every
   * generated document (e.g. planId: "the plan id (CI/CD Integration tab)").
   */
  readonly commonInputNotes?: Readonly<Record<string, string>>;
  /**
   * The inputs it cannot do without (common ones included), as the CLI's help marks them;
   * 'planId|runId' means either. A test holds readSettings to this list.
   */
  readonly requiredInputs?: readonly string[];
  /**
   * Secrets that are no input's value but derive from them (a Basic-auth pair, the query of
   * a signed URL): masked like the secret inputs, before anything is logged.
   */
  derivedSecrets?(read: InputReader): string[];
}

/** What a worker job did: its results (published as usual), outputs and summary part. */
export interface WorkerReport {
  /** Absent for a job with nothing to publish (one that only started the plan). */
  result?: RunResult;
  /** Output values (the module's own, or common ones such as runId). */
  outputs: Record<string, string>;
  /** Markdown appended to the job summary (e.g. a table of what was run, and where). */
  summary?: string;
  /** Without a result: what the job did, as its successful outcome says. */
  reason?: string;
}

/** What a worker job may do besides logging: open a collapsible part of the log. */
export interface WorkerDependencies extends ModuleDependencies {
  section?: (title: string) => void;
}

/**
 * A source whose plans can be run by the CI itself: the job takes the plan's tests one by
 * one from the vendor, runs a command for each and reports back (Squish Test Center's
 * external workers), instead of waiting for the vendor to run them. The same mode serves the
 * job that only starts the plan for such workers.
 */
export interface WorkerMode<Own> {
  /** True when the module's settings ask for it (e.g. `mode: worker`). */
  wanted(own: Own): boolean;
  run(
    settings: Settings,
    own: Own,
    deps: WorkerDependencies,
    signal: AbortSignal,
  ): Promise<WorkerReport>;
}

/** A test platform that runs plans: trigger → wait → collect. */
export interface SourceModule<Own = unknown> extends ModuleBase {
  readonly kind: 'source';
  /** Used when `timeout` is empty, e.g. '30m'. */
  readonly defaultTimeout: string;
  /** Why the default is what it is, for the docs (e.g. "its device queue can take 2 hours"). */
  readonly defaultTimeoutNote?: string;
  /**
   * Reads the module's own inputs and checks the common ones it depends on (apiKey's form,
   * planId's form …). Every problem goes to `inputs.problem`, before any request.
   */
  readSettings(inputs: Inputs, common: Settings): Own;
  /** Throws InputError for what can only be judged when building (e.g. a host mismatch). */
  createSource(settings: Settings, own: Own, deps: ModuleDependencies): Source;
  /** Present when the CI job can run the plan's tests itself. */
  readonly worker?: WorkerMode<Own>;
  /** Outputs it adds (its worker mode's counts). */
  readonly outputs?: readonly OutputSpec[];
}

/**
 * A job that has no results but closes something a sink holds (the last job of a sharded
 * pipeline closing the shared run its parts reported into).
 */
export interface CloseOnlyMode<Own> {
  /** True when the inputs ask for it (no vendor, no junitFiles: asked before the rest is read). */
  wanted(inputs: Inputs): boolean;
  /** How to ask for it, for the message when neither a vendor nor files are set. */
  readonly hint: string;
  /** What is closed, e.g. "Testomat.io run abc123". */
  describe(own: Own): string;
  close(
    settings: Settings,
    own: Own,
    deps: ModuleDependencies,
    signal: AbortSignal,
  ): Promise<SinkReport>;
}

/** A test-management system that receives results (`reportTo`). */
export interface SinkModule<Own = unknown> extends ModuleBase {
  readonly kind: 'sink';
  /** Outputs it adds, e.g. its run's link. */
  readonly outputs: readonly OutputSpec[];
  /** Values of those outputs from what reporting did. */
  outputsOf(report: SinkReport): Record<string, string>;
  /**
   * Like SourceModule.readSettings, for every sink: the form of each input it takes is
   * checked whatever reportTo says (a typo there must not hide a malformed id), what it
   * requires only when `active` (the sink is in reportTo).
   */
  readSettings(inputs: Inputs, common: Settings, active: boolean): Own;
  createSink(settings: Settings, own: Own, deps: ModuleDependencies): Sink;
  readonly closeOnly?: CloseOnlyMode<Own>;
}

export type AnyModule = SourceModule | SinkModule;

/** The modules TestRelay is assembled from (src/vendors/registry.ts). */
export interface ModuleSet {
  readonly sources: readonly SourceModule[];
  readonly sinks: readonly SinkModule[];
}

/**
 * Keeps a module's own settings type inside the module: the registry stores them as
 * `unknown`, and this is the one place they are handed back typed.
 */
export function defineSource<Own>(module: SourceModule<Own>): SourceModule {
  return module as unknown as SourceModule;
}

export function defineSink<Own>(module: SinkModule<Own>): SinkModule {
  return module as unknown as SinkModule;
}

export function findSource(modules: ModuleSet, name: string | undefined): SourceModule {
  const module = modules.sources.find((source) => source.name === name);
  if (!module) throw new Error(`internal: no source for vendor ${String(name)}`);
  return module;
}

export function findSink(modules: ModuleSet, name: string): SinkModule {
  const module = modules.sinks.find((sink) => sink.name === name);
  if (!module) throw new Error(`internal: no sink ${name}`);
  return module;
}

/** The settings' vendor as a ready Source; throws InputError for what only it can judge. */
export function buildSource(
  modules: ModuleSet,
  settings: Settings,
  deps: ModuleDependencies,
): Source {
  return findSource(modules, settings.vendor).createSource(settings, settings.vendorSettings, deps);
}

/** One sink per `reportTo` entry, in that order. Settings are already validated. */
export function buildSinks(
  modules: ModuleSet,
  settings: Settings,
  deps: ModuleDependencies,
): Sink[] {
  return settings.reportTo.map((name) =>
    findSink(modules, name).createSink(settings, settings.sinkSettings[name], deps),
  );
}

/** The settings' vendor's worker mode, when the settings ask for it. */
export function wantedWorker(
  modules: ModuleSet,
  settings: Settings,
): WorkerMode<unknown> | undefined {
  if (settings.mode !== 'vendor') return undefined;
  const worker = findSource(modules, settings.vendor).worker;
  return worker?.wanted(settings.vendorSettings) ? worker : undefined;
}

/** The sink that a close-only job (mode 'close') closes something of. */
export function closingSink(modules: ModuleSet, settings: Settings): SinkModule {
  const module = settings.reportTo
    .map((name) => findSink(modules, name))
    .find((sink) => sink.closeOnly);
  if (!module?.closeOnly) throw new Error('internal: nothing to close in this job');
  return module;
}
