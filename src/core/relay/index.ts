// The relay every entrypoint runs: mask the secrets, read the settings, then one of the
// jobs — a vendor run (trigger or attach → wait → collect), working a vendor's plan off as
// one of its workers, JUnit files, stopping a run, or closing what a sink holds — and
// publish what came of it.

import type { CiAgent } from '../agent.js';
import type { Clock } from '../clock.js';
import { downloadToTemp } from '../download.js';
import type { InputSpec } from '../inputs.js';
import { JunitFilesNotFoundError, readJunitFiles } from '../junit-files.js';
import { JunitParseError } from '../junit-read.js';
import {
  buildSinks,
  buildSource,
  type ModuleDependencies,
  type ModuleSet,
  wantedWorker,
} from '../module.js';
import type { Outcome } from '../outcome.js';
import { Redactor } from '../redact.js';
import { type RunResult, verdictFromCases } from '../result.js';
import { InputError, readSettings, secretValues, type Settings } from '../settings.js';
import type { Sink } from '../sink.js';
import { errorMessage, plural } from '../text.js';
import { publish } from './publish.js';
import { type Reporting, runCloseOnly } from './report-sinks.js';
import { runOnVendor } from './run-vendor.js';
import { runWorker } from './run-worker.js';

export interface RelayDependencies {
  agent: CiAgent;
  /** The vendor modules (src/vendors/registry.ts) and the input table made from them. */
  modules: ModuleSet;
  inputs: readonly InputSpec[];
  /** Aborted when the CI cancels the job (SIGINT/SIGTERM). */
  signal?: AbortSignal;
  /** Test seams, handed on to every source and sink. */
  clock?: Clock;
  random?: () => number;
}

/** What the job is asked to do: `run` and `report` relay; `cancel` stops a vendor run. */
export type RelayCommand = 'relay' | 'cancel';

// Stopping a run on request (the CLI's cancel) may take a slow vendor a while.
const CANCEL_COMMAND_BUDGET_MS = 30_000;

/** Reads settings (throws SettingsError/InputError before any request), then does the job. */
export async function relay(
  deps: RelayDependencies,
  command: RelayCommand = 'relay',
): Promise<Outcome> {
  const { agent } = deps;
  const redactor = new Redactor();
  for (const secret of secretValues(deps.modules, deps.inputs, (name) => agent.input(name))) {
    redactor.add(secret);
    agent.maskSecret(secret);
  }
  const settings = readSettings(
    deps.modules,
    deps.inputs,
    (name) => agent.input(name),
    agent.context(),
  );
  const cancel = deps.signal ?? new AbortController().signal;
  const moduleDeps: ModuleDependencies = {
    logger: agent.logger,
    redactor,
    clock: deps.clock,
    random: deps.random,
    downloadFile: (url, signal) =>
      agent.downloadFile
        ? agent.downloadFile(url, signal)
        : downloadToTemp(url, {
            logger: agent.logger,
            redactor,
            caCertPath: settings.caCertPath,
            signal,
          }),
  };
  if (command === 'cancel') return stopRun(settings, deps.modules, moduleDeps);
  if (settings.mode === 'close') {
    return runCloseOnly({ modules: deps.modules, settings, agent, deps: moduleDeps, cancel });
  }
  const sinks = buildSinks(deps.modules, settings, moduleDeps);
  const reporting: Reporting = { sinks, redactor, signal: cancel };
  const worker = wantedWorker(deps.modules, settings);
  if (worker) {
    return runWorker({ worker, settings, agent, modules: deps.modules, reporting, moduleDeps });
  }
  const result =
    settings.mode === 'files'
      ? await resultFromFiles(settings, agent)
      : await resultFromVendor(settings, deps, moduleDeps, cancel);
  if (settings.dryRun) {
    logSinksDryRun(sinks, agent);
    const what = settings.mode === 'files' ? 'published' : 'started';
    return { conclusion: 'success', reason: `Dry run: inputs are valid; nothing was ${what}.` };
  }
  agent.section?.('results', 'Results');
  return publish({ result: result!, settings, agent, modules: deps.modules, reporting });
}

/** The results of a vendor run; undefined on a dry run, after showing what would be sent. */
async function resultFromVendor(
  settings: Settings,
  deps: RelayDependencies,
  moduleDeps: ModuleDependencies,
  cancel: AbortSignal,
): Promise<RunResult | undefined> {
  const { agent } = deps;
  const source = buildSource(deps.modules, settings, moduleDeps);
  if (settings.dryRun) {
    const preview = source.previewTrigger();
    agent.logger.info(`Dry run: would ${preview.method} ${preview.url}`);
    if (preview.body !== undefined) {
      agent.logger.info(moduleDeps.redactor.redact(JSON.stringify(preview.body, null, 2)));
    }
    return undefined;
  }
  return runOnVendor({
    source,
    settings,
    agent,
    redactor: moduleDeps.redactor,
    cancel,
    clock: deps.clock,
  });
}

async function resultFromFiles(settings: Settings, agent: CiAgent): Promise<RunResult> {
  // Never read back our own output from an earlier step in the same workspace.
  const patterns = [...settings.junitFiles, `!${settings.junitPath}`];
  const { files, suites } = await readJunitFiles(patterns).catch((error: unknown) => {
    throw junitFilesProblem(error);
  });
  agent.logger.info(`Read ${plural(files.length, 'JUnit file')}: ${files.join(', ')}`);
  const result: RunResult = {
    vendor: 'junit',
    vendorName: 'JUnit files',
    title: 'JUnit files',
    state: 'completed',
    suites,
    links: [],
  };
  result.verdict = verdictFromCases(result);
  return result;
}

/**
 * Files that are missing, unreadable or not JUnit are the user's to fix (bad input, exit 2
 * on the CLI): said as a problem of junitFiles, naming the file.
 */
function junitFilesProblem(error: unknown): unknown {
  if (error instanceof JunitFilesNotFoundError || error instanceof JunitParseError) {
    return new InputError('junitFiles', `junitFiles: ${error.message}`);
  }
  const fsError = error as NodeJS.ErrnoException;
  if (typeof fsError.code === 'string' && typeof fsError.path === 'string') {
    const why = FS_ERRORS[fsError.code] ?? fsError.message;
    return new InputError(
      'junitFiles',
      `junitFiles: cannot read the JUnit file ${fsError.path}: ${why} (${fsError.code})`,
    );
  }
  return error;
}

const FS_ERRORS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOENT: 'it is gone (deleted while TestRelay read the files)',
  EISDIR: 'it is a folder',
};

function logSinksDryRun(sinks: Sink[], agent: CiAgent): void {
  if (sinks.length === 0) return;
  agent.logger.info(
    `Dry run: would report the results to ${sinks.map((sink) => sink.displayName).join(' and ')}.`,
  );
}

/** Stops the run runId (the CLI's `cancel`): what the vendor said is the reason. */
async function stopRun(
  settings: Settings,
  modules: ModuleSet,
  deps: ModuleDependencies,
): Promise<Outcome> {
  if (!settings.vendor) {
    throw new InputError('vendor', 'vendor: required to cancel a run: the platform it runs on');
  }
  if (!settings.runId) throw new InputError('runId', 'runId: required, the id of the run to stop');
  const source = buildSource(modules, settings, deps);
  try {
    const report = await source.cancel(
      { runId: settings.runId },
      AbortSignal.timeout(CANCEL_COMMAND_BUDGET_MS),
    );
    return { conclusion: 'success', reason: report.message };
  } catch (error) {
    return {
      conclusion: 'failure',
      reason: deps.redactor.redact(errorMessage(error)),
      cause: 'vendor',
    };
  }
}
