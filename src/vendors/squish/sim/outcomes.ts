// What the tests of a Squish Test Center plan end with (vendor-apis/squish-test-center.md §3,
// §5): outcomes by position, the Results API result codes, the messages and the names of tests
// and suites in Squish's style.

import {
  errorMessage,
  failureMessage,
  outcomeSlot,
  suiteIndex,
  suiteName,
  testName,
} from '../../../simulator/kit.js';
import type { SquishScenario } from './plan.js';

/**
 * What an execution ends with. The first six are Squish result names and get uploaded as such;
 * SCRIPT_ERROR uploads a FAIL carrying an ERROR event; INFRASTRUCTURE uploads nothing and the
 * worker reports `finished` with a message instead.
 */
export type Outcome =
  'PASS' | 'XFAIL' | 'FAIL' | 'XPASS' | 'SKIPPED' | 'NONE' | 'SCRIPT_ERROR' | 'INFRASTRUCTURE';

/** Result codes of the Results API: they nest as bit masks, so a parent's result is the minimum. */
export const RESULT_CODES = {
  FAIL: 0,
  XPASS: 1,
  XFAIL: 3,
  PASS: 7,
  SKIPPED: 15,
  NONE: 31,
} as const;
export type ResultName = keyof typeof RESULT_CODES;

export function uploadedResult(outcome: Outcome): ResultName | null {
  if (outcome === 'INFRASTRUCTURE') return null;
  return outcome === 'SCRIPT_ERROR' ? 'FAIL' : outcome;
}

/** How `errored` tests end, per `erroredAs` (`mixed` cycles through the three). */
export const ERRORED_AS: Readonly<Record<string, readonly Outcome[]>> = {
  mixed: ['INFRASTRUCTURE', 'SCRIPT_ERROR', 'NONE'],
  infrastructure: ['INFRASTRUCTURE'],
  'script-error': ['SCRIPT_ERROR'],
  none: ['NONE'],
};

/** Outcomes by position: passing (XFAIL last), failed (XPASS last), errored, skipped. */
export function plannedOutcome(index: number, scenario: SquishScenario): Outcome {
  const slot = outcomeSlot(index, scenario);
  switch (slot.group) {
    case 'passed':
      return slot.nth < slot.size - scenario.xfail ? 'PASS' : 'XFAIL';
    case 'failed':
      return slot.nth < slot.size - scenario.xpass ? 'FAIL' : 'XPASS';
    case 'errored': {
      const kinds = ERRORED_AS[scenario.erroredAs] ?? ERRORED_AS.mixed;
      return kinds[slot.nth % kinds.length];
    }
    case 'skipped':
      return 'SKIPPED';
  }
}

/** The two infrastructure failures a worker reports (the first is the vendor's example). */
const INFRASTRUCTURE_FAILURES = [
  { message: 'Test execution failed', details: 'squishrunner not found' },
  {
    message: 'Test execution failed',
    details: 'Could not connect to squishserver at 127.0.0.1:4322',
  },
];

export function infrastructureFailure(index: number): { message: string; details: string } {
  return INFRASTRUCTURE_FAILURES[index % INFRASTRUCTURE_FAILURES.length];
}

/** The message a non-passing test carries in its Results API events. */
export function outcomeMessage(outcome: Outcome, index: number): string {
  switch (outcome) {
    case 'FAIL':
      return failureMessage(index);
    case 'XPASS':
      return 'Unexpected pass: the known bug SHOP-1432 no longer shows';
    case 'XFAIL':
      return 'Expected failure (known bug SHOP-1187): discount not applied to gift cards';
    case 'SCRIPT_ERROR':
      return errorMessage(0);
    case 'SKIPPED':
      return 'Skipped: the feature flag "new-checkout" is off on this configuration';
    case 'NONE':
      return 'The test ended without executing any verification point';
    default:
      return 'Verification passed';
  }
}

/** Squish's naming style: `Login works` → `tst_login_works`, `Smoke suite` → `suite_smoke`. */
function snake(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

export function squishTestName(index: number, injected: readonly string[]): string {
  return index < injected.length ? injected[index] : `tst_${snake(testName(index))}`;
}

export function squishSuiteName(index: number): string {
  return `suite_${snake(suiteName(suiteIndex(index)).replace(/\s+suite\b/i, ''))}`;
}
