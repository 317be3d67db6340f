// Squish Test Center: result codes and the Results API answers mapped to suites (pure code).
import {
  caseStatusOf,
  normalizeEvents,
  normalizeItems,
  normalizeReports,
  resultOf,
  suitesFromResults,
} from '../../../src/vendors/squish/results.js';

describe('Squish result codes', () => {
  it.each([
    [0, 'FAIL'],
    [1, 'XPASS'],
    [3, 'XFAIL'],
    [7, 'PASS'],
    [15, 'SKIPPED'],
    [31, 'NONE'],
  ])('code %i is %s', (code, name) => {
    expect(resultOf(undefined, code)).toBe(name);
    expect(resultOf(undefined, String(code))).toBe(name);
    expect(resultOf(name.toLowerCase(), 99)).toBe(name);
  });

  it('knows nothing else', () => {
    expect(resultOf(undefined, 2)).toBeUndefined();
    expect(resultOf('MAYBE', undefined)).toBeUndefined();
  });

  it('maps results onto the neutral statuses (§5)', () => {
    expect(caseStatusOf('FAIL', false)).toEqual({ status: 'failed' });
    expect(caseStatusOf('FAIL', true)).toMatchObject({ status: 'error' });
    expect(caseStatusOf('XPASS', false)).toMatchObject({ status: 'failed' });
    expect(caseStatusOf('XFAIL', false)).toEqual({ status: 'passed' });
    expect(caseStatusOf('PASS', false)).toEqual({ status: 'passed' });
    expect(caseStatusOf('SKIPPED', false)).toMatchObject({ status: 'skipped' });
    expect(caseStatusOf('NONE', false)).toEqual({ status: 'skipped', reason: 'No result' });
    expect(caseStatusOf(undefined, false)).toMatchObject({ status: 'error' });
  });
});

describe('Squish Results API answers', () => {
  // Shaped like the simulator's answers: flat test items with parents, events per test.
  const items = normalizeItems({
    tests: [
      { id: 1, typename: 'testsuite', name: 'suite_shop', parent: null, report: 7, result: 0 },
      {
        id: 2,
        typename: 'testcase',
        name: 'tst_login',
        parent: 1,
        report: 7,
        result: 7,
        duration: 1500,
      },
      {
        id: 3,
        typename: 'testcase',
        name: 'tst_cart',
        parent: 1,
        report: 7,
        result: 0,
        duration: 800,
      },
      { id: 4, typename: 'testcase', name: 'tst_pay', parent: 1, report: 7, result: 0 },
      { id: 5, typename: 'scenario', name: 'Pay by card', parent: 4, report: 7, result: 0 },
      {
        id: 6,
        typename: 'testcase',
        name: 'tst_login',
        parent: 1,
        report: 8,
        result_name: 'XPASS',
        result: 1,
      },
      { id: 7, typename: 'testcase', name: 'tst_none', parent: 1, report: 8, result: 31 },
    ],
  });
  const events = normalizeEvents([
    {
      test: 3,
      type: 'FAIL',
      message: 'Expected 2 items',
      detail: 'got 1',
      location: 'tst_cart/test.py:12',
    },
    {
      test: 5,
      type: 'ERROR',
      message: 'Script Error',
      detail: 'NameError: x',
      location: 'steps.py:4',
    },
    { test: 7, type: 'WARNING', message: 'No verification point executed' },
  ]);
  const reports = normalizeReports({
    reports: [
      {
        id: 7,
        labels: [
          { key: 'OS', value: 'Linux' },
          { key: '.reference.url', value: 'x' },
        ],
      },
      { id: 8, labels: [{ key: 'OS', value: 'Windows' }] },
    ],
  });

  it('builds one suite per test suite and report, naming the report by its labels', () => {
    const suites = suitesFromResults(items, events, reports);
    expect(suites.map((s) => s.name)).toEqual(['suite_shop [OS=Linux]', 'suite_shop [OS=Windows]']);
    const [linux, windows] = suites;
    expect(linux.cases.map((c) => [c.name, c.status])).toEqual([
      ['tst_login', 'passed'],
      ['tst_cart', 'failed'],
      ['tst_pay', 'error'],
    ]);
    expect(linux.cases[0]).toMatchObject({
      durationSeconds: 1.5,
      classname: 'suite_shop [OS=Linux]',
    });
    expect(linux.cases[1]).toMatchObject({
      message: 'Expected 2 items',
      details: 'got 1\nat tst_cart/test.py:12',
    });
    // An ERROR event of a BDD scenario belongs to its test case: a script error, not a failure.
    expect(linux.cases[2]).toMatchObject({
      message: 'Script Error',
      details: 'NameError: x\nat steps.py:4',
    });
    expect(windows.cases.map((c) => [c.name, c.status, c.message])).toEqual([
      ['tst_login', 'failed', 'Unexpected pass (XPASS)'],
      ['tst_none', 'skipped', 'No result: No verification point executed'],
    ]);
    expect(windows.cases[0].properties).toEqual({ 'squish.result': 'XPASS' });
  });

  it('takes the leaves when there is no testcase level', () => {
    const flat = normalizeItems([
      { id: 1, typename: 'testsuite', name: 'junit', result: 7 },
      { id: 2, typename: 'row', name: 'case a', parent: 1, result: 7 },
    ]);
    const suites = suitesFromResults(flat, [], []);
    expect(suites).toEqual([
      expect.objectContaining({
        name: 'junit',
        cases: [expect.objectContaining({ name: 'case a' })],
      }),
    ]);
  });

  it('refuses answers without the expected list', () => {
    expect(() => normalizeItems({ batches: [] })).toThrow(/without a "tests" list/);
  });
});
