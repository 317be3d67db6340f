// The pure parts of the Testomat.io sink: where a test id is found, titles, stable report ids,
// run_time units, batching, the status event, and reading "could not be matched" answers.

import { batchesOf } from '../../../src/core/batches.js';
import type { TestCase, TestSuite } from '../../../src/core/result.js';
import type { TestomatioSettings } from '../../../src/vendors/testomatio/index.js';
import { unmatchedInAnswer } from '../../../src/vendors/testomatio/errors.js';
import { findTestId, titleOf } from '../../../src/vendors/testomatio/match.js';
import {
  caseEntries,
  ridOf,
  runTimeOf,
  statusEventOf,
  toTestData,
} from '../../../src/vendors/testomatio/wire.js';

const OPTIONS: TestomatioSettings = {
  url: 'https://app.testomat.io',
  tags: [],
  sharedRun: false,
  closeStatus: 'finish',
  createTests: false,
  runTimeUnit: 'ms',
};

function entryOf(testCase: TestCase, suiteName = 'Suite') {
  const suite: TestSuite = { name: suiteName, cases: [testCase] };
  return caseEntries({ suites: [suite] }, findTestId)[0];
}

describe('findTestId', () => {
  it('takes the first id of name, classname, property values, then a tid:// line', () => {
    const all: TestCase = {
      name: 'Login @Tname0001',
      classname: 'Auth @Tclass001',
      status: 'passed',
      properties: { tags: '@smoke @Tprop0001' },
      output: 'tid://@Tout00001',
    };
    expect(findTestId(all)).toBe('@Tname0001');
    expect(findTestId({ ...all, name: 'Login' })).toBe('@Tclass001');
    expect(findTestId({ ...all, name: 'Login', classname: 'Auth' })).toBe('@Tprop0001');
    expect(findTestId({ ...all, name: 'Login', classname: 'Auth', properties: {} })).toBe(
      '@Tout00001',
    );
  });

  it('reads tid:// from anywhere in system-out, and nothing else of it', () => {
    const base: TestCase = { name: 'Login', status: 'passed' };
    expect(findTestId({ ...base, output: 'starting\n  tid://@Ta1b2c3d4\nok' })).toBe('@Ta1b2c3d4');
    // A bare id in the output is log text, not a declaration.
    expect(findTestId({ ...base, output: 'user @Ta1b2c3d4 logged in' })).toBeUndefined();
    expect(findTestId(base)).toBeUndefined();
    // Too short to be an id.
    expect(findTestId({ ...base, name: 'Login @Tabc' })).toBeUndefined();
  });

  it('takes an id only where it stands alone: not in an e-mail address or a longer word', () => {
    const base: TestCase = { name: 'Login', status: 'passed' };
    expect(findTestId({ ...base, name: 'mails qa@Tabcdefgh about it' })).toBeUndefined();
    expect(findTestId({ ...base, name: 'Login @Tabcdefghij' })).toBeUndefined();
    expect(findTestId({ ...base, output: 'tid://@Ta1b2c3d4e5' })).toBeUndefined();
    expect(findTestId({ ...base, name: 'Login (@Ta1b2c3d4)' })).toBe('@Ta1b2c3d4');
    expect(findTestId({ ...base, name: 'Login,@Ta1b2c3d4' })).toBe('@Ta1b2c3d4');
    expect(titleOf('mails qa@Tabcdefgh @Ta1b2c3d4')).toBe('mails qa@Tabcdefgh');
  });
});

describe('titleOf', () => {
  it('drops the ids and the blanks around them', () => {
    expect(titleOf('Login works @Ta0b0c0d0')).toBe('Login works');
    expect(titleOf('@Ta0b0c0d0 Login works')).toBe('Login works');
    expect(titleOf('Login @Ta0b0c0d0 works')).toBe('Login works');
    expect(titleOf('pays by invoice TC:283')).toBe('pays by invoice TC:283');
    // Nothing but an id: keep it rather than send an empty title.
    expect(titleOf('@Ta0b0c0d0')).toBe('@Ta0b0c0d0');
  });
});

describe('ridOf', () => {
  it('is the same for the same test, and differs by suite, classname, name, occurrence and env', () => {
    const suite: TestSuite = {
      name: 'S',
      cases: [
        { name: 'a', classname: 'C', status: 'passed' },
        { name: 'a', classname: 'C', status: 'failed' },
        { name: 'a', classname: 'D', status: 'passed' },
        { name: 'b', classname: 'C', status: 'passed' },
      ],
    };
    const other: TestSuite = {
      name: 'T',
      cases: [{ name: 'a', classname: 'C', status: 'passed' }],
    };
    const entries = caseEntries({ suites: [suite, other] }, findTestId);
    expect(entries.map((e) => e.occurrence)).toEqual([0, 1, 0, 0, 0]);
    const rids = entries.map((e) => ridOf(e, undefined));
    expect(new Set(rids).size).toBe(5);
    for (const rid of rids) expect(rid).toMatch(/^testrelay-[0-9a-f]{24}$/);
    // The same result read again (a re-sent report): the same rids.
    const again = caseEntries({ suites: [suite, other] }, findTestId);
    expect(again.map((e) => ridOf(e, undefined))).toEqual(rids);
    // The status is not part of it: a re-run that now passes replaces the failure.
    expect(
      ridOf({ ...entries[0], testCase: { ...entries[0].testCase, status: 'failed' } }, undefined),
    ).toBe(rids[0]);
    expect(ridOf(entries[0], 'Chrome')).not.toBe(rids[0]);
  });
});

describe('runTimeOf', () => {
  it('gives whole milliseconds or seconds, and nothing when unknown', () => {
    expect(runTimeOf(1.2345, 'ms')).toBe(1235);
    expect(runTimeOf(1.2345, 's')).toBe(1.235);
    expect(runTimeOf(0, 'ms')).toBe(0);
    expect(runTimeOf(undefined, 'ms')).toBeUndefined();
    expect(runTimeOf(Number.NaN, 's')).toBeUndefined();
  });
});

describe('toTestData', () => {
  it('maps an error to a failure that says so, with the vendor status in meta', () => {
    const data = toTestData(
      entryOf({
        name: 'Apply coupon',
        classname: 'Checkout',
        status: 'error',
        message: 'NullPointerException',
        details: 'at Coupon.java:7',
        durationSeconds: 0.5,
      }),
      OPTIONS,
    );
    expect(data).toEqual({
      rid: expect.stringMatching(/^testrelay-/),
      overwrite: true,
      title: 'Apply coupon',
      suite_title: 'Checkout',
      status: 'failed',
      message: '[error] NullPointerException',
      meta: { status: 'error' },
      stack: 'at Coupon.java:7',
      run_time: 500,
    });
  });

  it('takes the suite name without a classname, create with createTests, and cuts huge text', () => {
    const data = toTestData(
      entryOf(
        {
          name: 'x @Ta0b0c0d0',
          status: 'skipped',
          message: 'm'.repeat(10_000),
          details: '\u001b[31mred\u001b[0m',
        },
        'Smoke',
      ),
      { ...OPTIONS, createTests: true },
    );
    expect(data).toMatchObject({
      test_id: '@Ta0b0c0d0',
      title: 'x',
      suite_title: 'Smoke',
      status: 'skipped',
      stack: 'red',
      create: true,
    });
    expect(data.message!.length).toBeLessThanOrEqual(4_000);
    expect(data.message).toMatch(/more characters\]$/);
    expect(data).not.toHaveProperty('run_time');
  });
});

describe('batchesOf', () => {
  it('cuts at 50 items and at the byte budget, never leaving an item out', () => {
    const items = Array.from({ length: 120 }, (_, i) => ({ i }));
    expect(batchesOf(items, (x) => x).map((b) => b.length)).toEqual([50, 50, 20]);
    const big = Array.from({ length: 5 }, () => 'x'.repeat(400));
    expect(batchesOf(big, (x) => x, 1000).map((b) => b.length)).toEqual([2, 2, 1]);
    // One item above the budget still goes, alone.
    expect(batchesOf(['y'.repeat(2000)], (x) => x, 1000)).toHaveLength(1);
    expect(batchesOf([], (x) => x)).toEqual([]);
  });
});

describe('statusEventOf', () => {
  it('passes only a completed, passed run; shared runs close their part only', () => {
    expect(statusEventOf({ state: 'completed', verdict: 'passed' }, false)).toBe('pass');
    expect(statusEventOf({ state: 'completed', verdict: 'failed' }, false)).toBe('fail');
    expect(statusEventOf({ state: 'completed', verdict: 'stopped' }, false)).toBe('fail');
    expect(statusEventOf({ state: 'completed', verdict: undefined }, false)).toBe('fail');
    expect(statusEventOf({ state: 'timed_out', verdict: 'passed' }, false)).toBe('fail');
    expect(statusEventOf({ state: 'completed', verdict: 'passed' }, true)).toBe('pass_parallel');
    expect(statusEventOf({ state: 'error', verdict: 'error' }, true)).toBe('fail_parallel');
  });
});

describe('unmatchedInAnswer', () => {
  const tests = [
    { test_id: '@Ta0b0c0d0', title: 'Login works' },
    { title: 'Pay by card, with 3DS' },
    { title: 'Pay' },
    { test_id: '@Tb1b2b3b4', title: 'Search' },
  ];

  it('finds the tests named by id or by whole title, commas and all', () => {
    const body = JSON.stringify({
      message: 'Test @Ta0b0c0d0, Pay by card, with 3DS could not be matched',
    });
    expect(unmatchedInAnswer(body, tests)).toEqual([tests[0], tests[1]]);
  });

  it('reads a list after the words, ids without @, and plain-text bodies', () => {
    expect(unmatchedInAnswer('Tests could not be matched: Tb1b2b3b4, Pay.', tests)).toEqual([
      tests[2],
      tests[3],
    ]);
    expect(unmatchedInAnswer('{"message":"Something else"}', tests)).toEqual([]);
  });
});
