// Finding the Testomat.io test id a result carries (vendor-apis/testomatio.md §5), before any
// request: the id decides whether a test is "matched", and whether there is anything worth
// sending at all (failOnNoMatch).

import type { TestCase } from '../../core/result.js';

/**
 * `@T` + 8 word characters: the form Testomat.io's own reporters look for, standing alone:
 * not the tail of an e-mail address ("qa@Tester123") nor the start of a longer word.
 */
const TEST_ID = /(?<![\w@])@T\w{8}(?!\w)/;
/** Every id with the blanks around it, so "Login works @Ta0b0c0d0" becomes "Login works". */
const TEST_IDS_SPACED = /[ \t]*(?<![\w@])@T\w{8}(?!\w)[ \t]*/g;
/** The form test frameworks print into system-out so the id need not be in the name. */
const TID_LINE = /tid:\/\/(@T\w{8})(?!\w)/;

/**
 * The first test id the case carries: in its name, its classname, a property value (where
 * JUnit writers put tags), or a `tid://@T…` line of its system-out; undefined when none.
 */
export function findTestId(testCase: TestCase): string | undefined {
  for (const text of [testCase.name, testCase.classname ?? '']) {
    const found = TEST_ID.exec(text);
    if (found) return found[0];
  }
  for (const value of Object.values(testCase.properties ?? {})) {
    const found = TEST_ID.exec(value);
    if (found) return found[0];
  }
  return testCase.output ? TID_LINE.exec(testCase.output)?.[1] : undefined;
}

/**
 * The title Testomat.io should show: the name without its ids (they are the test's key there,
 * not part of its title), trimmed. A name that is nothing but an id stays as it is.
 */
export function titleOf(name: string): string {
  const title = name.replace(TEST_IDS_SPACED, ' ').trim();
  return title === '' ? name.trim() : title;
}
