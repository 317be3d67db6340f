// Public API of the simulator framework. It knows no vendor: each entry point takes the
// vendor definitions to offer. Tests, the demo and `testrelay simulate` use the bound versions
// in src/vendors/simulators.ts, which pass the registry of every simulated vendor:
//
//   const sim = await startSimulator({ vendor: 'testsigma', scenario: { pollsToComplete: 2 } });
//   // … point TestRelay at sim.baseUrl, drive it with PUT `${sim.baseUrl}/__sim/scenario` …
//   await sim.close();

export { runSimulateCommand, simulateUsage } from './cli.js';
export type { SignalSource, SimulateCommandIo } from './cli.js';
export { CONTROL_ENDPOINTS } from './control.js';
export type { RequestRecord } from './request-log.js';
export { COMMON_KNOBS } from './common-knobs.js';
export { ScenarioError } from './scenario.js';
export type { KnobSpec, KnobValue, Scenario } from './scenario.js';
export { startSimulator } from './server.js';
export type { RunningSimulator, SimulatorOptions } from './server.js';
export type { VendorDefinition } from './vendor.js';
