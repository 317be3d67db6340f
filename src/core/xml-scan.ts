// A small, strict XML scanner for what JUnit files use: elements, attributes (either quote),
// text with the predefined and numeric entities, CDATA, comments, processing instructions.
// It replaces a general SAX parser on the hot path: a 100k-case report is 20 MB, and a
// scanner that jumps between markup characters with indexOf does in one pass what the
// parser did character by character, without an event object per token.
//
// What it refuses, as a conformant parser would: mismatched or unclosed elements, text or a
// second element outside the root, an undefined entity or a bare `&`, `]]>` in text, `<` in
// an attribute value, unquoted, repeated or unseparated attributes, `--` in a comment, a
// misplaced XML declaration, bad names. DTDs are not its business: the caller refuses any
// DOCTYPE or ENTITY declaration before scanning, so no entity is ever defined or expanded.
//
// Text it hands out is normalized as XML requires (line ends to LF; whitespace in attribute
// values to spaces) and holds no character XML forbids: a character reference to one (`&#27;`,
// what Testsigma writes for an ANSI escape) is dropped, as the raw characters were before.

export interface XmlScanHandler {
  /** `attrs` is a flat list: name, value, name, value … in document order. */
  open(name: string, attrs: string[], selfClosing: boolean): void;
  /** Character data (also CDATA), decoded. Only called while `wantsText` is true. */
  text(text: string): void;
  close(): void;
  /** Whether the element being read keeps its text: other text is checked, not decoded. */
  readonly wantsText: boolean;
}

export class XmlScanError extends Error {
  constructor(reason: string, xml: string, at: number) {
    const { line, column } = lineAndColumn(xml, at);
    super(`${line}:${column}: ${reason}`);
    this.name = 'XmlScanError';
  }
}

// Element and attribute names: the XML NameStartChar/NameChar ranges (BMP, plus a surrogate
// pair for the supplementary planes), as one regex per name.
const NAME =
  /^[:A-Z_a-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\uD800-\uDBFF][-.0-9:A-Z_a-z\u00B7\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u037D\u037F-\u1FFF\u200C-\u200D\u203F\u2040\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\uD800-\uDFFF]*$/;

const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const EQUALS = 0x3d;
const KNOWN_NAMES: (string[] | undefined)[] = [];
for (const name of [
  'testsuites',
  'testsuite',
  'testcase',
  'failure',
  'error',
  'skipped',
  'system-out',
  'system-err',
  'properties',
  'property',
  'name',
  'value',
  'classname',
  'time',
  'timestamp',
  'tests',
  'failures',
  'errors',
  'message',
  'type',
  'file',
  'line',
]) {
  (KNOWN_NAMES[name.length] ??= []).push(name);
}

// version, then optionally encoding and standalone, in this order (XML 1.0 §2.8, §4.3.3).
const XML_DECLARATION =
  /^\s+version\s*=\s*(["'])1\.[0-9]+\1(\s+encoding\s*=\s*(["'])[A-Za-z][A-Za-z0-9._-]*\3)?(\s+standalone\s*=\s*(["'])(yes|no)\5)?\s*$/;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0d;
}

/** Where the next `needle` is at or after `from` (xml.length when none): reused while ahead. */
class Cursor {
  private at = -1;

  constructor(
    private readonly xml: string,
    private readonly needle: string,
  ) {}

  next(from: number): number {
    if (this.at < from) {
      const found = this.xml.indexOf(this.needle, from);
      this.at = found < 0 ? this.xml.length : found;
    }
    return this.at;
  }
}

/**
 * Scans `xml` (BOM already removed) and reports its elements to `handler`; throws an
 * XmlScanError (with line:column) on anything that is not well-formed.
 */
export function scanXml(xml: string, handler: XmlScanHandler): void {
  new Scanner(xml, handler).run();
}

class Scanner {
  private readonly names: string[] = [];
  private readonly amp: Cursor;
  private readonly cr: Cursor;
  private readonly cdataEnd: Cursor;
  private rootSeen = false;

  constructor(
    private readonly xml: string,
    private readonly handler: XmlScanHandler,
  ) {
    this.amp = new Cursor(xml, '&');
    this.cr = new Cursor(xml, '\r');
    this.cdataEnd = new Cursor(xml, ']]>');
  }

  run(): void {
    const { xml } = this;
    const length = xml.length;
    let index = 0;
    while (index < length) {
      let lt = xml.indexOf('<', index);
      if (lt < 0) lt = length;
      if (lt > index) this.charData(index, lt);
      if (lt === length) break;
      const next = xml.charCodeAt(lt + 1);
      if (next === SLASH) index = this.endTag(lt);
      else if (next === BANG) index = this.markupDeclaration(lt);
      else if (next === QUESTION) index = this.processingInstruction(lt);
      else index = this.startTag(lt);
    }
    if (this.names.length > 0) {
      this.fail(`unclosed tag: <${this.names[this.names.length - 1]}>`, length);
    }
    if (!this.rootSeen) this.fail('document must contain a root element', length);
  }

  private fail(reason: string, at: number): never {
    throw new XmlScanError(reason, this.xml, at);
  }

  /** Text from `start` to `end`: whitespace only outside the root, decoded where kept. */
  private charData(start: number, end: number): void {
    const { xml } = this;
    if (this.names.length === 0) {
      for (let i = start; i < end; i += 1) {
        if (!isSpace(xml.charCodeAt(i))) this.fail('text data outside of root node', i);
      }
      return;
    }
    if (this.cdataEnd.next(start) < end) {
      this.fail('the string "]]>" is disallowed in char data', this.cdataEnd.next(start));
    }
    const amp = this.amp.next(start);
    if (amp < end) {
      const decoded = this.decode(start, end, amp, false);
      if (this.handler.wantsText) this.handler.text(decoded);
      return;
    }
    if (!this.handler.wantsText) return;
    const raw = xml.slice(start, end);
    this.handler.text(this.cr.next(start) < end ? normalizeLineEnds(raw) : raw);
  }

  /**
   * Entities and character references from `start` to `end` (the first `&` at `amp`), line
   * ends normalized; in an attribute value (`attribute`), whitespace becomes spaces.
   */
  private decode(start: number, end: number, amp: number, attribute: boolean): string {
    const { xml } = this;
    // Only literal line ends and whitespace are normalized; a reference (&#10;) stays as it is.
    const raw = attribute ? normalizeAttributeSpace : normalizeLineEnds;
    let out = '';
    let from = start;
    while (amp < end) {
      const semicolon = xml.indexOf(';', amp + 1);
      if (semicolon < 0 || semicolon >= end || semicolon - amp > 12) {
        this.fail('a "&" must start an entity ending in ";" (write &amp;)', amp);
      }
      out += raw(xml.slice(from, amp)) + this.entity(xml.slice(amp + 1, semicolon), amp);
      from = semicolon + 1;
      amp = this.amp.next(from);
    }
    return out + raw(xml.slice(from, end));
  }

  private entity(body: string, at: number): string {
    switch (body) {
      case 'amp':
        return '&';
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
    }
    const match = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(body);
    if (!match) this.fail(`undefined entity: &${body.slice(0, 20)};`, at);
    const codePoint = match[1] !== undefined ? parseInt(match[1], 16) : Number(match[2]);
    // A reference to a character XML forbids goes, like the raw character would.
    return isXmlChar(codePoint) ? String.fromCodePoint(codePoint) : '';
  }

  private startTag(lt: number): number {
    const { xml } = this;
    if (this.names.length === 0 && this.rootSeen) this.fail('more than one root element', lt);
    let index = lt + 1;
    const nameEnd = this.nameEnd(index);
    const name = this.name(index, nameEnd);
    index = nameEnd;
    const attrs: string[] = [];
    for (;;) {
      const before = index;
      while (isSpace(xml.charCodeAt(index))) index += 1;
      const code = xml.charCodeAt(index);
      if (code === GT || code === SLASH) {
        const selfClosing = code === SLASH;
        if (selfClosing && xml.charCodeAt(index + 1) !== GT) this.fail('expected "/>"', index);
        this.rootSeen = true;
        this.handler.open(name, attrs, selfClosing);
        if (selfClosing) {
          this.handler.close();
          return index + 2;
        }
        this.names.push(name);
        return index + 1;
      }
      if (index >= xml.length) this.fail(`unclosed tag: <${name}`, index);
      if (index === before) this.fail('attributes must be separated by whitespace', index);
      index = this.attribute(index, attrs);
    }
  }

  /** One `name = "value"` from `index`; returns the index after its closing quote. */
  private attribute(index: number, attrs: string[]): number {
    const { xml } = this;
    const nameEnd = this.nameEnd(index);
    const name = this.name(index, nameEnd);
    index = nameEnd;
    while (isSpace(xml.charCodeAt(index))) index += 1;
    if (xml.charCodeAt(index) !== EQUALS) this.fail(`attribute ${name} without a value`, index);
    index += 1;
    while (isSpace(xml.charCodeAt(index))) index += 1;
    const quote = xml.charCodeAt(index);
    if (quote !== DOUBLE_QUOTE && quote !== SINGLE_QUOTE) {
      this.fail(`the value of attribute ${name} must be quoted`, index);
    }
    const start = index + 1;
    const end = xml.indexOf(quote === DOUBLE_QUOTE ? '"' : "'", start);
    if (end < 0) this.fail(`unterminated value of attribute ${name}`, index);
    const lt = xml.indexOf('<', start);
    if (lt >= 0 && lt < end) this.fail('"<" is not allowed in an attribute value', lt);
    for (let i = 0; i < attrs.length; i += 2) {
      if (attrs[i] === name) this.fail(`duplicate attribute: ${name}`, index);
    }
    const amp = this.amp.next(start);
    let value: string;
    if (amp < end) value = this.decode(start, end, amp, true);
    else {
      value = normalizeAttributeSpace(xml.slice(start, end));
    }
    attrs.push(name, value);
    return end + 1;
  }

  /** End of a name starting at `index`: the first space, `/`, `>`, `=` or end. */
  private nameEnd(index: number): number {
    const { xml } = this;
    const length = xml.length;
    while (index < length) {
      const code = xml.charCodeAt(index);
      if (code === GT || code === SLASH || code === EQUALS || isSpace(code)) break;
      index += 1;
    }
    return index;
  }

  private name(start: number, end: number): string {
    // The names every JUnit file repeats thousands of times: no new string, no regex.
    const known = KNOWN_NAMES[end - start];
    if (known !== undefined) {
      for (const candidate of known) if (this.xml.startsWith(candidate, start)) return candidate;
    }
    const name = this.xml.slice(start, end);
    if (!NAME.test(name)) {
      this.fail(name === '' ? 'expected a name' : `invalid name: ${name.slice(0, 60)}`, start);
    }
    return name;
  }

  private endTag(lt: number): number {
    const { xml } = this;
    const start = lt + 2;
    const nameEnd = this.nameEnd(start);
    const name = xml.slice(start, nameEnd);
    let index = nameEnd;
    while (isSpace(xml.charCodeAt(index))) index += 1;
    if (xml.charCodeAt(index) !== GT) this.fail(`malformed end tag </${name.slice(0, 60)}`, lt);
    const open = this.names.pop();
    if (open === undefined) this.fail(`unmatched closing tag: ${name.slice(0, 60)}`, lt);
    if (open !== name) this.fail(`unexpected close tag </${name.slice(0, 60)}> in <${open}>`, lt);
    this.handler.close();
    return index + 1;
  }

  /** `<!--…-->`, `<![CDATA[…]]>`; anything else starting `<!` is not for a JUnit file. */
  private markupDeclaration(lt: number): number {
    const { xml } = this;
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('--', lt + 4);
      if (end < 0) this.fail('unclosed comment', lt);
      if (xml.charCodeAt(end + 2) !== GT) this.fail('double dash in comment', end);
      return end + 3;
    }
    if (xml.startsWith('<![CDATA[', lt)) {
      if (this.names.length === 0) this.fail('text data outside of root node', lt);
      const start = lt + 9;
      const end = this.cdataEnd.next(start);
      if (end >= xml.length) this.fail('unclosed CDATA section', lt);
      if (this.handler.wantsText) {
        const raw = xml.slice(start, end);
        this.handler.text(this.cr.next(start) < end ? normalizeLineEnds(raw) : raw);
      }
      return end + 3;
    }
    return this.fail('unexpected markup declaration (only comments and CDATA)', lt);
  }

  /** `<?target …?>`; the XML declaration only at the very start. */
  private processingInstruction(lt: number): number {
    const { xml } = this;
    const end = xml.indexOf('?>', lt + 2);
    if (end < 0) this.fail('unclosed processing instruction', lt);
    let nameEnd = lt + 2;
    while (
      nameEnd < end &&
      !isSpace(xml.charCodeAt(nameEnd)) &&
      xml.charCodeAt(nameEnd) !== QUESTION
    ) {
      nameEnd += 1;
    }
    const target = this.name(lt + 2, nameEnd);
    if (target.toLowerCase() === 'xml') {
      if (target !== 'xml' || lt !== 0) {
        this.fail('the XML declaration must appear at the start of the document', lt);
      }
      if (!XML_DECLARATION.test(xml.slice(nameEnd, end))) {
        this.fail('malformed XML declaration', lt);
      }
    }
    return end + 2;
  }
}

function normalizeLineEnds(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

/** Attribute-value normalization: each literal line end, tab or newline becomes a space. */
function normalizeAttributeSpace(text: string): string {
  return /[\t\n\r]/.test(text) ? text.replace(/\r\n|[\t\n\r]/g, ' ') : text;
}

/** XML 1.0's Char production. */
function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

function lineAndColumn(xml: string, at: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (
    let index = xml.indexOf('\n');
    index >= 0 && index < at;
    index = xml.indexOf('\n', index + 1)
  ) {
    line += 1;
    lineStart = index + 1;
  }
  return { line, column: at - lineStart + 1 };
}
