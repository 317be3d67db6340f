// Reads JUnit XML (Surefire, pytest, PHPUnit, Testsigma, …) into the neutral model.
// Counts come from the <testcase> elements only: suite attributes lie (Testsigma writes
// the same number into failures and errors) and nested suites would count twice.
import xml2js from 'xml2js';
import type { CaseStatus, TestCase, TestSuite } from './result.js';
import { cleanText, oneLine, stripAnsi, stripInvalidXmlChars } from './untrusted-text.js';

export class JunitParseError extends Error {
  readonly source: string;

  constructor(source: string, reason: string) {
    super(`Cannot read JUnit XML from ${source}: ${reason}`);
    this.name = 'JunitParseError';
    this.source = source;
  }
}

/** Property a writer may set on a passed case that needed reruns (see junit-write.ts). */
export const FLAKY_PROPERTY = 'testrelay.flaky';

/** Joins nested suite names: `Outer › Inner`. */
export const SUITE_PATH_SEPARATOR = ' › ';

// Keys no XML element or attribute can be called, so a <_> or <$> element can't collide.
const ATTRS = '@attrs';
const TEXT = '#text';
const PARSER_OPTIONS: xml2js.ParserOptions = {
  attrkey: ATTRS,
  charkey: TEXT,
  explicitCharkey: true,
  explicitArray: true,
  explicitRoot: true,
  trim: false,
  normalize: false,
  strict: true,
};

// Deeper nesting than this is no real report; refusing it keeps hostile input cheap.
const MAX_SUITE_DEPTH = 200;

const RERUN_ELEMENTS = ['flakyFailure', 'flakyError', 'rerunFailure', 'rerunError'];

interface XmlNode {
  [ATTRS]?: Record<string, string>;
  [TEXT]?: string;
  [child: string]: unknown;
}

/**
 * Parses one JUnit XML document. `source` (a file name or URL) names the document in
 * errors and stands in for the name of an unnamed top-level suite.
 */
export async function parseJunitXml(xml: string, source?: string): Promise<TestSuite[]> {
  const label = source ?? 'JUnit XML';
  const cleaned = sanitizeXml(xml);
  if (declaresDtd(cleaned)) {
    throw new JunitParseError(
      label,
      'the document has a DOCTYPE or ENTITY declaration; refused (entity expansion is never done)',
    );
  }
  const start = cleaned.trimStart();
  if (start === '') throw new JunitParseError(label, 'the document is empty');
  if (!start.startsWith('<')) {
    throw new JunitParseError(label, `not XML (it starts with "${oneLine(start, 80)}")`);
  }

  let document: unknown;
  try {
    document = await xml2js.parseStringPromise(cleaned, PARSER_OPTIONS);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new JunitParseError(label, `malformed XML: ${oneLine(reason, 300)}`);
  }
  if (document === null || typeof document !== 'object') {
    throw new JunitParseError(label, 'the document has no root element');
  }

  const [rootName] = Object.keys(document);
  const root = asNode((document as Record<string, unknown>)[rootName]);
  if (rootName === 'testsuite') return flattenSuites([root], source);
  if (rootName !== 'testsuites') {
    throw new JunitParseError(
      label,
      `the root element is <${oneLine(rootName, 60)}>, expected <testsuites> or <testsuite>`,
    );
  }
  const suites = flattenSuites(children(root, 'testsuite'), source);
  // Not standard, but seen: cases directly under <testsuites>. Keep them rather than lose them.
  const looseCases = children(root, 'testcase');
  if (looseCases.length > 0) {
    const name = attr(root, 'name') || source || '(unnamed suite)';
    suites.unshift({ name, cases: looseCases.map((node) => readCase(node)) });
  }
  return suites;
}

/**
 * BOM off; ANSI sequences and characters invalid in XML 1.0 out, so one control character
 * in a failure message (Testsigma sends them) doesn't cost the whole report. Character
 * references to such characters (`&#27;`) go too, outside CDATA: the parser rejects them.
 */
function sanitizeXml(xml: string): string {
  const raw = stripInvalidXmlChars(stripAnsi(xml.replace(/^\uFEFF+/, '')));
  const sections = cdataSections(raw);
  let next = 0;
  return raw.replace(
    CHAR_REF,
    (match: string, hex: string | undefined, decimal: string, offset: number) => {
      while (next < sections.length && sections[next][1] <= offset) next += 1;
      if (next < sections.length && sections[next][0] <= offset) return match; // literal CDATA text
      const codePoint = hex !== undefined ? parseInt(hex, 16) : Number(decimal);
      const valid =
        codePoint <= 0x10ffff && stripInvalidXmlChars(String.fromCodePoint(codePoint)) !== '';
      return valid ? match : '';
    },
  );
}

const CHAR_REF = /&#(?:x([0-9a-fA-F]{1,8})|([0-9]{1,10}));/g;

/** [start, end) of each CDATA section, in one pass; an unterminated one runs to the end. */
function cdataSections(xml: string): [number, number][] {
  const sections: [number, number][] = [];
  let from = 0;
  for (;;) {
    const start = xml.indexOf('<![CDATA[', from);
    if (start < 0) return sections;
    const close = xml.indexOf(']]>', start + 9);
    const end = close < 0 ? xml.length : close + 3;
    sections.push([start, end]);
    from = end;
  }
}

/**
 * True when a DOCTYPE or ENTITY declaration appears outside comments and CDATA sections.
 * A scan rather than a regex so a `<!DOCTYPE html>` quoted inside CDATA (an HTML page in a
 * failure body) is fine, while an unterminated comment or CDATA hides nothing. Linear:
 * once a closer is missing it is missing for every later opener too.
 */
function declaresDtd(xml: string): boolean {
  const missing = new Set<string>();
  const skip = (at: number, opener: string, closer: string): number => {
    if (!xml.startsWith(opener, at) || missing.has(closer)) return -1;
    const end = xml.indexOf(closer, at + opener.length);
    if (end < 0) missing.add(closer);
    return end < 0 ? -1 : end + closer.length;
  };
  let index = 0;
  for (;;) {
    const open = xml.indexOf('<!', index);
    if (open < 0) return false;
    const after = Math.max(skip(open, '<!--', '-->'), skip(open, '<![CDATA[', ']]>'));
    if (after >= 0) {
      index = after;
      continue;
    }
    if (/^<!\s*(DOCTYPE|ENTITY)/i.test(xml.slice(open, open + 12))) return true;
    index = open + 2;
  }
}

interface PendingSuite {
  node: XmlNode;
  path: string[];
  depth: number;
}

/** Nested suites become a flat list in document order, each case exactly once. */
function flattenSuites(topLevel: XmlNode[], source: string | undefined): TestSuite[] {
  const suites: TestSuite[] = [];
  const stack: PendingSuite[] = topLevel.map((node) => ({ node, path: [], depth: 0 })).reverse();
  while (stack.length > 0) {
    const { node, path, depth } = stack.pop() as PendingSuite;
    if (depth >= MAX_SUITE_DEPTH) {
      throw new JunitParseError(
        source ?? 'JUnit XML',
        `suites nested deeper than ${MAX_SUITE_DEPTH}`,
      );
    }
    const ownName = attr(node, 'name')?.trim();
    const fullPath = ownName ? [...path, ownName] : path;
    const cases = children(node, 'testcase').map((caseNode) => readCase(caseNode));
    const nested = children(node, 'testsuite');
    // A suite that only wraps other suites adds nothing but an empty entry.
    if (cases.length > 0 || nested.length === 0) {
      const suite: TestSuite = {
        name: fullPath.join(SUITE_PATH_SEPARATOR) || source || '(unnamed suite)',
        cases,
      };
      assignDefined(suite, 'durationSeconds', parseJunitTime(attr(node, 'time')));
      assignDefined(suite, 'timestamp', attr(node, 'timestamp')?.trim() || undefined);
      assignDefined(suite, 'properties', readProperties(node));
      suites.push(suite);
    }
    for (let i = nested.length - 1; i >= 0; i -= 1) {
      stack.push({ node: nested[i], path: fullPath, depth: depth + 1 });
    }
  }
  return suites;
}

// Enough for the test-id lines sinks look for, without holding every log in memory.
const MAX_CASE_OUTPUT = 8192;

function readCase(node: XmlNode): TestCase {
  const failure = children(node, 'failure')[0];
  const error = children(node, 'error')[0];
  const skipped = children(node, 'skipped')[0];
  let status: CaseStatus = 'passed';
  let outcome: XmlNode | undefined;
  if (failure) [status, outcome] = ['failed', failure];
  else if (error) [status, outcome] = ['error', error];
  else if (skipped) [status, outcome] = ['skipped', skipped];

  const testCase: TestCase = { name: attr(node, 'name')?.trim() || '(unnamed test)', status };
  assignDefined(testCase, 'classname', attr(node, 'classname')?.trim() || undefined);
  assignDefined(testCase, 'durationSeconds', parseJunitTime(attr(node, 'time')));

  if (outcome) {
    const messageAttr = attr(outcome, 'message')?.trim();
    const body = text(outcome).trim();
    const message = messageAttr || firstLine(body) || attr(outcome, 'type')?.trim() || undefined;
    let details = body && body !== message ? body : undefined;
    // A bare <failure/> often has its story in the case's own output.
    if (!details && status !== 'skipped') {
      details = outputOf(node, 'system-err') || outputOf(node, 'system-out') || undefined;
    }
    assignDefined(testCase, 'message', message);
    assignDefined(testCase, 'details', details);
  }

  const properties = readProperties(node);
  const flakyByProperty = properties?.[FLAKY_PROPERTY] === 'true';
  if (properties) delete properties[FLAKY_PROPERTY];
  const reran = RERUN_ELEMENTS.some((element) => children(node, element).length > 0);
  if (status === 'passed' && (reran || flakyByProperty)) testCase.flaky = true;

  assignDefined(testCase, 'file', attr(node, 'file')?.trim() || undefined);
  const line = attr(node, 'line')?.trim();
  if (line && /^\d+$/.test(line) && Number(line) > 0) testCase.line = Number(line);
  if (properties && Object.keys(properties).length > 0) testCase.properties = properties;
  assignDefined(
    testCase,
    'output',
    outputOf(node, 'system-out').slice(0, MAX_CASE_OUTPUT) || undefined,
  );
  return testCase;
}

/** `<properties><property name value/>…` (value may also be the element text), merged. */
function readProperties(node: XmlNode): Record<string, string> | undefined {
  const blocks = children(node, 'properties');
  if (blocks.length === 0) return undefined;
  const properties: Record<string, string> = {};
  for (const block of blocks) {
    for (const property of children(block, 'property')) {
      const name = attr(property, 'name')?.trim();
      if (!name) continue;
      Object.defineProperty(properties, name, {
        value: attr(property, 'value') ?? text(property).trim(),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return properties;
}

/**
 * JUnit `time` in seconds. Accepts `23.038`, Testsigma's zero-padded `05.100`, thousands
 * separators (`1,234.5`) and a decimal comma (`0,5`); anything else is unknown, never NaN.
 * (`1,234` reads as 1234: a thousands separator, the common writer's choice.)
 */
export function parseJunitTime(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  let value = raw.trim();
  if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(value)) value = value.replace(/,/g, '');
  else if (/^\d+,\d+$/.test(value)) value = value.replace(',', '.');
  if (!/^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(value)) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) ? seconds : undefined;
}

function outputOf(node: XmlNode, element: string): string {
  return children(node, element)
    .map((child) => text(child).trim())
    .filter(Boolean)
    .join('\n');
}

function firstLine(body: string): string {
  return body.split(/\r?\n|\r/, 1)[0].trim();
}

function asNode(value: unknown): XmlNode {
  if (typeof value === 'string') return { [TEXT]: value };
  return value !== null && typeof value === 'object' ? (value as XmlNode) : {};
}

function children(node: XmlNode, name: string): XmlNode[] {
  const value = Object.hasOwn(node, name) ? node[name] : undefined;
  return Array.isArray(value) ? value.map(asNode) : [];
}

// Values pass through cleanText again: a character reference (&#27;) decodes to a
// control character after the raw-text sanitizing.
function attr(node: XmlNode, name: string): string | undefined {
  const attrs = node[ATTRS];
  return attrs && Object.hasOwn(attrs, name) ? cleanText(attrs[name]) : undefined;
}

function text(node: XmlNode): string {
  const value = node[TEXT];
  return typeof value === 'string' ? cleanText(value) : '';
}

function assignDefined<T extends object, K extends keyof T>(target: T, key: K, value: T[K]): void {
  if (value !== undefined) target[key] = value;
}
