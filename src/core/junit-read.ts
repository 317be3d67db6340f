// Reads JUnit XML (Surefire, pytest, PHPUnit, Testsigma, …) into the neutral model: the
// checks a document must pass first (no DTD, really XML), then one pass of a strict scanner
// (xml-scan.ts) through junit-tree.ts, which keeps only what the model needs.
// Counts come from the <testcase> elements only: suite attributes lie (Testsigma writes
// the same number into failures and errors) and nested suites would count twice.
import { JunitTreeBuilder } from './junit-tree.js';
import type { TestSuite } from './result.js';
import { mayNeedCleaning, oneLine, stripAnsi, stripInvalidXmlChars } from './untrusted-text.js';
import { scanXml, XmlScanError } from './xml-scan.js';

export class JunitParseError extends Error {
  readonly source: string;

  constructor(source: string, reason: string) {
    super(`Cannot read JUnit XML from ${source}: ${reason}`);
    this.name = 'JunitParseError';
    this.source = source;
  }
}

export { FLAKY_PROPERTY, parseJunitTime, SUITE_PATH_SEPARATOR } from './junit-tree.js';

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

  const builder = new JunitTreeBuilder(source, (reason) => new JunitParseError(label, reason));
  try {
    scanXml(cleaned, builder);
  } catch (error) {
    if (!(error instanceof XmlScanError)) throw error;
    throw new JunitParseError(label, `malformed XML: ${oneLine(error.message, 300)}`);
  }
  return builder.suites();
}

/**
 * BOM off; ANSI sequences and characters invalid in XML 1.0 out, so one control character
 * in a failure message (Testsigma sends them) doesn't cost the whole report. Character
 * references to such characters (`&#27;`) the scanner drops as it decodes them.
 */
function sanitizeXml(xml: string): string {
  const raw = xml.charCodeAt(0) === 0xfeff ? xml.replace(/^\uFEFF+/, '') : xml;
  return mayNeedCleaning(raw) ? stripInvalidXmlChars(stripAnsi(raw)) : raw;
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
