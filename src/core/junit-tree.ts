// The model built from a JUnit document's parse events, in one pass. Suites are kept as
// frames on a stack; each <testcase> (and a suite's <properties>) is held as a small tree
// only until its end tag, then read into a TestCase and dropped, so memory grows with the
// model, not with the document. Text arrives clean from the scanner (no character XML
// forbids, so no terminal escape either): it is trimmed here, not sanitized again.

import type { CaseStatus, TestCase, TestSuite } from './result.js';
import type { XmlScanHandler } from './xml-scan.js';

/** Property a writer may set on a passed case that needed reruns (see junit-write.ts). */
export const FLAKY_PROPERTY = 'testrelay.flaky';

/** Joins nested suite names: `Outer › Inner`. */
export const SUITE_PATH_SEPARATOR = ' › ';

// Deeper nesting than this is no real report; refusing it keeps hostile input cheap.
const MAX_SUITE_DEPTH = 200;
// Elements inside a test case deeper than this are not JUnit's; they are skipped unread.
const MAX_CAPTURE_DEPTH = 8;
// Enough for the test-id lines sinks look for, without holding every log in memory.
const MAX_CASE_OUTPUT = 8192;

const RERUN_ELEMENTS = ['flakyFailure', 'flakyError', 'rerunFailure', 'rerunError'];

/** An element inside a test case (or a suite's <properties>), its direct text only. */
interface XmlElement {
  name: string;
  /** name, value, name, value … as the scanner reports them. */
  attrs: string[];
  text: string;
  children: XmlElement[];
}

interface SuiteFrame {
  kind: 'suite';
  attrs: string[];
  path: string[];
  depth: number;
  /** Where the suite goes in the output: a suite comes before the suites nested in it. */
  slot: number;
  cases: TestCase[];
  properties: XmlElement[];
  nested: number;
}

/** <testsuites>: its suites, and cases found directly in it (not standard, but seen). */
interface RootFrame {
  kind: 'root';
  attrs: string[];
  cases: TestCase[];
}

interface CaptureFrame {
  kind: 'capture';
  element: XmlElement;
  depth: number;
  /** Set on the outermost element: where it goes when it ends. */
  owner?: SuiteFrame | RootFrame;
}

type Frame = SuiteFrame | RootFrame | CaptureFrame | { kind: 'skip' };

/** The frame of an element already read in full when it opened: its close does nothing. */
const DONE: Frame = { kind: 'skip' };

export class JunitTreeBuilder implements XmlScanHandler {
  private readonly stack: Frame[] = [];
  private readonly slots: (TestSuite | undefined)[] = [];
  private root?: RootFrame | SuiteFrame;
  private readonly shared: SharedText = {};

  constructor(
    private readonly source: string | undefined,
    private readonly fail: (reason: string) => Error,
  ) {}

  get wantsText(): boolean {
    return this.stack[this.stack.length - 1]?.kind === 'capture';
  }

  open(name: string, attrs: string[], selfClosing = false): void {
    const parent = this.stack[this.stack.length - 1];
    if (!parent) {
      this.stack.push(this.openRoot(name, attrs));
      return;
    }
    // `<testcase …/>`, most of a large report: read at once, no tree, no frame of its own.
    if (selfClosing && name === 'testcase' && parent.kind !== 'capture' && parent.kind !== 'skip') {
      parent.cases.push(readPlainCase(attrs, this.shared));
      return void this.stack.push(DONE);
    }
    if (parent.kind === 'capture') {
      if (parent.depth >= MAX_CAPTURE_DEPTH) return void this.stack.push({ kind: 'skip' });
      const element: XmlElement = { name, attrs, text: '', children: [] };
      parent.element.children.push(element);
      this.stack.push({ kind: 'capture', element, depth: parent.depth + 1 });
      return;
    }
    if (parent.kind === 'skip') return void this.stack.push(parent);
    if (name === 'testsuite') {
      this.stack.push(this.openSuite(attrs, parent.kind === 'suite' ? parent : undefined));
    } else if (name === 'testcase' || (name === 'properties' && parent.kind === 'suite')) {
      const element: XmlElement = { name, attrs, text: '', children: [] };
      this.stack.push({ kind: 'capture', element, depth: 0, owner: parent });
    } else {
      this.stack.push({ kind: 'skip' });
    }
  }

  text(text: string): void {
    const top = this.stack[this.stack.length - 1];
    if (top?.kind === 'capture') top.element.text += text;
  }

  close(): void {
    const frame = this.stack.pop();
    if (frame?.kind === 'suite') this.closeSuite(frame);
    if (frame?.kind !== 'capture' || !frame.owner) return;
    const { element, owner } = frame;
    if (element.name === 'testcase') owner.cases.push(readCase(element, this.shared));
    else if (owner.kind === 'suite') owner.properties.push(element);
  }

  /** The suites in document order (nested ones flattened), once the document has ended. */
  suites(): TestSuite[] {
    if (!this.root) throw this.fail('the document has no root element');
    const suites = this.slots.filter((suite): suite is TestSuite => suite !== undefined);
    if (this.root.kind === 'root' && this.root.cases.length > 0) {
      const name = attr(this.root.attrs, 'name') || this.source || '(unnamed suite)';
      suites.unshift({ name, cases: this.root.cases });
    }
    return suites;
  }

  private openRoot(name: string, attrs: string[]): Frame {
    if (name === 'testsuite') this.root = this.openSuite(attrs, undefined);
    else if (name === 'testsuites') this.root = { kind: 'root', attrs, cases: [] };
    else {
      throw this.fail(
        `the root element is <${name.slice(0, 60)}>, expected <testsuites> or <testsuite>`,
      );
    }
    return this.root;
  }

  private openSuite(attrs: string[], parent: SuiteFrame | undefined): SuiteFrame {
    const depth = parent ? parent.depth + 1 : 0;
    if (depth >= MAX_SUITE_DEPTH) throw this.fail(`suites nested deeper than ${MAX_SUITE_DEPTH}`);
    if (parent) parent.nested += 1;
    const ownName = attr(attrs, 'name')?.trim();
    const path = parent?.path ?? [];
    this.slots.push(undefined);
    return {
      kind: 'suite',
      attrs,
      path: ownName ? [...path, ownName] : path,
      depth,
      slot: this.slots.length - 1,
      cases: [],
      properties: [],
      nested: 0,
    };
  }

  private closeSuite(frame: SuiteFrame): void {
    // A suite that only wraps other suites adds nothing but an empty entry.
    if (frame.cases.length === 0 && frame.nested > 0) return;
    const suite: TestSuite = {
      name: frame.path.join(SUITE_PATH_SEPARATOR) || this.source || '(unnamed suite)',
      cases: frame.cases,
    };
    assignDefined(suite, 'durationSeconds', parseJunitTime(attr(frame.attrs, 'time')));
    assignDefined(suite, 'timestamp', attr(frame.attrs, 'timestamp')?.trim() || undefined);
    assignDefined(suite, 'properties', readProperties(frame.properties));
    this.slots[frame.slot] = suite;
  }
}

function readCase(node: XmlElement, shared: SharedText): TestCase {
  // Most cases of a large report passed and have no children: nothing else to look for.
  if (node.children.length === 0) return readPlainCase(node.attrs, shared);
  const failure = firstChild(node, 'failure');
  const error = firstChild(node, 'error');
  const skipped = firstChild(node, 'skipped');
  let status: CaseStatus = 'passed';
  let outcome: XmlElement | undefined;
  if (failure) [status, outcome] = ['failed', failure];
  else if (error) [status, outcome] = ['error', error];
  else if (skipped) [status, outcome] = ['skipped', skipped];

  const testCase: TestCase = {
    name: attr(node.attrs, 'name')?.trim() || '(unnamed test)',
    status,
  };
  assignDefined(testCase, 'classname', classnameOf(node.attrs, shared));
  assignDefined(testCase, 'durationSeconds', parseJunitTime(attr(node.attrs, 'time')));

  if (outcome) {
    const messageAttr = attr(outcome.attrs, 'message')?.trim();
    const body = outcome.text.trim();
    const message =
      messageAttr || firstLine(body) || attr(outcome.attrs, 'type')?.trim() || undefined;
    let details = body && body !== message ? body : undefined;
    // A bare <failure/> often has its story in the case's own output.
    if (!details && status !== 'skipped') {
      details = outputOf(node, 'system-err') || outputOf(node, 'system-out') || undefined;
    }
    assignDefined(testCase, 'message', message);
    assignDefined(testCase, 'details', details);
  }

  const properties = readProperties(node.children.filter((child) => child.name === 'properties'));
  const flakyByProperty = properties?.[FLAKY_PROPERTY] === 'true';
  if (properties) delete properties[FLAKY_PROPERTY];
  const reran = node.children.some((child) => RERUN_ELEMENTS.includes(child.name));
  if (status === 'passed' && (reran || flakyByProperty)) testCase.flaky = true;

  assignDefined(testCase, 'file', attr(node.attrs, 'file')?.trim() || undefined);
  const line = attr(node.attrs, 'line')?.trim();
  if (line && /^\d+$/.test(line) && Number(line) > 0) testCase.line = Number(line);
  if (properties && Object.keys(properties).length > 0) testCase.properties = properties;
  assignDefined(
    testCase,
    'output',
    outputOf(node, 'system-out').slice(0, MAX_CASE_OUTPUT) || undefined,
  );
  return testCase;
}

/** A `<testcase …/>` without children: a passed test, its attributes only. */
function readPlainCase(attrs: string[], shared: SharedText): TestCase {
  const testCase: TestCase = {
    name: attr(attrs, 'name')?.trim() || '(unnamed test)',
    status: 'passed',
  };
  assignDefined(testCase, 'classname', classnameOf(attrs, shared));
  assignDefined(testCase, 'durationSeconds', parseJunitTime(attr(attrs, 'time')));
  assignDefined(testCase, 'file', attr(attrs, 'file')?.trim() || undefined);
  const line = attr(attrs, 'line')?.trim();
  if (line && /^\d+$/.test(line) && Number(line) > 0) testCase.line = Number(line);
  return testCase;
}

/**
 * The last classname read: the cases of a suite nearly always share theirs, and one string
 * for all of them instead of one each is 100k fewer objects for V8 to carry through every
 * scavenge of a 100k-case parse.
 */
interface SharedText {
  classname?: string;
}

function classnameOf(attrs: string[], shared: SharedText): string | undefined {
  const classname = attr(attrs, 'classname')?.trim() || undefined;
  if (classname === undefined || classname !== shared.classname) shared.classname = classname;
  return shared.classname;
}

/** `<properties><property name value/>…` (value may also be the element text), merged. */
function readProperties(blocks: XmlElement[]): Record<string, string> | undefined {
  if (blocks.length === 0) return undefined;
  const properties: Record<string, string> = {};
  for (const block of blocks) {
    for (const property of block.children) {
      if (property.name !== 'property') continue;
      const name = attr(property.attrs, 'name')?.trim();
      if (!name) continue;
      // defineProperty: a property called __proto__ is data, not the object's prototype.
      Object.defineProperty(properties, name, {
        value: attr(property.attrs, 'value') ?? property.text.trim(),
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
  if (isPlainDecimal(raw)) return Number(raw);
  let value = raw.trim();
  if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(value)) value = value.replace(/,/g, '');
  else if (/^\d+,\d+$/.test(value)) value = value.replace(',', '.');
  if (!/^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(value)) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) ? seconds : undefined;
}

/** `12` or `0.123`: what nearly every writer puts, read without the regexes below. */
function isPlainDecimal(raw: string): boolean {
  const length = raw.length;
  if (length === 0 || length > 20) return false;
  let dot = -1;
  for (let index = 0; index < length; index += 1) {
    const code = raw.charCodeAt(index);
    if (code === 0x2e && dot < 0) dot = index;
    else if (code < 0x30 || code > 0x39) return false;
  }
  return dot !== 0 && dot !== length - 1;
}

function firstChild(node: XmlElement, name: string): XmlElement | undefined {
  return node.children.find((child) => child.name === name);
}

function outputOf(node: XmlElement, name: string): string {
  return node.children
    .filter((child) => child.name === name)
    .map((child) => child.text.trim())
    .filter(Boolean)
    .join('\n');
}

function firstLine(body: string): string {
  return body.split(/\r?\n|\r/, 1)[0].trim();
}

function attr(attrs: string[], name: string): string | undefined {
  for (let index = 0; index < attrs.length; index += 2) {
    if (attrs[index] === name) return attrs[index + 1];
  }
  return undefined;
}

function assignDefined<T extends object, K extends keyof T>(target: T, key: K, value: T[K]): void {
  if (value !== undefined) target[key] = value;
}
