import xml2js from 'xml2js';
import { parseJunitXml } from '../../src/core/junit-read.js';
import { MAX_PLACEHOLDERS, renderJunitXml } from '../../src/core/junit-write.js';
import { totalsOf } from '../../src/core/result.js';
import type { RunResult, TestCase } from '../../src/core/result.js';

function run(cases: TestCase[], extra: Partial<RunResult> = {}): RunResult {
  return {
    vendor: 'testsigma',
    runId: '812',
    runUrl: 'https://testsigma.example/ui/td/runs/812',
    title: 'Checkout plan',
    state: 'completed',
    verdict: 'failed',
    suites: [
      { name: 'Chrome', cases: cases.slice(0, 3), durationSeconds: 12.5 },
      { name: 'Safari', cases: cases.slice(3) },
    ],
    links: [],
    ...extra,
  };
}

const mixed: TestCase[] = [
  { name: 'login', classname: 'Smoke', status: 'passed', durationSeconds: 1.25 },
  {
    name: 'pay',
    classname: 'Smoke',
    status: 'failed',
    message: 'Button missing',
    details: 'Button missing\n  at step 3',
  },
  { name: 'refund', status: 'error', message: 'Session lost', durationSeconds: 0.5 },
  { name: 'export', status: 'skipped', message: 'not on Safari', durationSeconds: 1.25 },
  { name: 'coupon', status: 'passed', flaky: true, file: 'coupon.spec', line: 7 },
];

/** The root and suite attributes as xml2js sees them: a real parser, not our own. */
async function attributesOf(xml: string) {
  const doc = await xml2js.parseStringPromise(xml);
  const root = doc.testsuites;
  return {
    root: root.$ as Record<string, string>,
    suites: (root.testsuite as { $: Record<string, string> }[]).map((s) => s.$),
    raw: root,
  };
}

describe('renderJunitXml', () => {
  test('root and suite counts come from the cases: failures = failed, errors = error', async () => {
    const { root, suites } = await attributesOf(renderJunitXml(run(mixed)));
    expect(root).toEqual({
      name: 'Checkout plan',
      tests: '5',
      failures: '1',
      errors: '1',
      skipped: '1',
      time: '13.750',
    });
    expect(suites[0]).toMatchObject({
      name: 'Chrome',
      tests: '3',
      failures: '1',
      errors: '1',
      skipped: '0',
      time: '12.500',
    });
    expect(suites[1]).toMatchObject({
      name: 'Safari',
      tests: '2',
      failures: '0',
      skipped: '1',
      time: '1.250',
    });
  });

  test('every suite carries the run properties', async () => {
    const { raw } = await attributesOf(
      renderJunitXml(
        run(mixed, { links: [{ label: 'Video', url: 'https://v.example/1' }], verdict: undefined }),
      ),
    );
    for (const suite of raw.testsuite) {
      const properties = Object.fromEntries(
        suite.properties[0].property.map((p: { $: { name: string; value: string } }) => [
          p.$.name,
          p.$.value,
        ]),
      );
      expect(properties).toMatchObject({
        'testrelay.vendor': 'testsigma',
        'testrelay.runId': '812',
        'testrelay.runUrl': 'https://testsigma.example/ui/td/runs/812',
        'testrelay.state': 'completed',
        'testrelay.verdict': 'unknown',
        'testrelay.link.1': 'Video: https://v.example/1',
      });
    }
  });

  test('failure, error and skipped elements; flaky stays a pass', async () => {
    const xml = renderJunitXml(run(mixed));
    expect(xml).toContain(
      '<failure message="Button missing">Button missing\n  at step 3</failure>',
    );
    expect(xml).toContain('<error message="Session lost"/>');
    expect(xml).toContain('<skipped message="not on Safari"/>');
    expect(xml).toMatch(
      /<testcase name="coupon" classname="Safari" time="0.000" file="coupon.spec" line="7">\s*<properties>\s*<property name="testrelay.flaky" value="true"\/>/,
    );
    expect(xml).not.toMatch(/coupon[^]*<(failure|error)[^]*<\/testsuite>/);
  });

  test('round trip: render → parse gives the same cases and totals', async () => {
    const result = run(mixed);
    const suites = await parseJunitXml(renderJunitXml(result), 'round-trip');
    expect(suites.map((s) => s.name)).toEqual(['Chrome', 'Safari']);
    const back = suites.flatMap((s) => s.cases);
    expect(back.map((c) => [c.name, c.status, Boolean(c.flaky), c.message])).toEqual(
      mixed.map((c) => [c.name, c.status, Boolean(c.flaky), c.message]),
    );
    expect(back[1].details).toBe('Button missing\n  at step 3');
    expect(back[4]).toMatchObject({ file: 'coupon.spec', line: 7 });
    expect(back[4].properties).toBeUndefined();
    expect(totalsOf({ suites })).toEqual(totalsOf(result));
  });

  test('hostile text: escaped, invalid characters stripped, ]]> never appears', async () => {
    const nasty = 'a <b> & "c" \'d\' ]]> <![CDATA[ e \u0000\u0007\u001b\uFFFE\uD800 f\tg';
    const result = run([
      {
        name: nasty,
        classname: '</testcase><testcase name="injected">',
        status: 'failed',
        message: `line 1\nline 2 ${nasty}`,
        details: `${nasty}\r\nsecond line ]]>`,
        properties: { [nasty]: nasty },
      },
    ]);
    const xml = renderJunitXml(result);
    expect(xml).not.toContain(']]>');
    expect(xml).not.toContain('<![CDATA[');
    // eslint-disable-next-line no-control-regex
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uD800]/);

    const [suite] = await parseJunitXml(xml, 'hostile');
    expect(suite.cases).toHaveLength(1);
    const [back] = suite.cases;
    const stripped = 'a <b> & "c" \'d\' ]]> <![CDATA[ e  f\tg';
    expect(back.name).toBe(stripped);
    expect(back.classname).toBe('</testcase><testcase name="injected">');
    // Attribute line breaks are written as character references: parsers that normalize
    // attribute whitespace (Java, .NET) would otherwise turn them into spaces.
    expect(xml).toContain('message="line 1&#10;line 2 ');
    expect(back.message).toBe(`line 1\nline 2 ${stripped}`);
    expect(back.details).toBe(`${stripped}\r\nsecond line ]]>`);
    expect(back.properties).toEqual({ [stripped]: stripped });
  });

  test('counts without per-test results: one named placeholder per counted test, counts as properties', async () => {
    const result: RunResult = {
      vendor: 'squish',
      state: 'completed',
      verdict: 'failed',
      suites: [],
      links: [],
      reportedCounts: { total: 10, passed: 8, failed: 2 },
    };
    const xml = renderJunitXml(result);
    const { root, suites, raw } = await attributesOf(xml);
    expect(root).toMatchObject({ tests: '10', failures: '2', errors: '0', skipped: '0' });
    expect(suites[0]).toMatchObject({ tests: '10', failures: '2', errors: '0', skipped: '0' });
    const names = raw.testsuite[0].properties[0].property.map(
      (p: { $: { name: string; value: string } }) => [p.$.name, p.$.value],
    );
    expect(names).toEqual(
      expect.arrayContaining([
        ['testrelay.reported.total', '10'],
        ['testrelay.reported.passed', '8'],
        ['testrelay.reported.failed', '2'],
        ['testrelay.perTestResults', 'unavailable'],
        ['testrelay.note', expect.stringContaining('without per-test results')],
      ]),
    );
    expect(raw.testsuite[0].testcase).toHaveLength(10);
    expect(raw.testsuite[0].testcase[0].failure[0].$.message).toMatch(
      /^Per-test results were not available: squish counted this test as failed/,
    );
    const [suite] = await parseJunitXml(xml);
    expect(suite.name).toBe('squish');
    expect(suite.cases.map((c) => c.name)).toEqual([
      'squish · failed result 1 of 2 (per-test results not available)',
      'squish · failed result 2 of 2 (per-test results not available)',
      ...Array.from(
        { length: 8 },
        (_, i) => `squish · passed result ${i + 1} of 8 (per-test results not available)`,
      ),
    ]);
    // The placeholders live in the file only: the model, and so the totals, are unchanged.
    expect(result.suites).toEqual([]);
  });

  test('counts-only placeholders: vendor title, run id, reason; read back to the same totals', async () => {
    const result: RunResult = {
      vendor: 'squish',
      vendorName: 'Squish Test Center',
      runId: '105',
      title: 'Nightly',
      state: 'completed',
      verdict: 'failed',
      suites: [],
      links: [],
      reportedCounts: { total: 9, passed: 4, failed: 3, errors: 1, skipped: 2 },
      reportedCountsReason: 'per-test results need automationToken',
    };
    const xml = renderJunitXml(result);
    const { root, raw } = await attributesOf(xml);
    expect(root).toMatchObject({ tests: '9', failures: '2', errors: '1', skipped: '2' });
    const cases = raw.testsuite[0].testcase as {
      $: Record<string, string>;
      failure?: { $: { message: string } }[];
      error?: { $: { message: string } }[];
      skipped?: { $: { message: string } }[];
    }[];
    expect(cases.map((c) => c.$.name)).toEqual([
      'Squish Test Center run 105 · failed result 1 of 2 (per-test results not available)',
      'Squish Test Center run 105 · failed result 2 of 2 (per-test results not available)',
      'Squish Test Center run 105 · error result 1 of 1 (per-test results not available)',
      'Squish Test Center run 105 · skipped result 1 of 2 (per-test results not available)',
      'Squish Test Center run 105 · skipped result 2 of 2 (per-test results not available)',
      ...[1, 2, 3, 4].map(
        (i) =>
          `Squish Test Center run 105 · passed result ${i} of 4 (per-test results not available)`,
      ),
    ]);
    expect(cases.every((c) => c.$.classname === 'Nightly')).toBe(true);
    const unavailable =
      'Per-test results were not available (per-test results need automationToken): Squish Test Center counted this test as';
    expect(cases[0].failure?.[0].$.message).toBe(
      `${unavailable} failed, without its name or message.`,
    );
    expect(cases[2].error?.[0].$.message).toMatch(`${unavailable} an error`);
    expect(cases[3].skipped?.[0].$.message).toMatch(`${unavailable} skipped`);
    expect(Object.keys(cases[5])).toEqual(['$']);
    const properties = Object.fromEntries(
      raw.testsuite[0].properties[0].property.map((p: { $: { name: string; value: string } }) => [
        p.$.name,
        p.$.value,
      ]),
    );
    expect(properties).toMatchObject({
      'testrelay.perTestResults': 'unavailable',
      'testrelay.perTestResults.reason': 'per-test results need automationToken',
    });

    const back = await parseJunitXml(xml);
    expect(totalsOf({ suites: back })).toEqual(totalsOf(result));
    expect(totalsOf(result)).toMatchObject({
      total: 9,
      passed: 4,
      failed: 3,
      errors: 1,
      skipped: 2,
    });
  });

  test('counts-only: a total above the statuses adds skipped placeholders that say so', async () => {
    const xml = renderJunitXml({
      vendor: 'testsigma',
      state: 'timed_out',
      suites: [{ name: 'Plan', cases: [] }],
      links: [],
      reportedCounts: { total: 5, passed: 2, failed: 1 },
    });
    const { root, raw } = await attributesOf(xml);
    expect(root).toMatchObject({ tests: '5', failures: '1', errors: '0', skipped: '2' });
    expect(raw.testsuite[0].$.name).toBe('Plan');
    const unreported = raw.testsuite[0].testcase.filter((c: { $: { name: string } }) =>
      c.$.name.includes('unreported result'),
    );
    expect(unreported).toHaveLength(2);
    expect(unreported[0].skipped[0].$.message).toMatch(/counted this test with no result/);
  });

  test('counts-only: no placeholders past the cap, the attributes keep the counts', async () => {
    const xml = renderJunitXml({
      vendor: 'squish',
      state: 'completed',
      suites: [],
      links: [],
      reportedCounts: { total: MAX_PLACEHOLDERS + 7, passed: MAX_PLACEHOLDERS + 5, failed: 2 },
    });
    // Counted with a pattern: parsing 50,000 cases would take seconds.
    expect(xml).toMatch(
      new RegExp(`<testsuites [^>]*tests="${MAX_PLACEHOLDERS + 7}" failures="2"`),
    );
    expect(xml.match(/<testcase /g)).toHaveLength(MAX_PLACEHOLDERS);
    expect(xml).toContain('name="testrelay.placeholders.omitted" value="7"');
  });

  test('counts-only: whole, non-negative counts only; none, no placeholders', async () => {
    for (const reportedCounts of [{ total: 0 }, { total: -3, passed: Number.NaN, failed: 1.5 }]) {
      const xml = renderJunitXml({
        vendor: 'squish',
        state: 'completed',
        suites: [],
        links: [],
        reportedCounts,
      });
      expect(xml.match(/<testcase /g)?.length ?? 0).toBe(reportedCounts.total === 0 ? 0 : 1);
    }
  });

  test('ISO timestamps stay attributes; others (Testsigma) become a property', async () => {
    const result = run(mixed);
    result.suites[0].timestamp = '2024-06-01T10:11:12Z';
    result.suites[1].timestamp = '2024-05-29 07:29:19.0';
    const { suites, raw } = await attributesOf(renderJunitXml(result));
    expect(suites[0].timestamp).toBe('2024-06-01T10:11:12Z');
    expect(suites[1].timestamp).toBeUndefined();
    expect(raw.testsuite[1].properties[0].property[0].$).toEqual({
      name: 'testrelay.timestamp',
      value: '2024-05-29 07:29:19.0',
    });
  });
});
