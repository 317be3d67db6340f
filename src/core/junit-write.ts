// Writes the neutral model as plain JUnit XML, the shape dorny/test-reporter, GitLab's
// junit report, Azure's PublishTestResults and Jenkins all read: <testsuites> →
// <testsuite> → <testcase> with <failure>/<error>/<skipped>.
//
// Where run facts go: a <properties> block in every <testsuite>. The common schemas
// (Jenkins/Surefire XSD) allow properties only there, not on <testsuites>, and readers
// that keep properties (Azure, Jenkins) then see them whichever suite they look at.
import { FLAKY_PROPERTY } from './junit-read.js';
import { runDurationSeconds, suiteDurationSeconds } from './result.js';
import type { RunResult, TestCase, TestSuite } from './result.js';
import { stripInvalidXmlChars } from './untrusted-text.js';

/** Prefix of the properties TestRelay adds. */
export const PROPERTY_PREFIX = 'testrelay.';

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

export function renderJunitXml(result: RunResult): string {
  const runProperties = runPropertiesOf(result);
  // Without any suite the run facts would have nowhere to go; one empty suite carries them.
  const suites: TestSuite[] =
    result.suites.length > 0 ? result.suites : [{ name: result.title ?? result.vendor, cases: [] }];
  const counts = countCases(suites.flatMap((suite) => suite.cases));
  const time = runDurationSeconds({ durationSeconds: result.durationSeconds, suites });

  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  lines.push(
    `<testsuites${attributes({ name: result.title ?? result.vendor, ...counts, time: seconds(time) })}>`,
  );
  for (const suite of suites) lines.push(...renderSuite(suite, runProperties));
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

function runPropertiesOf(result: RunResult): [string, string][] {
  const properties: [string, string | undefined][] = [
    ['vendor', result.vendor],
    ['runId', result.runId],
    ['runUrl', result.runUrl],
    ['title', result.title],
    ['state', result.state],
    ['verdict', result.verdict ?? 'unknown'],
    ['message', result.message],
  ];
  if (result.suites.every((suite) => suite.cases.length === 0) && result.reportedCounts) {
    for (const [key, value] of Object.entries(result.reportedCounts)) {
      if (value !== undefined) properties.push([`reported.${key}`, String(value)]);
    }
    properties.push([
      'note',
      'The vendor reported counts without per-test results; the testrelay.reported.* properties carry them and this file has no test cases for them.',
    ]);
  }
  for (const [index, link] of result.links.entries()) {
    properties.push([`link.${index + 1}`, `${link.label}: ${link.url}`]);
  }
  return properties
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => [PROPERTY_PREFIX + key, value]);
}

function renderSuite(suite: TestSuite, runProperties: [string, string][]): string[] {
  const counts = countCases(suite.cases);
  const timestamp = suite.timestamp?.trim();
  const isoTimestamp = timestamp && ISO_TIMESTAMP.test(timestamp) ? timestamp : undefined;
  // Readers parse `timestamp` as ISO 8601; others (Testsigma's server-local
  // "2024-05-29 07:29:19.0") are kept as a property rather than dropped or misread.
  const merged = new Map(Object.entries(suite.properties ?? {}));
  if (timestamp && !isoTimestamp) merged.set(`${PROPERTY_PREFIX}timestamp`, timestamp);
  for (const [name, value] of runProperties) merged.set(name, value);

  const lines = [
    `  <testsuite${attributes({
      name: suite.name,
      ...counts,
      time: seconds(suiteDurationSeconds(suite) ?? 0),
      timestamp: isoTimestamp,
    })}>`,
    ...renderProperties(merged, '    '),
  ];
  for (const testCase of suite.cases) lines.push(...renderCase(testCase, suite.name));
  lines.push('  </testsuite>');
  return lines;
}

function renderCase(testCase: TestCase, suiteName: string): string[] {
  const open = `    <testcase${attributes({
    name: testCase.name,
    // Azure and GitLab show classname; a suite name is the usual stand-in.
    classname: testCase.classname ?? suiteName,
    // Some readers take a missing time as NaN; 0 is what JUnit writers put for "unknown".
    time: seconds(testCase.durationSeconds ?? 0),
    file: testCase.file,
    line: testCase.line === undefined ? undefined : String(testCase.line),
  })}`;

  const body: string[] = [];
  const properties = new Map(Object.entries(testCase.properties ?? {}));
  // Flaky stays a pass for every reader; our own reader turns the property back into `flaky`.
  if (testCase.flaky && testCase.status === 'passed') properties.set(FLAKY_PROPERTY, 'true');
  body.push(...renderProperties(properties, '      '));

  const outcome = { failed: 'failure', error: 'error', skipped: 'skipped', passed: undefined }[
    testCase.status
  ];
  if (outcome) {
    const tag = `      <${outcome}${attributes({ message: testCase.message })}`;
    body.push(
      testCase.details ? `${tag}>${escapeText(testCase.details)}</${outcome}>` : `${tag}/>`,
    );
  }
  if (body.length === 0) return [`${open}/>`];
  return [`${open}>`, ...body, '    </testcase>'];
}

function renderProperties(properties: Map<string, string>, indent: string): string[] {
  if (properties.size === 0) return [];
  return [
    `${indent}<properties>`,
    ...[...properties].map(
      ([name, value]) => `${indent}  <property${attributes({ name, value })}/>`,
    ),
    `${indent}</properties>`,
  ];
}

/** Counts from the cases: failures are failed cases only, errors errored ones only. */
function countCases(
  cases: TestCase[],
): Record<'tests' | 'failures' | 'errors' | 'skipped', string> {
  const count = (status: TestCase['status']): string =>
    String(cases.filter((testCase) => testCase.status === status).length);
  return {
    tests: String(cases.length),
    failures: count('failed'),
    errors: count('error'),
    skipped: count('skipped'),
  };
}

/** Seconds with three decimals, as JUnit writers do; unknown or nonsense → 0. */
function seconds(value: number | undefined): string {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? value.toFixed(3) : '0.000';
}

function attributes(values: Record<string, string | undefined>): string {
  return Object.entries(values)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${escapeAttribute(value)}"`)
    .join('');
}

// `>` is escaped too, so `]]>` can never appear (it is not allowed in XML text). No CDATA
// is written, so there is no section to break out of.
function escapeText(value: string): string {
  return stripInvalidXmlChars(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;');
}

// Line breaks and tabs as character references: a parser would normalize them to spaces.
function escapeAttribute(value: string): string {
  return escapeText(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}
