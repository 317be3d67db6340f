// The scanner against a conformant XML parser (saxes, the parser it replaced) as the oracle:
// the same elements, attributes and text for well-formed input, an error for malformed
// input, on hand-written cases and on many deterministic mutations of them.
import { SaxesParser } from 'saxes';
import { scanXml, XmlScanError, type XmlScanHandler } from '../../src/core/xml-scan.js';

type Event = string;

function byScanner(xml: string): Event[] | 'error' {
  const events: Event[] = [];
  let text = '';
  let depth = 0;
  const flush = (): void => {
    if (text !== '') events.push(`text ${JSON.stringify(text)}`);
    text = '';
  };
  const handler: XmlScanHandler = {
    wantsText: true,
    open(name, attrs) {
      flush();
      depth += 1;
      events.push(`open ${name} ${JSON.stringify(attrs)}`);
    },
    text(value) {
      if (depth > 0) text += value;
    },
    close() {
      flush();
      depth -= 1;
      events.push('close');
    },
  };
  try {
    scanXml(xml, handler);
  } catch (error) {
    if (error instanceof XmlScanError) return 'error';
    throw error;
  }
  return events;
}

// What the reader did before the scanner: character references to characters XML forbids
// (`&#27;`) removed outside CDATA, then saxes. The scanner drops them as it decodes.
function withoutForbiddenReferences(xml: string): string {
  const parts = xml.split(/(<!\[CDATA\[[\s\S]*?\]\]>)/);
  return parts
    .map((part, index) =>
      index % 2 === 1
        ? part
        : part.replace(/&#(?:x([0-9a-fA-F]{1,8})|([0-9]{1,10}));/g, (match, hex, decimal) => {
            const code = hex !== undefined ? parseInt(hex, 16) : Number(decimal);
            const allowed =
              code === 9 ||
              code === 10 ||
              code === 13 ||
              (code >= 0x20 && code <= 0xd7ff) ||
              (code >= 0xe000 && code <= 0xfffd) ||
              (code >= 0x10000 && code <= 0x10ffff);
            return allowed ? match : '';
          }),
    )
    .join('');
}

function bySaxes(input: string): Event[] | 'error' {
  const xml = withoutForbiddenReferences(input);
  const events: Event[] = [];
  let text = '';
  let depth = 0;
  const flush = (): void => {
    if (text !== '') events.push(`text ${JSON.stringify(text)}`);
    text = '';
  };
  const parser = new SaxesParser();
  parser.on('opentag', (tag) => {
    flush();
    depth += 1;
    const attrs = Object.entries(tag.attributes as Record<string, string>).flat();
    events.push(`open ${tag.name} ${JSON.stringify(attrs)}`);
  });
  const onText = (value: string): void => {
    if (depth > 0) text += value;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    flush();
    depth -= 1;
    events.push('close');
  });
  try {
    parser.write(xml).close();
  } catch {
    return 'error';
  }
  return events;
}

const WELL_FORMED = [
  '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites><testsuite name="s" tests="1"><testcase name="a &amp; b" classname=\'c "q"\' time="0.1"/></testsuite></testsuites>\n',
  '<testsuite name="s">\r\n  <testcase name="t">\r\n    <failure message="line1&#10;line2\ttab">trace\r\nline\rend &lt;x&gt; &quot;&apos; &#x1F600; &#233;</failure>\n  </testcase>\n</testsuite>',
  '<!-- head --><?pi some data?><a><![CDATA[<b>not a tag</b> & ]]]]><![CDATA[> ok]]><!-- in --><b x = "1"  y=\'2\' /></a><!-- tail -->\n',
  '<a>text<b>inner</b>tail &#65;&#x42; done</a>',
  '<a  b="with\nnewline\r\nand\rcr" c="&lt;&#9;&gt;"></a >',
  '<ns:a xmlns:ns="urn:x" ns:b="1"><ns:c/></ns:a>',
  '<résumé naïve="ü">✔ ümlauts</résumé>',
  '<a></a>',
  '<a/>',
  '<a>bell &#7; and escape &#x1b;[31m, kept &#x9;</a>',
  '<a><?xml-stylesheet href="x"?></a>',
  '  \n<a/>\n  ',
];

const MALFORMED = [
  '<a><b></a></b>',
  '<a>',
  '<a/><b/>',
  'text<a/>',
  '<a/>text',
  '<a>&unknown;</a>',
  '<a>R&D</a>',
  '<a>x ]]> y</a>',
  '<a b=1/>',
  '<a b="1" b="2"/>',
  '<a b="1"c="2"/>',
  '<a b="x<y"/>',
  '<a b/>',
  '<!-- a -- b --><a/>',
  '<a><!-- unclosed </a>',
  '<a><![CDATA[ unclosed </a>',
  ' <?xml version="1.0"?><a/>',
  '<a/><?xml version="1.0"?>',
  '<?xml encoding="UTF-8"?><a/>',
  '<1a/>',
  '<a></ b>',
  '<a>&#xZZ;</a>',
  '<a>&#;</a>',
  '<a></a',
  '<a b="1"',
  '<a/ >',
  '<![CDATA[x]]><a/>',
  '',
  '<!ELEMENT a ANY><a/>',
];

// A tiny deterministic generator (mulberry32), so a failure names a reproducible case.
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  '<',
  '>',
  '/',
  '"',
  "'",
  '=',
  '&',
  ';',
  '&amp;',
  '&#10;',
  ']]>',
  '<!--',
  '-->',
  '<![CDATA[',
  '?>',
  ' ',
  '\r\n',
  'x',
  '</a>',
  '<b/>',
];

function mutations(count: number): string[] {
  const next = random(13);
  const cases: string[] = [];
  for (let index = 0; index < count; index += 1) {
    let base = WELL_FORMED[index % WELL_FORMED.length];
    for (let k = 0; k < 1 + Math.floor(next() * 3); k += 1) {
      const at = Math.floor(next() * (base.length + 1));
      const cut = Math.floor(next() * 3);
      const piece = PIECES[Math.floor(next() * PIECES.length)];
      base = base.slice(0, at) + (next() < 0.7 ? piece : '') + base.slice(at + cut);
    }
    cases.push(base);
  }
  return cases;
}

describe('scanXml against a conformant parser', () => {
  test.each(WELL_FORMED)('well-formed: %j', (xml) => {
    const events = byScanner(xml);
    expect(events).not.toBe('error');
    expect(events).toEqual(bySaxes(xml));
  });

  test.each(MALFORMED)('malformed: %j', (xml) => {
    expect(bySaxes(xml)).toBe('error');
    expect(byScanner(xml)).toBe('error');
  });

  test('5,000 mutations: the same events, or both refuse', () => {
    const differing = mutations(5000).filter(
      (xml) =>
        withoutForbiddenReferences(xml) === xml &&
        JSON.stringify(byScanner(xml)) !== JSON.stringify(bySaxes(xml)),
    );
    expect(differing.map((xml) => [xml, byScanner(xml), bySaxes(xml)])).toEqual([]);
  });

  test('an error names the line and column', () => {
    expect(() => scanXml('<a>\n  <b></c>\n</a>', { ...silent })).toThrow(
      /^2:6: unexpected close tag/,
    );
  });
});

const silent: XmlScanHandler = { wantsText: false, open() {}, text() {}, close() {} };
