// The simulator registry: one line per simulated vendor. Adding one means writing
// `src/vendors/<name>/sim/` (its index.ts exports a VendorDefinition) and listing it here.
//
// The simulator framework (src/simulator/) knows no vendor; the functions below hand it this
// list. Only the `simulate` command and tests (plus the demo and benchmarks) import this file:
//
//   const sim = await startSimulator({ vendor: 'testsigma', scenario: { pollsToComplete: 2 } });
//   // … point TestRelay at sim.baseUrl, drive it with PUT `${sim.baseUrl}/__sim/scenario` …
//   await sim.close();

import {
  runSimulateCommand as runSimulateCommandWith,
  simulateUsage as simulateUsageOf,
  startSimulator as startSimulatorWith,
  type RunningSimulator,
  type SimulateCommandIo,
  type SimulatorOptions,
  type VendorDefinition,
} from '../simulator/index.js';
import { sofySimulator } from './sofy/sim/index.js';
import { spiraSimulator } from './spira/sim/index.js';
import { squishSimulator } from './squish/sim/index.js';
import { testomatioSimulator } from './testomatio/sim/index.js';
import { testsigmaSimulator } from './testsigma/sim/index.js';

export const SIMULATORS: readonly VendorDefinition[] = [
  testsigmaSimulator,
  sofySimulator,
  squishSimulator,
  testomatioSimulator,
  spiraSimulator,
];

/** Names accepted by `startSimulator({ vendor })` and `testrelay simulate --vendor`. */
export const SIMULATED_VENDORS: string[] = SIMULATORS.map((vendor) => vendor.name);

/** Starts one vendor's simulator (`options.vendor`, a name from SIMULATED_VENDORS). */
export function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  return startSimulatorWith(SIMULATORS, options);
}

/** `testrelay simulate` with the arguments after `simulate`; resolves with the exit status. */
export function runSimulateCommand(argv: string[], io?: SimulateCommandIo): Promise<number> {
  return runSimulateCommandWith(SIMULATORS, argv, io);
}

/** The `testrelay simulate --help` text. */
export function simulateUsage(): string {
  return simulateUsageOf(SIMULATORS);
}

export { COMMON_KNOBS, CONTROL_ENDPOINTS, ScenarioError } from '../simulator/index.js';
export type {
  KnobSpec,
  KnobValue,
  RequestRecord,
  RunningSimulator,
  Scenario,
  SignalSource,
  SimulateCommandIo,
  SimulatorOptions,
  VendorDefinition,
} from '../simulator/index.js';
