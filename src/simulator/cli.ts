// `testrelay simulate`: start one or all vendor simulators from the command line.
//
// Contract (DESIGN.md "The simulators"): when ready, print exactly one line per vendor on
// stdout, `<vendor> <baseUrl>`, and nothing else there; stop cleanly on SIGINT/SIGTERM.
// Bad flags exit with status 2 and a message naming the flag and the expected form.
//
// The arguments are read in cli-args.ts, the --help text is written in cli-usage.ts.

import { parseCommand, UsageError, type ParsedCommand } from './cli-args.js';
import { simulateUsage } from './cli-usage.js';
import { ScenarioError } from './scenario.js';
import { startSimulator, type RunningSimulator } from './server.js';
import type { VendorDefinition } from './vendor.js';

export { simulateUsage } from './cli-usage.js';

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
