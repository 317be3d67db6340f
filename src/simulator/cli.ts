// `testrelay simulate`: start one or all vendor simulators from the command line.
//
// Contract (DESIGN.md "The simulators"): when ready, print exactly one line per vendor on
// stdout, `<vendor> <baseUrl>`, and nothing else there; stop cleanly on SIGINT/SIGTERM.
// Bad flags exit with status 2 and a message naming the flag and the expected form.

import { parseArgs } from 'node:util';
import { CONTROL_ENDPOINTS } from './control.js';
import {
  COMMON_KNOBS,
  knobFlag,
  parseKnobFlag,
  ScenarioError,
  variantFlags,
  type KnobSpec,
  type KnobValue,
} from './scenario.js';
import { startSimulator, type RunningSimulator } from './server.js';
import { findVendor, type VendorDefinition } from './vendor.js';

interface Writer {
  write(text: string): unknown;
}

/** Where SIGINT/SIGTERM come from (default `process`); injectable for tests. */
export interface SignalSource {
  on(event: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  off(event: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

export interface SimulateCommandIo {
  stdout?: Writer;
  stderr?: Writer;
  /** Aborting it stops the simulators, like a signal. */
  signal?: AbortSignal;
  signals?: SignalSource;
}

const EXIT_OK = 0;
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

class UsageError extends Error {}

const GENERAL_OPTIONS: ReadonlyArray<{ flag: string; value: string; help: string }> = [
  { flag: 'vendor', value: 'NAME', help: 'vendor to simulate, or "all" (required)' },
  {
    flag: 'port',
    value: 'N',
    help: 'port to listen on (with "all": N, N+1, …); default: a free port',
  },
  { flag: 'host', value: 'HOST', help: 'interface to bind (default 127.0.0.1)' },
  { flag: 'api-key', value: 'KEY', help: 'the accepted API key (default: any non-empty key)' },
];

/** Every knob once (common first), with the vendors that declare each vendor knob. */
function knobCatalog(vendors: readonly VendorDefinition[]): {
  specs: KnobSpec[];
  owners: Map<string, Set<string>>;
} {
  const specs = [...COMMON_KNOBS];
  const owners = new Map<string, Set<string>>();
  for (const vendor of vendors) {
    for (const spec of vendor.knobs) {
      if (!owners.has(spec.name)) {
        owners.set(spec.name, new Set());
        specs.push(spec);
      }
      owners.get(spec.name)!.add(vendor.name);
    }
  }
  return { specs, owners };
}

function formatDefault(spec: KnobSpec): string {
  const value = spec.default;
  if (value === null || value === '' || (Array.isArray(value) && value.length === 0)) return '';
  return ` (default ${Array.isArray(value) ? value.join(',') : String(value)})`;
}

function optionLine(left: string, help: string): string {
  return `  ${left.padEnd(34)} ${help}`;
}

function knobLine(spec: KnobSpec): string {
  const flag = knobFlag(spec.name);
  const left = spec.type === 'boolean' ? `--[no-]${flag}` : `--${flag} ${spec.placeholder}`;
  return optionLine(left, `${spec.help}${formatDefault(spec)}`);
}

/** The `--help` text for the simulators of `vendors`. */
export function simulateUsage(vendors: readonly VendorDefinition[]): string {
  const lines = [
    'Usage: testrelay simulate --vendor <name|all> [options]',
    '',
    "Runs local HTTP servers on 127.0.0.1 that behave like the vendors' APIs (paths, auth,",
    'payloads, run states over time, quirks and errors), for tests, demos and pipeline checks.',
    'When ready it prints one line per vendor on stdout: "<vendor> <baseUrl>". Pass that base',
    'URL to TestRelay as the vendor base URL. Stops on SIGINT (Ctrl-C) or SIGTERM.',
    '',
    'Options:',
    ...GENERAL_OPTIONS.map((option) => optionLine(`--${option.flag} ${option.value}`, option.help)),
    optionLine('-h, --help', 'show this help'),
    '',
    'Scenario, all vendors (also settable as JSON with PUT <baseUrl>/__sim/scenario, camelCase):',
    ...COMMON_KNOBS.map(knobLine),
  ];
  for (const vendor of vendors) {
    lines.push('', `Scenario, ${vendor.title} only:`, ...vendor.knobs.map(knobLine));
    lines.push('', `${vendor.title} variants (--variant FLAG,FLAG):`);
    for (const [flag, help] of Object.entries(vendor.variants)) lines.push(optionLine(flag, help));
  }
  lines.push(
    '',
    'Control endpoints (no auth; at the server root and under <baseUrl>):',
    ...CONTROL_ENDPOINTS.map((line) => `  ${line}`),
    '',
    'Example:',
    '  testrelay simulate --vendor testsigma --tests 20 --failed 3 --duration-seconds 30',
    '',
  );
  return lines.join('\n');
}

interface ParsedCommand {
  help: boolean;
  vendors: VendorDefinition[];
  port: number | undefined;
  host: string | undefined;
  apiKey: string | undefined;
  /** Scenario patch per vendor name. */
  patches: Map<string, Record<string, KnobValue>>;
}

function parsePort(raw: string | undefined, vendorCount: number): number | undefined {
  if (raw === undefined) return undefined;
  const port = /^\d{1,5}$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!(port >= 0 && port + (port === 0 ? 0 : vendorCount - 1) <= 65535)) {
    throw new UsageError(`--port: expected a port number from 0 to 65535, got "${raw}"`);
  }
  return port;
}

function parseCommand(registry: readonly VendorDefinition[], argv: string[]): ParsedCommand {
  const { specs, owners } = knobCatalog(registry);
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const option of GENERAL_OPTIONS) options[option.flag] = { type: 'string' };
  for (const spec of specs) {
    const flag = knobFlag(spec.name);
    if (spec.type === 'boolean') {
      options[flag] = { type: 'boolean' };
      options[`no-${flag}`] = { type: 'boolean' };
    } else {
      options[flag] = { type: 'string' };
    }
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const empty: ParsedCommand = {
    help: true,
    vendors: [],
    port: undefined,
    host: undefined,
    apiKey: undefined,
    patches: new Map(),
  };
  if (values.help) return empty;

  const vendorName = typeof values.vendor === 'string' ? values.vendor.trim().toLowerCase() : '';
  const known = [...registry.map((vendor) => vendor.name), 'all'].join(', ');
  if (vendorName === '') throw new UsageError(`--vendor is required (one of: ${known})`);
  const vendors =
    vendorName === 'all'
      ? [...registry]
      : [findVendor(registry, vendorName)].filter((v) => v !== undefined);
  if (vendors.length === 0) {
    throw new UsageError(`--vendor: unknown vendor "${values.vendor}" (expected one of: ${known})`);
  }
  const host = typeof values.host === 'string' ? values.host.trim() : undefined;
  if (host === '') throw new UsageError('--host: expected a host name or IP address');
  const apiKey = typeof values['api-key'] === 'string' ? values['api-key'] : undefined;
  if (apiKey !== undefined && apiKey.trim() === '') {
    throw new UsageError('--api-key: expected a non-empty key');
  }

  const common: Record<string, KnobValue> = {};
  const perVendor = new Map<string, Record<string, KnobValue>>(vendors.map((v) => [v.name, {}]));
  for (const spec of specs) {
    const flag = knobFlag(spec.name);
    let raw: string | boolean | undefined = values[flag];
    if (spec.type === 'boolean') {
      const negated = values[`no-${flag}`];
      if (raw && negated) throw new UsageError(`--${flag} and --no-${flag} contradict each other`);
      raw = raw ? true : negated ? false : undefined;
    }
    if (raw === undefined) continue;
    const value = parseKnobFlag(spec, raw, `--${flag}`);
    const owner = owners.get(spec.name);
    if (!owner) {
      common[spec.name] = value;
      continue;
    }
    const targets = vendors.filter((vendor) => owner.has(vendor.name));
    if (targets.length === 0) {
      throw new UsageError(`--${flag}: not a knob of ${vendors.map((v) => v.name).join(', ')}`);
    }
    for (const vendor of targets) perVendor.get(vendor.name)![spec.name] = value;
  }

  // With several vendors, each gets the variant flags it knows.
  if (typeof common.variant === 'string') {
    const flags = variantFlags(common.variant);
    for (const flag of flags) {
      if (!vendors.some((vendor) => flag in vendor.variants)) {
        const knownFlags = vendors.flatMap((vendor) => Object.keys(vendor.variants)).join(', ');
        throw new UsageError(`--variant: unknown flag "${flag}" (known: ${knownFlags})`);
      }
    }
    for (const vendor of vendors) {
      perVendor.get(vendor.name)!.variant = flags
        .filter((flag) => flag in vendor.variants)
        .join(',');
    }
    delete common.variant;
  }
  const patches = new Map(
    vendors.map((vendor) => [vendor.name, { ...common, ...perVendor.get(vendor.name) }]),
  );
  return {
    help: false,
    vendors,
    port: parsePort(typeof values.port === 'string' ? values.port : undefined, vendors.length),
    host,
    apiKey,
    patches,
  };
}

/**
 * Watches for SIGINT/SIGTERM (or `signal` aborting). `stopped` resolves on the first of them;
 * `release()` removes the listeners again.
 */
function watchForStop(io: SimulateCommandIo): { stopped: Promise<void>; release: () => void } {
  const signals = io.signals ?? process;
  let release = (): void => undefined;
  const stopped = new Promise<void>((resolve) => {
    const stop = (): void => {
      release();
      resolve();
    };
    release = () => {
      signals.off('SIGINT', stop);
      signals.off('SIGTERM', stop);
      io.signal?.removeEventListener('abort', stop);
    };
    signals.on('SIGINT', stop);
    signals.on('SIGTERM', stop);
    if (io.signal?.aborted) stop();
    else io.signal?.addEventListener('abort', stop, { once: true });
  });
  return { stopped, release };
}

/**
 * Runs `testrelay simulate` with the arguments after `simulate`, offering the simulators of
 * `vendors` (the registry). Resolves with the exit status once the simulators have stopped (or
 * at once for `--help` and usage errors).
 */
export async function runSimulateCommand(
  vendors: readonly VendorDefinition[],
  argv: string[],
  io: SimulateCommandIo = {},
): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  let command: ParsedCommand;
  try {
    command = parseCommand(vendors, argv);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ScenarioError) {
      stderr.write(
        `testrelay simulate: ${error.message}\nRun "testrelay simulate --help" for usage.\n`,
      );
      return EXIT_USAGE;
    }
    throw error;
  }
  if (command.help) {
    stdout.write(simulateUsage(vendors));
    return EXIT_OK;
  }

  // Listen for signals before starting, so an early Ctrl-C still shuts down cleanly.
  const { stopped, release } = watchForStop(io);
  const running: RunningSimulator[] = [];
  try {
    for (const [index, vendor] of command.vendors.entries()) {
      const port =
        command.port === undefined || command.port === 0 ? command.port : command.port + index;
      running.push(
        await startSimulator(vendors, {
          vendor: vendor.name,
          port,
          host: command.host,
          apiKey: command.apiKey,
          scenario: command.patches.get(vendor.name),
        }),
      );
    }
  } catch (error) {
    await Promise.all(running.map((simulator) => simulator.close()));
    const usage = error instanceof ScenarioError;
    stderr.write(
      usage
        ? `testrelay simulate: ${(error as Error).message}\nRun "testrelay simulate --help" for usage.\n`
        : `testrelay simulate: cannot start: ${(error as Error).message}\n`,
    );
    release();
    return usage ? EXIT_USAGE : EXIT_FAILURE;
  }

  for (const simulator of running) stdout.write(`${simulator.vendor} ${simulator.baseUrl}\n`);
  stderr.write('testrelay simulate: ready; stop with Ctrl-C or SIGTERM\n');
  await stopped;
  await Promise.all(running.map((simulator) => simulator.close()));
  return EXIT_OK;
}
