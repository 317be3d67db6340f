// One knob value: what it expects in words, its validation (JSON from `PUT /__sim/scenario`) and
// its CLI flag form (`--duration-seconds 30`).

import type { KnobSpec, KnobValue } from './scenario.js';

/** Raised for invalid scenario input; the message names the knob and the expected form. */
export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioError';
  }
}

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
