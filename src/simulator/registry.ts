// The simulated vendors. Adding one (e.g. Sofy, Squish Test Center) means writing
// `src/simulator/<vendor>.ts` that exports a VendorDefinition and listing it here.

import { sofySimulator } from './sofy.js';
import { spiraSimulator } from './spira.js';
import { squishSimulator } from './squish.js';
import { testomatioSimulator } from './testomatio.js';
import { testsigmaSimulator } from './testsigma.js';
import type { VendorDefinition } from './vendor.js';

const VENDORS: readonly VendorDefinition[] = [
  testsigmaSimulator,
  sofySimulator,
  squishSimulator,
  testomatioSimulator,
  spiraSimulator,
];

/** Names accepted by `startSimulator({ vendor })` and `testrelay simulate --vendor`. */
export const SIMULATED_VENDORS: string[] = VENDORS.map((vendor) => vendor.name);

export function findVendor(name: string): VendorDefinition | undefined {
  const wanted = name.trim().toLowerCase();
  return VENDORS.find((vendor) => vendor.name === wanted);
}

export function allVendors(): readonly VendorDefinition[] {
  return VENDORS;
}
