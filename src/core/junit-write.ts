// Writes the neutral model as plain JUnit XML, the shape dorny/test-reporter, GitLab's
// junit report, Azure's PublishTestResults and Jenkins all read: <testsuites> →
// <testsuite> → <testcase> with <failure>/<error>/<skipped>.
//
// Where run facts go: a <properties> block in every <testsuite>. The common schemas
// (Jenkins/Surefire XSD) allow properties only there, not on <testsuites>, and readers
// that keep properties (Azure, Jenkins) then see them whichever suite they look at.
//
// Counts without per-test results (isCountsOnly): readers count <testcase> elements, so
// the file gets one placeholder case per counted test, named as such, and the suite says
// testrelay.perTestResults=unavailable. They exist only in the file: the model (and so the
// totals, outputs and sinks) never holds them.
import * as fs from 'node:fs/promises';
import { FLAKY_PROPERTY } from './junit-read.js';
import {
  isCountsOnly,
  runDurationSeconds,
  suiteDurationSeconds,
  totalsOf,
  vendorTitle,
} from './result.js';
import type { CaseStatus, RunResult, TestCase, TestSuite } from './result.js';
import { oneLine, mayNeedCleaning, stripInvalidXmlChars } from './untrusted-text.js';

/** Prefix of the properties TestRelay adds. */
export const PROPERTY_PREFIX = 'testrelay.';

/** Suite property set to `unavailable` when the test cases are placeholders for counts. */
export const PER_TEST_RESULTS_PROPERTY = `${PROPERTY_PREFIX}perTestResults`;

/** Ends the name of every placeholder test case. */
export const PLACEHOLDER_SUFFIX = '(per-test results not available)';

// The counts are the vendor's (untrusted) numbers: past this many placeholders, the suite's
// attributes still carry the counts, and a property says how many cases were left out.
export const MAX_PLACEHOLDERS = 50_000;

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

export function renderJunitXml(result: RunResult): string {
  let xml = '';
  for (const piece of junitXmlPieces(result)) xml += piece;
  return xml;
}

/**
 * Writes the JUnit file as it is rendered, encoded piece by piece into a 1 MiB buffer that
 * is written whenever it fills: a 100k-case report is never a 20 MB string (or 100k lines)
 * in memory, and no string is built only to be encoded once.
 */
export async function writeJunitXml(file: string, result: RunResult): Promise<void> {
  const handle = await fs.open(file, 'w');
  try {
    const buffer = Buffer.allocUnsafe(WRITE_BUFFER_BYTES);
    let used = 0;
    const encode = async (text: string): Promise<void> => {
      // A UTF-16 unit takes at most 3 bytes in UTF-8.
      if (used + text.length * 3 > buffer.length) {
        if (used > 0) await handle.write(buffer, 0, used);
        used = 0;
        if (text.length * 3 > buffer.length) return void (await handle.write(text));
      }
      used += buffer.write(text, used);
    };
    // Pieces are gathered into ~64K-character runs first: one encoding call per run, not
    // one per case (each call into the runtime costs more than the copy it does).
    let run = '';
    for (const piece of junitXmlPieces(result)) {
      run += piece;
      if (run.length >= ENCODE_RUN_CHARS) {
        await encode(run);
        run = '';
      }
    }
    await encode(run);
    if (used > 0) await handle.write(buffer, 0, used);
  } finally {
    await handle.close();
  }
}

const ENCODE_RUN_CHARS = 1 << 16;
const WRITE_BUFFER_BYTES = 1 << 20;

/** The document in pieces (a case each, mostly), in order. */
function* junitXmlPieces(result: RunResult): Generator<string> {
  const placeholders = isCountsOnly(result) ? placeholdersOf(result) : undefined;
  const omitted = placeholders?.omitted;
  const runProperties = runPropertiesOf(result, omitted);
  // Without any suite the run facts would have nowhere to go; one empty suite carries them.
  const suites: TestSuite[] =
    result.suites.length > 0
      ? [...result.suites]
      : [{ name: result.title ?? result.vendor, cases: [] }];
  if (placeholders) suites[0] = { ...suites[0], cases: placeholders.cases };
  const suiteCounts = suites.map((suite, index) =>
    countCases(suite.cases, index === 0 ? omitted : undefined),
  );
  const counts = suiteCounts.reduce(addCounts);
  const time = runDurationSeconds({ durationSeconds: result.durationSeconds, suites });

  yield (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites${attributes({ name: result.title ?? result.vendor, ...stringCounts(counts), time: seconds(time) })}>\n`
  );
  for (const [index, suite] of suites.entries()) {
    yield suiteStart(suite, suiteCounts[index], runProperties);
    const suiteName = suite.name;
    const escapedSuiteName = escapeAttribute(suiteName);
    for (const testCase of suite.cases) yield renderCase(testCase, suiteName, escapedSuiteName);
    yield '  </testsuite>\n';
  }
  yield '</testsuites>\n';
}

type StatusCounts = Record<CaseStatus, number>;

interface Placeholders {
  cases: TestCase[];
  /** Counted tests past MAX_PLACEHOLDERS, by status: in the attributes, not as cases. */
  omitted: StatusCounts;
}

/**
 * One case per counted test, problems first. The statuses add up to the totals (totalsOf), so
 * a reader of this file, ours included, counts what the outputs say; tests the vendor counted
 * in its total but under no status become skipped ones that say so.
 */
function placeholdersOf(result: RunResult): Placeholders {
  const totals = totalsOf(result);
  const whole = (value: number): number =>
    Number.isFinite(value) ? Math.max(0, Math.floor(value)) : 0;
  const failures = whole(totals.failed - totals.errors);
  const errors = whole(totals.errors);
  const skipped = whole(totals.skipped);
  const passed = whole(totals.passed);
  const unreported = Math.max(0, whole(totals.total) - (failures + errors + skipped + passed));

  const vendor = vendorTitle(result);
  const run = result.runId ? `${vendor} run ${oneLine(result.runId, 100)}` : vendor;
  const unavailable = `Per-test results were not available${
    result.reportedCountsReason ? ` (${oneLine(result.reportedCountsReason, 300)})` : ''
  }`;
  const groups: [CaseStatus, number, string, string][] = [
    ['failed', failures, 'failed', `${vendor} counted this test as failed`],
    ['error', errors, 'error', `${vendor} counted this test as an error`],
    ['skipped', skipped, 'skipped', `${vendor} counted this test as skipped`],
    ['skipped', unreported, 'unreported', `${vendor} counted this test with no result`],
    ['passed', passed, 'passed', ''],
  ];

  const cases: TestCase[] = [];
  const omitted: StatusCounts = { passed: 0, failed: 0, error: 0, skipped: 0 };
  for (const [status, count, label, said] of groups) {
    const written = Math.min(count, MAX_PLACEHOLDERS - cases.length);
    omitted[status] += count - written;
    for (let index = 1; index <= written; index += 1) {
      cases.push({
        name: `${run} · ${label} result ${index} of ${count} ${PLACEHOLDER_SUFFIX}`,
        status,
        message: said ? `${unavailable}: ${said}, without its name or message.` : undefined,
      });
    }
  }
  return { cases, omitted };
}

function runPropertiesOf(result: RunResult, omitted?: StatusCounts): [string, string][] {
  const properties: [string, string | undefined][] = [
    ['vendor', result.vendor],
    ['runId', result.runId],
    ['runUrl', result.runUrl],
    ['title', result.title],
    ['state', result.state],
    ['verdict', result.verdict ?? 'unknown'],
    ['message', result.message],
  ];
  if (isCountsOnly(result)) {
    for (const [key, value] of Object.entries(result.reportedCounts)) {
      if (value !== undefined) properties.push([`reported.${key}`, String(value)]);
    }
    properties.push(['perTestResults', 'unavailable']);
    properties.push(['perTestResults.reason', result.reportedCountsReason]);
    const left = omitted ? Object.values(omitted).reduce((sum, count) => sum + count, 0) : 0;
    if (left > 0) properties.push(['placeholders.omitted', String(left)]);
    properties.push([
      'note',
      'The vendor reported counts without per-test results: each test case in this file is a ' +
        `placeholder for one counted test, named "… ${PLACEHOLDER_SUFFIX}"; the testrelay.reported.* ` +
        'properties carry the counts as reported.',
    ]);
  }
  for (const [index, link] of result.links.entries()) {
    properties.push([`link.${index + 1}`, `${link.label}: ${link.url}`]);
  }
  return properties
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => [PROPERTY_PREFIX + key, value]);
}

/** The suite's start tag and properties. */
function suiteStart(
  suite: TestSuite,
  counts: StatusCounts,
  runProperties: [string, string][],
): string {
  const timestamp = suite.timestamp?.trim();
  const isoTimestamp = timestamp && ISO_TIMESTAMP.test(timestamp) ? timestamp : undefined;
  // Readers parse `timestamp` as ISO 8601; others (Testsigma's server-local
  // "2024-05-29 07:29:19.0") are kept as a property rather than dropped or misread.
  const merged = new Map(Object.entries(suite.properties ?? {}));
  if (timestamp && !isoTimestamp) merged.set(`${PROPERTY_PREFIX}timestamp`, timestamp);
  for (const [name, value] of runProperties) merged.set(name, value);

  const start = `  <testsuite${attributes({
    name: suite.name,
    ...stringCounts(counts),
    time: seconds(suiteDurationSeconds(suite) ?? 0),
    timestamp: isoTimestamp,
  })}>\n`;
  return start + renderProperties(merged, '    ');
}

/**
 * The case's element, on one or more lines, with its line break. Written out by hand, not
 * through attributes(): this runs once per case, and the classname is most often the
 * suite's name, escaped once per suite (`escapedSuiteName`).
 */
function renderCase(testCase: TestCase, suiteName: string, escapedSuiteName: string): string {
  const { classname, file, line } = testCase;
  // Azure and GitLab show classname; a suite name is the usual stand-in.
  const escapedClassname =
    classname === undefined || classname === suiteName
      ? escapedSuiteName
      : escapeAttribute(classname);
  // Some readers take a missing time as NaN; 0 is what JUnit writers put for "unknown".
  let open = `    <testcase name="${escapeAttribute(testCase.name)}" classname="${escapedClassname}" time="${seconds(testCase.durationSeconds ?? 0)}"`;
  if (file !== undefined) open += ` file="${escapeAttribute(file)}"`;
  if (line !== undefined) open += ` line="${escapeAttribute(String(line))}"`;

  let body = '';
  const flaky = testCase.flaky === true && testCase.status === 'passed';
  if (testCase.properties !== undefined || flaky) {
    const properties = new Map(Object.entries(testCase.properties ?? {}));
    // Flaky stays a pass for every reader; our own reader turns the property back into `flaky`.
    if (flaky) properties.set(FLAKY_PROPERTY, 'true');
    body += renderProperties(properties, '      ');
  }
  const outcome = OUTCOME_ELEMENTS[testCase.status];
  if (outcome !== undefined) {
    const tag = `      <${outcome}${testCase.message === undefined ? '' : ` message="${escapeAttribute(testCase.message)}"`}`;
    body += testCase.details
      ? `${tag}>${escapeText(testCase.details)}</${outcome}>\n`
      : `${tag}/>\n`;
  }
  if (body === '') return `${open}/>\n`;
  return `${open}>\n${body}    </testcase>\n`;
}

const OUTCOME_ELEMENTS: Record<CaseStatus, string | undefined> = {
  failed: 'failure',
  error: 'error',
  skipped: 'skipped',
  passed: undefined,
};

/** A <properties> block, each line ending with a line break; '' when there are none. */
function renderProperties(properties: Map<string, string>, indent: string): string {
  if (properties.size === 0) return '';
  let text = `${indent}<properties>\n`;
  for (const [name, value] of properties) {
    text += `${indent}  <property${attributes({ name, value })}/>\n`;
  }
  return `${text}${indent}</properties>\n`;
}

/**
 * Counts from the cases (plus counted tests left out of the file): failures are failed cases
 * only, errors errored ones only.
 */
function countCases(cases: TestCase[], omitted?: StatusCounts): StatusCounts {
  const counts: StatusCounts = { passed: 0, failed: 0, error: 0, skipped: 0 };
  for (const testCase of cases) counts[testCase.status] += 1;
  if (omitted) for (const status of STATUSES) counts[status] += omitted[status];
  return counts;
}

const STATUSES = ['passed', 'failed', 'error', 'skipped'] as const;

function addCounts(a: StatusCounts, b: StatusCounts): StatusCounts {
  return {
    passed: a.passed + b.passed,
    failed: a.failed + b.failed,
    error: a.error + b.error,
    skipped: a.skipped + b.skipped,
  };
}

function stringCounts(
  counts: StatusCounts,
): Record<'tests' | 'failures' | 'errors' | 'skipped', string> {
  return {
    tests: String(counts.passed + counts.failed + counts.error + counts.skipped),
    failures: String(counts.failed),
    errors: String(counts.error),
    skipped: String(counts.skipped),
  };
}

/** Seconds with three decimals, as JUnit writers do; unknown or nonsense → 0. */
function seconds(value: number | undefined): string {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? value.toFixed(3) : '0.000';
}

// A plain loop: this runs for every case of a report, and the entries/filter/map arrays
// were most of the garbage a 100k-case file made.
function attributes(values: Record<string, string | undefined>): string {
  let text = '';
  for (const name in values) {
    const value = values[name];
    if (value !== undefined) text += ` ${name}="${escapeAttribute(value)}"`;
  }
  return text;
}

function escapeText(value: string): string {
  if (!TEXT_NEEDS_WORK.test(value)) return value;
  return escapeMarkup(mayNeedCleaning(value) ? stripInvalidXmlChars(value) : value, false);
}

function escapeAttribute(value: string): string {
  if (!ATTRIBUTE_NEEDS_WORK.test(value)) return value;
  return escapeMarkup(mayNeedCleaning(value) ? stripInvalidXmlChars(value) : value, true);
}

// One test for "anything to do at all": a special character or one XML forbids (a C0 control,
// a surrogate, U+FFFE/U+FFFF; only then is the slower stripping run). Most names and times
// have nothing to escape and come back as they are.
// eslint-disable-next-line no-control-regex
const TEXT_NEEDS_WORK = /[&<>\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;
const ATTRIBUTE_NEEDS_WORK =
  // eslint-disable-next-line no-control-regex
  /[&<>\r"\n\t\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

/**
 * `>` is escaped too, so `]]>` can never appear (it is not allowed in XML text). No CDATA
 * is written, so there is no section to break out of. In attributes, line breaks and tabs
 * go as character references too: a parser would normalize them to spaces. One pass, slices
 * between the replacements (a replace callback per character cost more than the rest).
 */
function escapeMarkup(value: string, attribute: boolean): string {
  let out = '';
  let from = 0;
  for (let index = 0; index < value.length; index += 1) {
    const replacement = escapeOf(value.charCodeAt(index), attribute);
    if (replacement === undefined) continue;
    out += value.slice(from, index) + replacement;
    from = index + 1;
  }
  return from === 0 ? value : out + value.slice(from);
}

function escapeOf(code: number, attribute: boolean): string | undefined {
  switch (code) {
    case 0x26:
      return '&amp;';
    case 0x3c:
      return '&lt;';
    case 0x3e:
      return '&gt;';
    case 0x0d:
      return '&#13;';
    case 0x22:
      return attribute ? '&quot;' : undefined;
    case 0x0a:
      return attribute ? '&#10;' : undefined;
    case 0x09:
      return attribute ? '&#9;' : undefined;
    default:
      return undefined;
  }
}
