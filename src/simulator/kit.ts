// The simulator kit: everything a vendor simulator (`src/vendors/<name>/sim/`) may use from the
// framework. A vendor sim imports this module, `node:*` and files in its own sim/ folder, and
// nothing else (no core, no vendor client, no other vendor), so each simulator stays an
// independent reading of its vendor's documents. __tests__/simulator/import-rules.test.ts
// holds every sim to that.

import type { IncomingHttpHeaders } from 'node:http';
import { variantFlags } from './scenario.js';
import type { SimResponse } from './vendor.js';

// The contract with the framework.
export type {
  RequestBody,
  RouteMatch,
  SimRequest,
  SimResponse,
  VendorContext,
  VendorDefinition,
  VendorInstance,
} from './vendor.js';

// Scenario knobs.
export type { KnobSpec, KnobType, KnobValue, Scenario } from './scenario.js';

// Answers.
export { escapeMarkup, jsonResponse, textResponse } from './http-util.js';

// Deterministic sample data and randomness.
export { createPrng } from './faults.js';
export {
  deviceName,
  errorMessage,
  failureMessage,
  outcomeSlot,
  stableHash,
  suiteIndex,
  suiteName,
  testDurationMs,
  testName,
} from './sample-data.js';
export type { OutcomeGroup } from './sample-data.js';

/** The first value of a request header, trimmed; '' when it is absent. */
export function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : (value ?? '')).trim();
}

/** A path segment decoded, or left as it is when it is not valid percent-encoding. */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Whether a value is a finished answer (helpers return either a value or the answer to send). */
export function isResponse(value: unknown): value is SimResponse {
  return typeof value === 'object' && value !== null && 'status' in value && 'body' in value;
}

/** The flags of a vendor's `variant` knob, as booleans: key → the flag's name in `variant`. */
export type VariantOf<Flags extends Readonly<Record<string, string>>> = {
  [Key in keyof Flags]: boolean;
};

/**
 * Reads a `variant` string (`"self-hosted, rerun"`) against a vendor's flags, e.g.
 * `parseVariant(text, { selfHosted: 'self-hosted', rerun: 'rerun' })` →
 * `{ selfHosted: true, rerun: true }`. Flags the text does not name are false.
 */
export function parseVariant<Flags extends Readonly<Record<string, string>>>(
  text: string,
  flags: Flags,
): VariantOf<Flags> {
  const named = new Set(variantFlags(text));
  const variant: Record<string, boolean> = {};
  for (const [key, flag] of Object.entries(flags)) variant[key] = named.has(flag);
  return variant as VariantOf<Flags>;
}
