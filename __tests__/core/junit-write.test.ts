import xml2js from 'xml2js';
import { parseJunitXml } from '../../src/core/junit-read.js';
import { renderJunitXml } from '../../src/core/junit-write.js';
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

  test('counts without per-test results: no fake test cases, counts as properties', async () => {
    const result: RunResult = {
      vendor: 'squish',
      state: 'completed',
      verdict: 'failed',
      suites: [],
      links: [],
      reportedCounts: { total: 10, passed: 8, failed: 2 },
    };
    const xml = renderJunitXml(result);
    expect(xml).not.toContain('<testcase');
    const { root, raw } = await attributesOf(xml);
    expect(root).toMatchObject({ tests: '0', failures: '0', errors: '0', skipped: '0' });
    const names = raw.testsuite[0].properties[0].property.map(
      (p: { $: { name: string; value: string } }) => [p.$.name, p.$.value],
    );
    expect(names).toEqual(
      expect.arrayContaining([
        ['testrelay.reported.total', '10'],
        ['testrelay.reported.passed', '8'],
        ['testrelay.reported.failed', '2'],
        ['testrelay.note', expect.stringContaining('without per-test results')],
      ]),
    );
    expect(await parseJunitXml(xml)).toEqual([
      expect.objectContaining({ name: 'squish', cases: [] }),
    ]);
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
