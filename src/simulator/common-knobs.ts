// The knobs every simulator understands (see scenario.ts for what a knob is).

import { parseFaultMethods, parseFaults, parseFaultsAt } from './faults.js';
import type { KnobSpec } from './scenario.js';

function problemOf(parse: () => unknown): string | undefined {
  try {
    parse();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Knobs every simulator understands. */
export const COMMON_KNOBS: readonly KnobSpec[] = [
  {
    name: 'durationSeconds',
    type: 'number',
    default: 10,
    min: 0,
    placeholder: 'S',
    help: 'time a run spends in progress (time-based progression)',
  },
  {
    name: 'queuedSeconds',
    type: 'number',
    default: 2,
    min: 0,
    placeholder: 'S',
    help: 'time before a run starts (vendor "created"/"queued" states)',
  },
  {
    name: 'pollsToComplete',
    type: 'integer',
    default: null,
    nullable: true,
    min: 1,
    placeholder: 'N',
    help: 'complete on the N-th status poll instead of by time (deterministic; null = time-based)',
  },
  {
    name: 'tests',
    type: 'integer',
    default: 5,
    min: 0,
    placeholder: 'N',
    help: 'number of tests in a run (setting testNames alone sets it to their count)',
  },
  {
    name: 'failed',
    type: 'integer',
    default: 0,
    min: 0,
    placeholder: 'N',
    help: 'tests that fail an assertion',
  },
  {
    name: 'skipped',
    type: 'integer',
    default: 0,
    min: 0,
    placeholder: 'N',
    help: 'tests that are not run (e.g. stopped)',
  },
  {
    name: 'errored',
    type: 'integer',
    default: 0,
    min: 0,
    placeholder: 'N',
    help: 'tests without a trustworthy result (aborted, not executed)',
  },
  {
    name: 'testNames',
    type: 'stringList',
    default: [],
    placeholder: 'A,B,…',
    help: 'names for the first tests (the rest get generated, realistic names)',
  },
  {
    name: 'variant',
    type: 'string',
    default: '',
    placeholder: 'FLAGS',
    help: 'comma-separated API flavour/quirk flags (per vendor, listed below)',
  },
  {
    name: 'faults',
    type: 'string',
    default: '',
    placeholder: 'SPEC',
    help:
      'random faults per vendor request, "<kind>:<probability>,…"; kinds: an HTTP status ' +
      '(429/503 add Retry-After: 1), reset, reset-after, slow, malformed',
    check: (value) => problemOf(() => parseFaults(String(value))),
  },
  {
    name: 'faultsAt',
    type: 'string',
    default: '',
    placeholder: 'SPEC',
    help: 'deterministic faults, "<route>#<n>:<kind>,…" (the n-th call of a route, counted from when this is set)',
    check: (value) => problemOf(() => parseFaultsAt(String(value))),
  },
  {
    name: 'faultMethods',
    type: 'string',
    default: 'GET,POST,PUT',
    placeholder: 'LIST',
    help: 'HTTP methods the random faults may hit',
    check: (value) => problemOf(() => parseFaultMethods(String(value))),
  },
  {
    name: 'slowMs',
    type: 'integer',
    default: 1500,
    min: 0,
    placeholder: 'MS',
    help: 'delay added by a "slow" fault',
  },
  {
    name: 'latencyMs',
    type: 'integer',
    default: 0,
    min: 0,
    placeholder: 'MS',
    help: 'delay added to every vendor response',
  },
  {
    name: 'seed',
    type: 'integer',
    default: null,
    nullable: true,
    placeholder: 'N',
    help: 'seed for the random fault choice (setting it restarts the sequence; null = random)',
  },
];
