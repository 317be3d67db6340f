// The one settings reader for every CI: the common inputs are read, validated and
// normalized here, each module's own inputs by the module, and every error names the input
// and the form it expects — before any request.

import { type InputReader, Inputs, SettingsError } from './input-reader.js';
import type { InputSpec } from './inputs.js';
import type { ModuleSet, SinkModule, SourceModule } from './module.js';

export { InputError, type InputReader, SettingsError } from './input-reader.js';

/** What the CI tells us about the job, for defaults and links back from the vendor run. */
export interface CiContext {
  /** 'github', 'azure', 'gitlab' or 'cli'. */
  ci: string;
  repository?: string;
  commit?: string;
  ref?: string;
  /** Branch name, when the job runs on one. */
  branch?: string;
  runNumber?: string;
  /** Re-runs of the same CI run count up from 1 (GitHub's "Re-run jobs"). */
  runAttempt?: string;
  runUrl?: string;
  workflow?: string;
}

export interface Settings {
  /**
   * 'vendor': trigger or attach to a vendor run; 'files': relay existing JUnit files;
   * 'close': nothing to relay, only close what a sink holds (its closeOnly mode).
   */
  mode: 'vendor' | 'files' | 'close';
  /** The source module's name. */
  vendor?: string;
  baseUrl?: string;
  apiKey?: string;
  planId?: string;
  runId?: string;
  junitFiles: string[];
  timeoutMs: number;
  /** 'auto' or a fixed interval in ms. */
  pollInterval: 'auto' | number;
  onTimeout: 'fail' | 'neutral';
  cancelOnTimeout: boolean;
  failOnTestFailure: boolean;
  failOnEmpty: boolean;
  junitPath: string;
  summary: boolean;
  maxAnnotations: number;
  artifactName?: string;
  caCertPath?: string;
  dryRun: boolean;
  /** Systems that receive the results after the run (or the files), in the order given. */
  reportTo: string[];
  /** Fail when a sink matched none of the tests. */
  failOnNoMatch: boolean;
  ci: CiContext;
  /** The source module's own settings (what its readSettings returned). */
  vendorSettings?: unknown;
  /** Each reportTo sink's own settings, by sink name. */
  sinkSettings: Record<string, unknown>;
}

const MIN_POLL_MS = 1000;
const MAX_TIMEOUT_MS = 72 * 3_600_000;
// When no vendor is set, nothing waits; the timeout only has to be valid.
const FALLBACK_TIMEOUT = '30m';

export function readSettings(
  modules: ModuleSet,
  table: readonly InputSpec[],
  read: InputReader,
  ci: CiContext,
): Settings {
  const inputs = new Inputs(read, table);

  const source = readVendor(inputs, modules);
  const junitFiles = inputs.lines('junitFiles');
  const sinks = readReportTo(inputs, modules);
  const closer = sinks.find((sink) => sink.closeOnly?.wanted(inputs));
  const mode = readMode(inputs, junitFiles, closer, modules);
  if (source && junitFiles.length > 0) {
    inputs.problem(
      'junitFiles',
      `not used with vendor ${source.name}: the results come from the vendor run`,
    );
  }

  const settings = readCommon(inputs, mode, source, junitFiles, sinks, ci);
  if (source) settings.vendorSettings = source.readSettings(inputs, settings);
  // A close-only job has nothing for the other sinks: only the closer is active then.
  const active = mode === 'close' && closer ? [closer] : sinks;
  for (const sink of modules.sinks) {
    const own = sink.readSettings(inputs, settings, active.includes(sink));
    if (sinks.includes(sink)) settings.sinkSettings[sink.name] = own;
  }
  if (mode === 'close' && closer) checkCloseOnly(settings, closer, inputs);

  if (inputs.problems.length > 0) throw new SettingsError(inputs.problems);
  return settings;
}

/** The common inputs, read and checked; the modules' own settings are added after. */
function readCommon(
  inputs: Inputs,
  mode: Settings['mode'],
  source: SourceModule | undefined,
  junitFiles: string[],
  sinks: SinkModule[],
  ci: CiContext,
): Settings {
  return {
    mode,
    vendor: source?.name,
    baseUrl: inputs.httpUrl('baseUrl', { example: 'https://api.example.com' }),
    apiKey: inputs.optional('apiKey'),
    planId: inputs.optional('planId'),
    runId: inputs.optional('runId'),
    junitFiles,
    // Each vendor has its own default (a device queue alone can take hours).
    timeoutMs:
      inputs.duration(
        'timeout',
        1000,
        MAX_TIMEOUT_MS,
        'a duration between 1s and 72h such as 30m, 90s or 1h30m',
        { fallback: source?.defaultTimeout ?? FALLBACK_TIMEOUT },
      ) ?? 0,
    pollInterval: readPollInterval(inputs),
    onTimeout: inputs.choice('onTimeout') === 'neutral' ? 'neutral' : 'fail',
    cancelOnTimeout: inputs.bool('cancelOnTimeout'),
    failOnTestFailure: inputs.bool('failOnTestFailure'),
    failOnEmpty: inputs.bool('failOnEmpty'),
    junitPath: inputs.text('junitPath'),
    summary: inputs.bool('summary'),
    maxAnnotations: readMaxAnnotations(inputs),
    artifactName: readArtifactName(inputs),
    caCertPath: inputs.readableFile(
      'caCertPath',
      'a PEM file of CA certificates (-----BEGIN CERTIFICATE-----)',
      (content) => content.includes('-----BEGIN CERTIFICATE-----'),
    ),
    dryRun: inputs.bool('dryRun'),
    reportTo: sinks.map((sink) => sink.name),
    failOnNoMatch: inputs.bool('failOnNoMatch'),
    ci,
    sinkSettings: {},
  };
}

function readVendor(inputs: Inputs, modules: ModuleSet): SourceModule | undefined {
  const name = inputs.oneOf(
    'vendor',
    modules.sources.map((source) => source.name),
  );
  return modules.sources.find((source) => source.name === name);
}

/** `reportTo`: a comma- or line-separated list of sinks, each once. */
function readReportTo(inputs: Inputs, modules: ModuleSet): SinkModule[] {
  const names = inputs
    .text('reportTo')
    .split(/[,\s]+/)
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const sinks: SinkModule[] = [];
  for (const name of names) {
    const sink = modules.sinks.find((candidate) => candidate.name === name);
    if (!sink) {
      const known = modules.sinks.map((candidate) => candidate.name).join(', ');
      inputs.problem('reportTo', `expected a list of ${known}; got "${name}"`);
    } else if (!sinks.includes(sink)) {
      sinks.push(sink);
    }
  }
  return sinks;
}

function readMode(
  inputs: Inputs,
  junitFiles: string[],
  closer: SinkModule | undefined,
  modules: ModuleSet,
): Settings['mode'] {
  if (inputs.text('vendor') !== '') return 'vendor';
  if (junitFiles.length > 0) return 'files';
  if (closer) return 'close';
  const hints = modules.sinks.flatMap((sink) => (sink.closeOnly ? [sink.closeOnly.hint] : []));
  inputs.problem(
    'vendor',
    `set a vendor (${modules.sources.map((source) => source.name).join(', ')}) to run a test plan, ` +
      'or junitFiles (a glob of JUnit files) to relay existing results' +
      hints.map((hint) => ` (or, ${hint})`).join(''),
  );
  return 'files';
}

/** A job that only closes something has nothing for the other reportTo systems. */
function checkCloseOnly(settings: Settings, closer: SinkModule, inputs: Inputs): void {
  const others = settings.reportTo.filter((name) => name !== closer.name);
  if (others.length === 0 || !closer.closeOnly) return;
  inputs.problem(
    'reportTo',
    `with no vendor and no junitFiles this job only closes ${closer.closeOnly.describe(settings.sinkSettings[closer.name])}; ` +
      `${others.join(', ')} has nothing to receive: use reportTo: ${closer.name}`,
  );
}

function readPollInterval(inputs: Inputs): Settings['pollInterval'] {
  if (inputs.text('pollInterval').toLowerCase() === 'auto') return 'auto';
  return (
    inputs.duration(
      'pollInterval',
      MIN_POLL_MS,
      MAX_TIMEOUT_MS,
      'auto or a duration of at least 1s such as 30s',
    ) ?? 'auto'
  );
}

function readMaxAnnotations(inputs: Inputs): number {
  const text = inputs.text('maxAnnotations');
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 1000) {
    inputs.problem('maxAnnotations', `expected a whole number from 0 to 1000, got "${text}"`);
    return 10;
  }
  return value;
}

function readArtifactName(inputs: Inputs): string | undefined {
  const value = inputs.text('artifactName');
  if (!value) return undefined;
  // The characters actions/upload-artifact refuses in artifact names.
  if (/["':<>|*?\\/\r\n]/.test(value)) {
    inputs.problem('artifactName', `must not contain " : < > | * ? \\ / or quotes, got "${value}"`);
  }
  return value;
}

/** Inputs that hold credentials (and what derives from them), to be masked before any log. */
export function secretValues(
  modules: ModuleSet,
  table: readonly InputSpec[],
  read: InputReader,
): string[] {
  const values = table
    .filter((input) => input.secret)
    .map((input) => (read(input.name) ?? '').trim())
    .filter((value) => value !== '');
  for (const module of [...modules.sources, ...modules.sinks]) {
    values.push(...(module.derivedSecrets?.(read) ?? []));
  }
  return values;
}

/** The CI run a sink links back to, for run titles and build descriptions. */
export function ciRunName(ci: CiContext): string | undefined {
  if (!ci.workflow && !ci.runNumber) return undefined;
  return `${ci.workflow ?? 'CI'}${ci.runNumber ? ` #${ci.runNumber}` : ''}`;
}
