import {
  escapeMarkdown,
  markdownCodeBlock,
  markdownTableCell,
  neutralizeLogText,
  oneLine,
  truncate,
} from '../../src/core/untrusted-text.js';

const ZWSP = '\u200B';

// How the runners read a line: GitHub takes `::cmd::` after leading whitespace (and the
// legacy `##[cmd]` anywhere); Azure takes `##vso[` anywhere and `##[` formatting commands.
const lines = (text: string): string[] => text.split(/\r\n|\r|\n/);
const isGithubCommand = (line: string): boolean => /^\s*::/.test(line) || line.includes('##[');
const isAzureCommand = (line: string): boolean => /##vso\[/i.test(line) || line.includes('##[');

describe('neutralizeLogText', () => {
  const hostile = [
    '::error::pwned',
    '::add-mask::secret',
    '  \t::set-output name=x::y',
    '\u00A0\u2003::warning file=a.ts,line=1::spoofed',
    'ok\n::stop-commands::token',
    'ok\r::error::after a bare CR',
    'ok\r\n::group::after CRLF',
    '##vso[task.setvariable variable=secret]leak',
    'text before ##vso[task.complete result=Succeeded;]done',
    'MIXED ##VsO[task.logissue type=error]x',
    '##[error]formatted',
    '##[section]Starting',
    'GitHub legacy ##[set-env name=PATH;]/tmp',
  ];

  test.each(hostile)('%j can no longer be a command', (text) => {
    const safe = neutralizeLogText(text);
    for (const line of lines(safe)) {
      expect(isGithubCommand(line)).toBe(false);
      expect(isAzureCommand(line)).toBe(false);
    }
    // Readable: only zero-width spaces were added, line breaks kept as they were.
    expect(safe.replaceAll(ZWSP, '')).toBe(text);
  });

  test('harmless text is unchanged', () => {
    const text = 'std::vector<int> a::b\n# heading ## not a command\nC:\\path';
    expect(neutralizeLogText(text)).toBe(text);
  });
});

describe('escapeMarkdown', () => {
  test('HTML tags cannot render', () => {
    const out = escapeMarkdown('<script>alert(1)</script><img src=x onerror=alert(1)>');
    expect(out).not.toMatch(/<\s*(script|img)/i);
    expect(out).toContain('&lt;img src=x onerror=alert&#40;1&#41;&gt;');
  });

  test('links, images, emphasis, code spans, math and mentions are neutralized', () => {
    const out = escapeMarkdown(
      '[click](javascript:alert(1)) ![pic](https://e.example/x.png) **bold** _it_ `code` ~~s~~ $x$ @octocat',
    );
    expect(out).not.toMatch(/[[\]()*_`~$]/);
    expect(out).toContain(`@${ZWSP}octocat`);
    // No bare URL left for the autolinker.
    expect(out).not.toContain('://');
  });

  test('issue references stay; the result is one line; block markers at the start are escaped', () => {
    expect(escapeMarkdown('fixes #123')).toBe('fixes #123');
    expect(escapeMarkdown('a\nb\r\nc')).toBe('a b c');
    expect(escapeMarkdown('# Title')).toBe('&#35; Title');
    expect(escapeMarkdown('- item')).toBe('&#45; item');
    expect(escapeMarkdown('> quote')).toBe('&gt; quote');
    expect(escapeMarkdown('1. first')).toBe('1&#46; first');
  });

  test('a workflow command at the start is neutralized too (summaries get printed)', () => {
    const out = escapeMarkdown('::error::pwned');
    expect(isGithubCommand(out)).toBe(false);
    expect(escapeMarkdown('##vso[task.complete]')).not.toMatch(/##vso\[/i);
  });

  // The escaping as one chain of replacements, without the shortcuts escapeMarkdown takes
  // (a test for "nothing to do", a loop instead of a replace callback): both must agree.
  const byReplacements = (text: string): string => {
    const entityOf = (char: string): string =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[char] ?? `&#${char.codePointAt(0)};`;
    const flat = text
      // eslint-disable-next-line no-control-regex
      .replace(/\u001B(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001B]*(?:\u0007|\u001B\\)|[@-Z\\-_])/g, '')
      .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
      .replace(/\s+/g, ' ')
      .trim();
    return neutralizeLogText(
      flat
        .replace(/[&<>"\\`*_[\]()!|~$]/g, entityOf)
        .replace(/^[#+\-=]/, entityOf)
        .replace(/^(\d+)\./, '$1&#46;')
        .replace(/@(?=[\p{L}\p{N}])/gu, `@${ZWSP}`)
        .replace(/:\/\//g, `:${ZWSP}//`)
        .replace(/\bwww\./gi, (match) => `${match.slice(0, 3)}${ZWSP}.`),
    );
  };

  test('agrees with the plain chain of replacements on every ASCII character and mixes', () => {
    const ascii = Array.from({ length: 128 }, (_, code) => String.fromCharCode(code));
    const samples = [
      ...ascii.flatMap((char) => [char, `a${char}b`, `${char}${char}x`, `1${char} y`]),
      'places order 12 & pays',
      'expected 200 but was 500 (order 7)',
      'Über-test: ümlauts [x] ~ok~ $5 *bold* _it_ `code` | pipe',
      '3. third @user see https://x.example www.Example.com ##vso[x] ::warning::',
      'plain name without anything special',
    ];
    for (const sample of samples)
      expect([sample, escapeMarkdown(sample)]).toEqual([sample, byReplacements(sample)]);
  });
});

describe('markdownTableCell', () => {
  test('pipes and line breaks cannot break the table', () => {
    const cell = markdownTableCell('a | b\nc\\|d');
    expect(cell).not.toContain('|');
    expect(cell).not.toMatch(/[\r\n]/);
    expect(cell).toBe('a &#124; b c&#92;&#124;d');
  });

  test('optionally shortened first', () => {
    expect(markdownTableCell('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});

describe('markdownCodeBlock', () => {
  test('the fence is longer than any backtick run inside', () => {
    const block = markdownCodeBlock('a ``` b\n````\nc');
    const fence = block.split('\n')[0];
    expect(fence).toBe('`````');
    expect(block.endsWith(`\n${fence}`)).toBe(true);
    // Nothing inside closes it: no inner line is a backtick run as long as the fence.
    const inner = block.split('\n').slice(1, -1);
    expect(inner.some((line) => line.trim().startsWith(fence))).toBe(false);
  });

  test('plain text gets a three-backtick fence; control characters and commands are defused', () => {
    const block = markdownCodeBlock('\u001b[31mred\u001b[0m\n::error::x\r\n##vso[task.complete]');
    expect(block.startsWith('```\nred\n')).toBe(true);
    for (const line of lines(block)) {
      expect(isGithubCommand(line)).toBe(false);
      expect(isAzureCommand(line)).toBe(false);
    }
  });

  test('maxChars shortens, counting what was cut from a huge text', () => {
    const huge = 'x'.repeat(10 * 1024 * 1024);
    const started = Date.now();
    const block = markdownCodeBlock(huge, 200);
    expect(Date.now() - started).toBeLessThan(500);
    const body = block.split('\n')[1];
    expect(body.length).toBeLessThanOrEqual(200);
    const shown = body.indexOf('…');
    expect(body).toContain(`… [${(huge.length - shown).toLocaleString('en-US')} more characters]`);
  });
});

describe('truncate and oneLine', () => {
  test('truncate keeps short text, marks cuts, never exceeds the limit', () => {
    expect(truncate('short', 10)).toBe('short');
    expect(truncate('abcdefghij', 5)).toBe('abcd…');
    const long = truncate('y'.repeat(5000), 100);
    expect(long.length).toBeLessThanOrEqual(100);
    expect(long).toMatch(/^y+… \[4,9\d\d more characters\]$/);
    expect(truncate('abc', 0)).toBe('');
  });

  test('truncate does not split a surrogate pair', () => {
    const out = truncate('😀'.repeat(10), 6);
    expect(out).toBe('😀😀…');
    expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  test('oneLine collapses whitespace and control characters, ends with … when cut', () => {
    expect(oneLine('  a\n\n b\t\u0007c  ', 50)).toBe('a b c');
    expect(oneLine('word '.repeat(100), 12)).toBe('word word w…');
    expect(oneLine('word '.repeat(100), 11)).toBe('word word…');
    expect(oneLine('abc', 3)).toBe('abc');
    const started = Date.now();
    expect(oneLine('z'.repeat(10 * 1024 * 1024), 20)).toHaveLength(20);
    expect(Date.now() - started).toBeLessThan(500);
  });
});
