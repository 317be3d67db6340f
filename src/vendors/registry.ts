// The modules TestRelay is made of, one line each: a new vendor is a folder and a line here.
// From them come the one input table, the one settings reader and the factories every
// entrypoint uses. Simulators are listed apart (simulators.ts), so no simulator code enters
// a bundle that does not simulate.

import { assembleInputs, assembleOutputs } from '../core/input-table.js';
import {
  buildSinks,
  buildSource,
  type ModuleDependencies,
  type ModuleSet,
} from '../core/module.js';
import * as core from '../core/settings.js';
import type { Sink } from '../core/sink.js';
import type { Source } from '../core/source.js';
import { sofyModule } from './sofy/index.js';
import { spiraModule } from './spira/index.js';
import { squishModule } from './squish/index.js';
import { testomatioModule } from './testomatio/index.js';
import { testsigmaModule } from './testsigma/index.js';

export const MODULES: ModuleSet = {
  sources: [testsigmaModule, sofyModule, squishModule],
  sinks: [testomatioModule, spiraModule],
};

/** Every input, common ones first, then each module's in the order above. */
export const INPUTS = assembleInputs(MODULES);
export const OUTPUTS = assembleOutputs(MODULES);

/** Reads and checks every input (throws SettingsError before any request). */
export function readSettings(read: core.InputReader, ci: core.CiContext): core.Settings {
  return core.readSettings(MODULES, INPUTS, read, ci);
}

/** Secret inputs' values and what derives from them, to mask before anything is logged. */
export function secretValues(read: core.InputReader): string[] {
  return core.secretValues(MODULES, INPUTS, read);
}

/** Throws InputError for what only the vendor can judge, before any request. */
export function createSource(settings: core.Settings, deps: ModuleDependencies): Source {
  return buildSource(MODULES, settings, deps);
}

/** One sink per `reportTo` entry, in that order. Settings are already validated. */
export function createSinks(settings: core.Settings, deps: ModuleDependencies): Sink[] {
  return buildSinks(MODULES, settings, deps);
}
