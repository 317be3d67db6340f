import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { JunitParseError, parseJunitTime, parseJunitXml } from '../../src/core/junit-read.js';
import { totalsOf } from '../../src/core/result.js';
import type { TestSuite } from '../../src/core/result.js';

const fixture = (name: string): string =>
  readFileSync(fileURLToPath(new URL(`../fixtures/junit/${name}`, import.meta.url)), 'utf8');

const statuses = (suites: TestSuite[]): string[] =>
  suites.flatMap((suite) =>
    suite.cases.map((c) => `${c.name}:${c.status}${c.flaky ? '+flaky' : ''}`),
  );

describe('parseJunitXml on real-world shapes', () => {
  test("Testsigma: counts from test cases, not the suite's doubled failures/errors", async () => {
    const suites = await parseJunitXml(fixture('testsigma.xml'), 'testsigma run 812');
    expect(suites.map((s) => s.name)).toEqual([
      'Checkout plan || Chrome on Windows',
      'Checkout plan || Safari on macOS',
    ]);
    expect(statuses(suites)).toEqual([
      'Login works:passed',
      'Pay by card:failed',
      'Refund order:failed',
      'Login works:passed',
    ]);
    const totals = totalsOf({ suites });
    // The XML says failures="2" errors="2"; adding them would claim 4 problems in 3 tests.
    expect(totals).toEqual({ total: 4, passed: 2, failed: 2, errors: 0, skipped: 0, flaky: 0 });

    const [chrome] = suites;
    expect(chrome.cases.map((c) => c.durationSeconds)).toEqual([23.038, 5.1, 0]);
    expect(chrome.durationSeconds).toBe(141);
    expect(chrome.timestamp).toBe('2024-05-29 07:29:19.0');
    expect(chrome.properties).toEqual({
      'Testsigma reports URL': 'https://testsigma.example/ui/td/runs/812',
    });
    expect(chrome.cases[0].classname).toBe('Smoke suite');
    // Text-only <failure>: the first line is the message, the whole text the details.
    expect(chrome.cases[1].message).toBe(
      'Test failed with message: Element "Pay now" was not found within 30 seconds',
    );
    expect(chrome.cases[1].details).toBeUndefined();
    expect(chrome.cases[2].message).toBe('Test case result: NOT_EXECUTED');
    expect(chrome.cases[2].details).toContain('Prerequisite "Pay by card" failed');
  });

  test('Maven Surefire: root <testsuite>, flaky reruns, rerun failures, error, skipped', async () => {
    const suites = await parseJunitXml(fixture('surefire-flaky.xml'), 'TEST-CheckoutTest.xml');
    expect(suites).toHaveLength(1);
    const [suite] = suites;
    expect(suite.name).toBe('com.example.shop.CheckoutTest');
    expect(suite.properties).toEqual({
      'java.version': '17.0.9',
      'surefire.rerunFailingTestsCount': '2',
    });
    expect(statuses(suites)).toEqual([
      'paysByCard:passed',
      'appliesCoupon:passed+flaky',
      'reservesStock:passed+flaky',
      'refundsOrder:failed',
      'connectsToGateway:error',
      'exportsPdf:skipped',
    ]);
    const byName = Object.fromEntries(suite.cases.map((c) => [c.name, c]));
    expect(byName.appliesCoupon.message).toBeUndefined();
    expect(byName.refundsOrder.message).toBe('expected: <true> but was: <false>');
    expect(byName.refundsOrder.details).toContain('CheckoutTest.java:58');
    expect(byName.connectsToGateway.message).toBe('Connection refused');
    expect(byName.connectsToGateway.details).toContain('java.net.ConnectException');
    expect(byName.exportsPdf.message).toBe('Disabled until SHOP-12 is fixed');
    expect(totalsOf({ suites })).toEqual({
      total: 6,
      passed: 3,
      failed: 2,
      errors: 1,
      skipped: 1,
      flaky: 2,
    });
  });

  test('pytest: file/line, case properties, failure body, setup error, skip and xfail', async () => {
    const [suite, ...rest] = await parseJunitXml(fixture('pytest.xml'), 'pytest.xml');
    expect(rest).toHaveLength(0);
    expect(suite.name).toBe('pytest');
    expect(suite.timestamp).toBe('2024-06-01T10:11:12.345678+00:00');
    const [add, total, db, windows, xfail, prints] = suite.cases;
    expect(add).toEqual({
      name: 'test_add_item',
      classname: 'tests.test_cart',
      status: 'passed',
      durationSeconds: 0.002,
      file: 'tests/test_cart.py',
      line: 12,
      properties: { ticket: 'CART-7' },
    });
    expect(total.status).toBe('failed');
    expect(total.message).toBe('assert 41 == 42');
    expect(total.details).toContain('>       assert total() == 42');
    expect(db.status).toBe('error');
    expect(db.message).toBe('failed on setup with "ConnectionError: db down"');
    expect([windows.status, windows.message]).toEqual(['skipped', 'windows only']);
    expect([xfail.status, xfail.message]).toEqual(['skipped', 'bug 123']);
    // system-out of a passing test is not a message, only its output (sinks read ids from it).
    expect(prints).toEqual({
      name: 'test_prints',
      classname: 'tests.test_cart',
      status: 'passed',
      durationSeconds: 0.001,
      output: 'hello from the test',
    });
  });

  test('PHPUnit: nested suites flattened, names joined, every case exactly once', async () => {
    const suites = await parseJunitXml(fixture('phpunit-nested.xml'), 'phpunit.xml');
    expect(suites.map((s) => [s.name, s.cases.length])).toEqual([
      ['Unit › Tests\\Unit\\CartTest', 2],
      ['Unit › Tests\\Unit\\CartTest › Tests\\Unit\\CartTest::testPrice', 3],
    ]);
    expect(statuses(suites)).toEqual([
      'testAdd:passed',
      'testRemove:failed',
      'testPrice with data set #0:passed',
      'testPrice with data set #1:passed',
      'testPrice with data set #2:passed',
    ]);
    const removed = suites[0].cases[1];
    expect(removed.message).toBe('Tests\\Unit\\CartTest::testRemove');
    expect(removed.details).toContain('Failed asserting that 1 is identical to 0.');
    expect(removed.line).toBe(20);
  });

  test('UTF-8 BOM, CDATA (with a quoted DOCTYPE and ]]>), odd time values', async () => {
    const [suite] = await parseJunitXml(fixture('bom-cdata.xml'), 'bom-cdata.xml');
    expect(suite.name).toBe('Bröwser checks ✔');
    expect(suite.durationSeconds).toBe(1234.5);
    const [umlauts, errorPage, noTime] = suite.cases;
    expect(umlauts.name).toBe('renders ümlauts');
    expect('durationSeconds' in umlauts).toBe(false);
    expect('durationSeconds' in noTime).toBe(false);
    expect(errorPage.status).toBe('failed');
    expect(errorPage.message).toBe('page body was HTML');
    expect(errorPage.details).toBe(
      '<!DOCTYPE html>\n<html><body>500 & <b>oops</b> ]]> still inside</body></html>',
    );
  });

  test('a BOM in a string (not only from a file) is dropped', async () => {
    const suites = await parseJunitXml(
      '\uFEFF<testsuite name="s"><testcase name="t"/></testsuite>',
    );
    expect(statuses(suites)).toEqual(['t:passed']);
  });
});

describe('parseJunitXml rules', () => {
  test('<skipped> takes its message from the attribute or the text', async () => {
    const [suite] = await parseJunitXml(
      '<testsuite name="s"><testcase name="a"><skipped>not on Linux</skipped></testcase>' +
        '<testcase name="b"><skipped message="later"/></testcase>' +
        '<testcase name="c"><skipped/></testcase></testsuite>',
    );
    expect(suite.cases.map((c) => [c.status, c.message])).toEqual([
      ['skipped', 'not on Linux'],
      ['skipped', 'later'],
      ['skipped', undefined],
    ]);
  });

  test('rerunError without a final error/failure is flaky; with <error> it is an error', async () => {
    const [suite] = await parseJunitXml(
      '<testsuite name="s">' +
        '<testcase name="a"><rerunError message="boom"/></testcase>' +
        '<testcase name="b"><error message="boom"/><rerunError message="boom"/></testcase>' +
        '<testcase name="c"><failure/><flakyFailure/></testcase>' +
        '</testsuite>',
    );
    expect(statuses([suite])).toEqual(['a:passed+flaky', 'b:error', 'c:failed']);
  });

  test('a bare <failure/> takes its details from the case output', async () => {
    const [suite] = await parseJunitXml(
      '<testsuite name="s"><testcase name="a"><failure type="AssertionError"/>' +
        '<system-out>stdout line</system-out><system-err>stderr line</system-err></testcase>' +
        '<testcase name="b"><failure message="m"/><system-out>only stdout</system-out></testcase>' +
        '</testsuite>',
    );
    expect(suite.cases[0]).toMatchObject({
      status: 'failed',
      message: 'AssertionError',
      details: 'stderr line',
    });
    expect(suite.cases[1]).toMatchObject({ message: 'm', details: 'only stdout' });
  });

  test('cases directly under <testsuites> are kept', async () => {
    const suites = await parseJunitXml(
      '<testsuites name="root"><testcase name="loose"/><testsuite name="s"><testcase name="t"/></testsuite></testsuites>',
    );
    expect(suites.map((s) => s.name)).toEqual(['root', 's']);
    expect(statuses(suites)).toEqual(['loose:passed', 't:passed']);
  });

  test('an unnamed suite is named after the source', async () => {
    const xml = '<testsuite><testcase name="t"/></testsuite>';
    expect((await parseJunitXml(xml, 'reports/a.xml'))[0].name).toBe('reports/a.xml');
    expect((await parseJunitXml(xml))[0].name).toBe('(unnamed suite)');
  });

  test('property values may be the element text; properties merge', async () => {
    const [suite] = await parseJunitXml(
      '<testsuite name="s"><properties><property name="a" value="1"/></properties>' +
        '<properties><property name="b">two</property><property value="nameless"/></properties>' +
        '<testcase name="t"/></testsuite>',
    );
    expect(suite.properties).toEqual({ a: '1', b: 'two' });
  });

  test('raw control characters (Testsigma messages) are removed, not fatal', async () => {
    const xml =
      '<testsuites><testsuite name="plan"><testcase name="bell\u0007 test">' +
      '<failure>Expected \u001b[31mred\u001b[0m,\u0001 got\u000b blue\uFFFF \uD800&#27;!</failure>' +
      '</testcase><testcase name="ok"/></testsuite></testsuites>';
    const [suite] = await parseJunitXml(xml, 'testsigma');
    expect(statuses([suite])).toEqual(['bell test:failed', 'ok:passed']);
    expect(suite.cases[0].message).toBe('Expected red, got blue !');
  });

  test('DOCTYPE / ENTITY are refused before parsing (billion laughs, XXE)', async () => {
    const started = Date.now();
    const laughs = parseJunitXml(fixture('billion-laughs.xml'), 'billion-laughs.xml');
    await expect(laughs).rejects.toThrow(JunitParseError);
    await expect(laughs).rejects.toThrow(/billion-laughs\.xml.*DOCTYPE or ENTITY/);
    expect(Date.now() - started).toBeLessThan(1000);

    await expect(parseJunitXml(fixture('external-entity.xml'), 'xxe.xml')).rejects.toThrow(
      /xxe\.xml.*refused/,
    );
    await expect(
      parseJunitXml('<!ENTITY a "b"><testsuite name="s"/>', 'bare-entity'),
    ).rejects.toThrow(/bare-entity.*ENTITY/);
    await expect(
      parseJunitXml('<?xml version="1.0"?>\n<!doctype testsuite><testsuite/>', 'lower'),
    ).rejects.toThrow(/DOCTYPE/);
    // An unterminated comment hides nothing.
    await expect(
      parseJunitXml('<testsuite><![CDATA[ x <!DOCTYPE y [ <!ENTITY z "w"> ]> <testsuite/>', 'u'),
    ).rejects.toThrow(/DOCTYPE or ENTITY/);
  });

  test('a character reference inside CDATA is literal text and stays', async () => {
    const [suite] = await parseJunitXml(
      '<testsuite name="s"><testcase name="t"><failure><![CDATA[code &#27; here]]></failure></testcase></testsuite>',
    );
    expect(suite.cases[0].message).toBe('code &#27; here');
  });

  test('hostile input with many unterminated openers stays linear', async () => {
    for (const opener of ['<![CDATA[', '<!--']) {
      const started = Date.now();
      const xml = '<testsuite name="s">' + opener.repeat(300_000);
      await expect(parseJunitXml(xml, 'hostile.xml')).rejects.toThrow(JunitParseError);
      expect(Date.now() - started).toBeLessThan(3000);
    }
  });

  test('a DOCTYPE inside CDATA or a comment is text, not a declaration', async () => {
    const [suite] = await parseJunitXml(
      '<!-- <!DOCTYPE x> --><testsuite name="s"><testcase name="t">' +
        '<failure><![CDATA[<!DOCTYPE html><!ENTITY x "y">]]></failure></testcase></testsuite>',
    );
    expect(suite.cases[0].message).toBe('<!DOCTYPE html><!ENTITY x "y">');
  });

  test('malformed XML → JunitParseError naming the source and the reason', async () => {
    const attempt = parseJunitXml('<testsuite name="s"><testcase name="t"></testsuite>', 'bad.xml');
    await expect(attempt).rejects.toBeInstanceOf(JunitParseError);
    await expect(attempt).rejects.toThrow(
      /^Cannot read JUnit XML from bad\.xml: malformed XML: .+/,
    );
    const error = await attempt.catch((e: unknown) => e);
    expect((error as JunitParseError).source).toBe('bad.xml');
    expect((error as JunitParseError).message).not.toContain('\n');
  });

  test("Testsigma's not-ready plain-text answer, empty input, a foreign root", async () => {
    await expect(
      parseJunitXml('Report generation failed, Test plan run is not completed', 'run 812'),
    ).rejects.toThrow(/run 812: not XML \(it starts with "Report generation failed/);
    await expect(parseJunitXml('  \n', 'empty.xml')).rejects.toThrow(
      /empty\.xml: the document is empty/,
    );
    await expect(parseJunitXml('<testrun name="nunit"/>', 'nunit.xml')).rejects.toThrow(
      /root element is <testrun>/,
    );
  });

  test('absurdly deep nesting is refused instead of exhausting the stack', async () => {
    const depth = 300;
    const xml =
      '<testsuite name="s">'.repeat(depth) + '<testcase name="t"/>' + '</testsuite>'.repeat(depth);
    await expect(parseJunitXml(xml, 'deep.xml')).rejects.toThrow(/deep\.xml: suites nested deeper/);
  });
});

describe('parseJunitTime', () => {
  test.each([
    ['23.038', 23.038],
    ['05.100', 5.1],
    ['00.000', 0],
    ['1,234.5', 1234.5],
    ['12,345,678', 12345678],
    ['0,5', 0.5],
    [' 12 ', 12],
    ['.5', 0.5],
    ['1e3', 1000],
  ])('%j → %d', (raw, expected) => {
    expect(parseJunitTime(raw)).toBe(expected);
  });

  test.each([
    [undefined],
    [''],
    ['garbage'],
    ['NaN'],
    ['-1'],
    ['Infinity'],
    ['1e400'],
    ['1.2.3'],
    ['12s'],
  ])('%j → undefined', (raw) => {
    expect(parseJunitTime(raw)).toBeUndefined();
  });
});
