// Deterministic, realistic-looking sample data shared by the vendor simulators: test names,
// suite and device names, durations and failure messages. Deterministic so that tests and
// demos see the same run twice; realistic so that summaries and reports look like real ones.
// Also where each test falls in the outcome mix the common knobs describe.

import type { Scenario } from './scenario.js';

const TEST_NAMES = [
  'Login works',
  'Login rejects a wrong password',
  'Logout clears the session',
  'Search returns matching products',
  'Search with no results shows a hint',
  'Add item to cart',
  'Remove item from cart',
  'Checkout with credit card',
  'Checkout with PayPal',
  'Apply discount code',
  'Shipping address validation',
  'Order confirmation email is sent',
  'View order history',
  'Update profile details',
  'Change password',
  'Reset password via email',
  'Filter products by price',
  'Sort products by rating',
  'Product page shows reviews',
  'Wishlist keeps items after login',
  'Guest checkout',
  'Currency switcher updates prices',
  'Language switcher translates menu',
  'Newsletter signup',
  'Contact form sends a message',
  'Cookie banner can be dismissed',
  'Store locator finds nearby stores',
  'Gift card balance check',
  'Return request for a delivered order',
  'Two-factor authentication prompt',
];

const SUITE_NAMES = [
  'Smoke suite',
  'Regression suite',
  'Checkout flows',
  'Account management',
  'Search and browse',
  'Notifications',
];

const DEVICE_NAMES = [
  'Chrome on Windows 11',
  'Firefox on macOS Sonoma',
  'Safari on iPhone 15',
  'Edge on Windows 10',
  'Chrome on Pixel 8',
  'Safari on macOS Ventura',
];

const FAILURE_MESSAGES = [
  'Element "Pay now" button was not found on the page within 30 seconds',
  'Expected text "Order confirmed" but found "Payment declined"',
  'Assertion failed: cart total is 0.00, expected 42.50',
  'Timed out waiting for https://staging.example.com/checkout to load',
];

const ERROR_MESSAGES = [
  'Execution aborted: the browser session was closed unexpectedly',
  'Test case not executed: a prerequisite test case failed',
];

function pick(list: readonly string[], index: number): string {
  const base = list[index % list.length];
  const round = Math.floor(index / list.length);
  return round === 0 ? base : `${base} (${round + 1})`;
}

/** Name of test `index`: the injected name if there is one, else a generated one. */
export function testName(index: number, injected: readonly string[] = []): string {
  return index < injected.length ? injected[index] : pick(TEST_NAMES, index);
}

/** Suites hold up to four consecutive tests each. */
export function suiteIndex(testIndex: number): number {
  return Math.floor(testIndex / 4);
}

export function suiteName(index: number): string {
  return pick(SUITE_NAMES, index);
}

export function deviceName(index: number): string {
  return pick(DEVICE_NAMES, index);
}

export function failureMessage(index: number): string {
  return FAILURE_MESSAGES[index % FAILURE_MESSAGES.length];
}

export function errorMessage(index: number): string {
  return ERROR_MESSAGES[index % ERROR_MESSAGES.length];
}

/** FNV-1a: a stable 32-bit hash, so "random-looking" values stay the same run after run. */
export function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** A plausible test duration in ms (2–62 s) that depends only on the name and position. */
export function testDurationMs(name: string, index: number): number {
  return 2000 + (stableHash(`${index}:${name}`) % 60_000);
}

/** The groups the common knobs split a run's tests into, in this order by position. */
export type OutcomeGroup = 'passed' | 'failed' | 'errored' | 'skipped';

/**
 * Where test `index` falls in the scenario's outcome mix: the passing tests first, then the
 * `failed`, `errored` and `skipped` ones. `nth` is its position within its group (e.g. to
 * alternate two kinds of error), `size` the size of the group.
 */
export function outcomeSlot(
  index: number,
  scenario: Scenario,
): { group: OutcomeGroup; nth: number; size: number } {
  const passing = scenario.tests - scenario.failed - scenario.errored - scenario.skipped;
  const groups: ReadonlyArray<readonly [OutcomeGroup, number]> = [
    ['passed', passing],
    ['failed', scenario.failed],
    ['errored', scenario.errored],
  ];
  let start = 0;
  for (const [group, size] of groups) {
    if (index < start + size) return { group, nth: index - start, size };
    start += size;
  }
  return { group: 'skipped', nth: index - start, size: scenario.skipped };
}
