// Scenario knobs: what a simulator run should look like (timing, outcome mix, faults, quirks).
//
// One table of knob specs drives everything: defaults, validation of `PUT /__sim/scenario`
// bodies, the kebab-case CLI flags and the `--help` text. The common knobs below apply to
// every vendor; each vendor module adds its own knobs and variant flags (see vendor.ts), so a
// new vendor never has to touch this file.

import { parseFaultMethods, parseFaults, parseFaultsAt } from './faults.js';

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

/** Raised for invalid scenario input; the message names the knob and the expected form. */
export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioError';
  }
}

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

/** `durationSeconds` → `duration-seconds`. */
export function knobFlag(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** What a knob expects, in words, for error messages and help. */
export function describeExpected(spec: KnobSpec): string {
  const bounds = (noun: string): string => {
    if (spec.min !== undefined && spec.max !== undefined) {
      return `${noun} from ${spec.min} to ${spec.max}`;
    }
    if (spec.min === 0) return `a non-negative ${noun.replace(/^an? /, '')}`;
    if (spec.min === 1) return `a positive ${noun.replace(/^an? /, '')}`;
    if (spec.min !== undefined) return `${noun} ≥ ${spec.min}`;
    return noun;
  };
  let expected: string;
  switch (spec.type) {
    case 'integer':
      expected = bounds('an integer');
      break;
    case 'number':
      expected = bounds('a number');
      break;
    case 'string':
      expected = 'a string';
      break;
    case 'boolean':
      expected = 'true or false';
      break;
    case 'stringList':
      expected = 'a list of strings';
      break;
    case 'idList':
      expected = 'a list of ids (integers or strings)';
      break;
  }
  return spec.nullable ? `${expected} or null` : expected;
}

function formatGot(value: unknown): string {
  const text =
    typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? 'undefined');
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function inBounds(spec: KnobSpec, value: number): boolean {
  return (
    Number.isFinite(value) &&
    (spec.min === undefined || value >= spec.min) &&
    (spec.max === undefined || value <= spec.max)
  );
}

/**
 * Validates a JSON value for a knob. Returns the normalized value, or throws a ScenarioError
 * whose message starts with `label` (the JSON key or the CLI flag).
 */
export function validateKnobValue(spec: KnobSpec, value: unknown, label: string): KnobValue {
  const fail = (): never => {
    throw new ScenarioError(
      `${label}: expected ${describeExpected(spec)}, got ${formatGot(value)}`,
    );
  };
  let normalized: KnobValue;
  if (value === null) {
    if (!spec.nullable) fail();
    return null;
  }
  switch (spec.type) {
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value) || !inBounds(spec, value)) fail();
      normalized = value as number;
      break;
    case 'number':
      if (typeof value !== 'number' || !inBounds(spec, value)) fail();
      normalized = value as number;
      break;
    case 'string':
      if (typeof value !== 'string') fail();
      normalized = (value as string).trim();
      break;
    case 'boolean':
      if (typeof value !== 'boolean') fail();
      normalized = value as boolean;
      break;
    case 'stringList':
      if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) fail();
      normalized = [...(value as string[])];
      break;
    case 'idList':
      if (
        !Array.isArray(value) ||
        !value.every(
          (item) =>
            (typeof item === 'string' && item.trim() !== '') ||
            (typeof item === 'number' && Number.isInteger(item)),
        )
      ) {
        fail();
      }
      normalized = (value as Array<string | number>).map((item) => String(item).trim());
      break;
  }
  const problem = spec.check?.(normalized);
  if (problem) throw new ScenarioError(`${label}: ${problem}`);
  return normalized;
}

/**
 * Parses a CLI flag value (always a string; booleans come from `--flag` / `--no-flag`) into
 * the same JSON value a `PUT /__sim/scenario` body would carry, then validates it.
 */
export function parseKnobFlag(spec: KnobSpec, raw: string | boolean, label: string): KnobValue {
  if (typeof raw === 'boolean') return validateKnobValue(spec, raw, label);
  const text = raw.trim();
  let value: unknown = text;
  switch (spec.type) {
    case 'integer':
    case 'number':
      value = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text) : text;
      break;
    case 'stringList':
    case 'idList':
      // A JSON array allows names that contain commas; otherwise split on commas.
      if (text.startsWith('[')) {
        try {
          value = JSON.parse(text);
        } catch {
          throw new ScenarioError(`${label}: expected a comma-separated list or a JSON array`);
        }
      } else {
        value = text === '' ? [] : text.split(',').map((item) => item.trim());
      }
      break;
    default:
      break;
  }
  return validateKnobValue(spec, value, label);
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
