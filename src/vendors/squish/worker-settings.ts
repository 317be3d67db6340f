// The worker mode's settings (`mode: worker`): the command to run per execution and how the
// worker keeps its reservations, read and checked with the other Squish inputs.

import type { Inputs } from '../../core/input-reader.js';

export interface WorkerSettings {
  /** Shell command run once per reserved execution. */
  command: string;
  /** Reservation (and heartbeat) timeout sent to Test Center, ms. */
  reservationTimeoutMs: number;
  allocateServer: boolean;
  /** Executions run at once, each with its own reservation. */
  concurrency: number;
  /** Exit codes that mean "this machine failed, not the test": reset instead of finished. */
  resetOnExitCodes: number[];
  /** Resets of one execution by this worker before it is reported failed instead. */
  maxResets: number;
}

// Test Center's own default is 5 s; a heartbeat every third of the timeout leaves two missed
// beats (a slow network, a busy runner) before another worker may take the execution.
const MIN_RESERVATION_MS = 300;
const MAX_RESERVATION_MS = 3_600_000;
const MAX_CONCURRENCY = 32;

/** What the job does: trigger (or attach) and wait, only trigger, or work the plan off. */
export type SquishMode = 'wait' | 'trigger' | 'worker';

export function readMode(inputs: Inputs): SquishMode {
  const mode = inputs.text('mode').toLowerCase();
  if (mode === '' || mode === 'wait') return 'wait';
  if (mode === 'trigger' || mode === 'worker') return mode;
  inputs.problem(
    'mode',
    `expected trigger, worker or wait (the default: trigger or attach, then wait), got "${mode}"`,
  );
  return 'wait';
}

/** The worker settings when `mode` is `worker`; undefined for the other jobs. */
export function readWorkerSettings(inputs: Inputs, mode: SquishMode): WorkerSettings | undefined {
  const command = inputs.text('command');
  if (mode !== 'worker') {
    if (command) inputs.problem('command', 'only used with mode: worker');
    return undefined;
  }
  if (!command) {
    inputs.problem('command', 'required with mode: worker: the command that runs one execution');
  }
  return {
    command,
    reservationTimeoutMs:
      inputs.duration(
        'reservationTimeout',
        MIN_RESERVATION_MS,
        MAX_RESERVATION_MS,
        'a duration between 300ms and 1h such as 30s',
      ) ?? 30_000,
    allocateServer: inputs.bool('allocateServer'),
    concurrency: boundedInteger(inputs, 'concurrency', 1, MAX_CONCURRENCY) ?? 1,
    resetOnExitCodes: readExitCodes(inputs),
    maxResets: boundedInteger(inputs, 'maxResets', 0, 100) ?? 2,
  };
}

function boundedInteger(
  inputs: Inputs,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const text = inputs.text(name);
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    inputs.problem(name, `expected a whole number from ${min} to ${max}, got "${text}"`);
    return undefined;
  }
  return value;
}

/** `75, 76` or one per line. 0 is a pass, so it cannot mean an infrastructure failure. */
function readExitCodes(inputs: Inputs): number[] {
  const codes: number[] = [];
  for (const part of inputs.text('resetOnExitCodes').split(/[\s,]+/)) {
    if (part === '') continue;
    const code = Number(part);
    if (!/^\d+$/.test(part) || code < 1 || code > 255) {
      inputs.problem(
        'resetOnExitCodes',
        `expected exit codes from 1 to 255 such as 75,76; got "${part}"`,
      );
    } else {
      codes.push(code);
    }
  }
  return codes;
}
