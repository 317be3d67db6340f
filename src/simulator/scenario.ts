// Scenario knobs: what a simulator run should look like (timing, outcome mix, faults, quirks).
//
// One table of knob specs drives everything: defaults, validation of `PUT /__sim/scenario`
// bodies, the kebab-case CLI flags and the `--help` text. The common knobs (common-knobs.ts)
// apply to every vendor; each vendor module adds its own knobs and variant flags (see vendor.ts), so a
// new vendor never has to touch this file.
//
// This file holds the types and merging; one knob value's validation and its CLI form are in
// knob-values.ts.

import { ScenarioError, validateKnobValue } from './knob-values.js';

export { ScenarioError } from './knob-values.js';

/** Any value a knob can hold once validated. */
export type KnobValue = number | string | boolean | string[] | null;

/**
 * The full scenario of one simulator. The named fields are common to all vendors; vendor
 * knobs (e.g. Testsigma's `machines`) live beside them under their own names.
 */
export interface Scenario {
  durationSeconds: number;
  queuedSeconds: number;
  pollsToComplete: number | null;
  tests: number;
  failed: number;
  skipped: number;
  errored: number;
  testNames: string[];
  variant: string;
  faults: string;
  faultsAt: string;
  faultMethods: string;
  slowMs: number;
  latencyMs: number;
  seed: number | null;
  [vendorKnob: string]: KnobValue;
}

export type KnobType = 'integer' | 'number' | 'string' | 'boolean' | 'stringList' | 'idList';

export interface KnobSpec {
  /** camelCase name, used as the JSON key; the CLI flag is its kebab-case form. */
  readonly name: string;
  readonly type: KnobType;
  readonly default: KnobValue;
  /** `null` is a legal value (meaning "off" or "automatic", as the help text says). */
  readonly nullable?: boolean;
  readonly min?: number;
  readonly max?: number;
  /** Placeholder for the flag's value in `--help` (e.g. `N`, `SPEC`). */
  readonly placeholder: string;
  readonly help: string;
  /** Extra validation of an already well-typed value; returns a problem or undefined. */
  readonly check?: (value: KnobValue) => string | undefined;
}

/** Everything needed to validate and merge scenarios for one vendor. */
export interface ScenarioSchema {
  readonly specs: readonly KnobSpec[];
  readonly variants: readonly string[];
  /** Checks across knobs on the merged scenario; returns a problem or undefined. */
  readonly crossCheck?: (scenario: Scenario) => string | undefined;
}

export function defaultScenario(schema: ScenarioSchema): Scenario {
  const scenario: Record<string, KnobValue> = {};
  for (const spec of schema.specs) {
    const value = spec.default;
    scenario[spec.name] = Array.isArray(value) ? [...value] : value;
  }
  return scenario as Scenario;
}

/** The variant flags of a `variant` string (`"self-hosted, rerun"` → `['self-hosted','rerun']`). */
export function variantFlags(variant: string): string[] {
  return variant
    .split(',')
    .map((flag) => flag.trim())
    .filter((flag) => flag !== '');
}

function commonCrossCheck(scenario: Scenario): string | undefined {
  const notPassing = scenario.failed + scenario.skipped + scenario.errored;
  if (notPassing > scenario.tests) {
    return `failed + skipped + errored (${notPassing}) exceeds tests (${scenario.tests})`;
  }
  return undefined;
}

/**
 * Validates `patch` (a parsed JSON object) and merges it into `current`, returning a new
 * scenario. Unknown keys, wrong types and impossible combinations raise a ScenarioError
 * listing every problem found.
 */
export function mergeScenario(schema: ScenarioSchema, current: Scenario, patch: unknown): Scenario {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    throw new ScenarioError('the scenario must be a JSON object of knob names to values');
  }
  const byName = new Map(schema.specs.map((spec) => [spec.name, spec]));
  const problems: string[] = [];
  const next: Record<string, KnobValue> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    const spec = byName.get(key);
    if (!spec) {
      problems.push(`unknown scenario key "${key}" (known: ${[...byName.keys()].join(', ')})`);
      continue;
    }
    try {
      next[key] = validateKnobValue(spec, value, key);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if ('variant' in patch && typeof next.variant === 'string') {
    const unknown = variantFlags(next.variant).filter((flag) => !schema.variants.includes(flag));
    if (unknown.length > 0) {
      problems.push(
        `variant: unknown flag ${unknown.map((flag) => `"${flag}"`).join(', ')} ` +
          `(known: ${schema.variants.join(', ') || 'none'})`,
      );
    }
  }
  // Naming tests without saying how many means "exactly these tests".
  if ('testNames' in patch && !('tests' in patch) && Array.isArray(next.testNames)) {
    next.tests = next.testNames.length;
  }
  if (problems.length === 0) {
    const merged = next as Scenario;
    const crossProblem = commonCrossCheck(merged) ?? schema.crossCheck?.(merged);
    if (crossProblem) problems.push(crossProblem);
  }
  if (problems.length > 0) throw new ScenarioError(problems.join('; '));
  return next as Scenario;
}
