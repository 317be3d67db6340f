// Everything a vendor returns (test names, messages, stack traces, titles) is untrusted.
// These helpers make such text safe for the three places it ends up: CI logs (where a
// line can become a command), markdown (where it can become HTML, links or mentions)
// and XML (where some characters are simply not allowed).

/** Invisible, and not whitespace to .NET or JS, so it breaks a command marker without trimming away. */
const ZWSP = '\u200B';

// CSI (colours, cursor moves) and OSC (titles, hyperlinks) escape sequences. Removing the
// whole sequence keeps "[31mFAIL" debris out of messages once the ESC itself is gone.
const ANSI_SEQUENCE =
  // eslint-disable-next-line no-control-regex
  /\u001B(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001B]*(?:\u0007|\u001B\\)|[@-Z\\-_])/g;

// Characters XML 1.0 forbids (C0 controls except TAB/LF/CR, lone surrogates, U+FFFE/U+FFFF).
// With the u flag a lone surrogate is one code point outside the allowed ranges.
const INVALID_XML_CHARS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Removes ANSI escape sequences (terminal colours etc.). */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_SEQUENCE, '');
}

/** Removes characters that are invalid in XML 1.0; TAB, LF and CR stay. */
export function stripInvalidXmlChars(text: string): string {
  return text.replace(INVALID_XML_CHARS, '');
}

// Every ANSI sequence starts with ESC, and every XML-invalid character is a C0 control, a
// surrogate (only a lone one is invalid) or U+FFFE/U+FFFF: text without any of these is clean
// as it is. Most text is, and this test costs far less than the two replacements.
// eslint-disable-next-line no-control-regex
const MAY_NEED_CLEANING = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

/** Whether cleanText could change the text (false: it is clean as it is). */
export function mayNeedCleaning(text: string): boolean {
  return MAY_NEED_CLEANING.test(text);
}

/** ANSI sequences and XML-invalid control characters out, so text is printable and serializable. */
export function cleanText(text: string): string {
  return mayNeedCleaning(text) ? stripInvalidXmlChars(stripAnsi(text)) : text;
}

/**
 * Makes text safe to print to a CI log: no line can start a GitHub workflow command
 * (`::name::`, after optional whitespace; also the legacy `##[name]` form) or an Azure
 * DevOps logging/formatting command (`##vso[` anywhere in a line, `##[section]` etc.).
 * A zero-width space is inserted, so the text stays readable. CR counts as a line
 * break too: some log readers split on it.
 */
export function neutralizeLogText(text: string): string {
  // Both patterns need a doubled character: text without one (most of it) is safe as it is.
  if (!text.includes('##') && !text.includes('::')) return text;
  return text
    .split(/(\r\n|\r|\n)/)
    .map((part, index) => (index % 2 === 1 ? part : neutralizeLogLine(part)))
    .join('');
}

function neutralizeLogLine(line: string): string {
  return line.replace(/##(?=\[|vso\[)/gi, `##${ZWSP}`).replace(/^(\s*):(?=:)/, `$1:${ZWSP}`);
}

// Characters with a meaning in GitHub-flavoured markdown or HTML. Numeric entities work
// both in markdown paragraphs and inside HTML blocks (<summary>), where backslash escapes
// would show literally; `|` as an entity also can't split a table cell.
const MARKDOWN_SPECIAL = '&<>"\\`*_[]()!|~$';
const NAMED_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

// Anything escapeMarkdown or neutralizeLogText would change in one flattened line: a special
// character, a block marker or ordered-list number at the start, an @, a URL scheme or www.,
// a log command marker (## anywhere, :: at the start).
const MARKDOWN_NEEDS_WORK = /[&<>"\\`*_[\]()!|~$@]|^[#+\-=]|^\d+\.|:\/\/|www\.|##|^\s*::/i;

// MARKDOWN_SPECIAL by code unit, for the loop below.
const IS_SPECIAL = new Uint8Array(128);
for (const char of MARKDOWN_SPECIAL) IS_SPECIAL[char.charCodeAt(0)] = 1;

/** Each MARKDOWN_SPECIAL character as its entity, in one loop with slices (no regex callback). */
function escapeSpecials(text: string): string {
  let out = '';
  let from = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code >= 128 || IS_SPECIAL[code] === 0) continue;
    out += text.slice(from, index) + entity(text[index]);
    from = index + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

function entity(char: string): string {
  return NAMED_ENTITIES[char] ?? `&#${char.codePointAt(0)};`;
}

/**
 * Escapes untrusted text for inline markdown (and HTML text inside `<summary>` etc.).
 * The result is one line: no tags (`<script>`, `<img onerror>`), no emphasis, code spans,
 * links or images, no autolinked URLs, no @mentions (a zero-width space follows the @),
 * no math, no block markers at the start. `#123` issue references are left alone.
 */
export function escapeMarkdown(text: string): string {
  const flat = cleanText(text).replace(/\s+/g, ' ').trim();
  // Most names and messages hold none of what the replacements below look for.
  if (!MARKDOWN_NEEDS_WORK.test(flat)) return flat;
  let escaped = escapeSpecials(flat)
    // A line starting with these would become a heading, quote, list or setext underline.
    .replace(/^[#+\-=]/, entity)
    .replace(/^(\d+)\./, '$1&#46;');
  // The rest only where their marker is there at all (each a pass over the text otherwise).
  if (escaped.includes('@')) escaped = escaped.replace(/@(?=[\p{L}\p{N}])/gu, `@${ZWSP}`);
  if (escaped.includes('://')) escaped = escaped.replace(/:\/\//g, `:${ZWSP}//`);
  if (/www\./i.test(escaped)) {
    escaped = escaped.replace(/\bwww\./gi, (match) => `${match.slice(0, 3)}${ZWSP}.`);
  }
  return neutralizeLogText(escaped);
}

/** One table cell: escaped, one line, pipes can't split it; optionally shortened first. */
export function markdownTableCell(text: string, maxChars?: number): string {
  const shortened = maxChars === undefined ? text : oneLine(text, maxChars);
  return escapeMarkdown(shortened);
}

/**
 * A fenced code block whose fence is longer than any backtick run inside, so the text
 * can't close it. Lines are neutralized for CI logs too, since summaries get printed.
 * With `maxChars`, only a window of the text is cleaned (a 10 MB trace isn't scanned in
 * full) and the cut is marked; `omittedChars` counts text the caller already left out.
 */
export function markdownCodeBlock(
  text: string,
  maxChars?: number,
  options: { omittedChars?: number } = {},
): string {
  const window = maxChars === undefined ? text : text.slice(0, maxChars * 2 + 1024);
  let body = cleanText(window).replace(/\r\n?/g, '\n').replace(/\n+$/, '');
  if (maxChars !== undefined) {
    body = shorten(body, maxChars, text.length - window.length + (options.omittedChars ?? 0));
  }
  body = neutralizeLogText(body);
  let longestRun = 0;
  for (const run of body.match(/`+/g) ?? []) longestRun = Math.max(longestRun, run.length);
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}\n${body}\n${fence}`;
}

/**
 * Shortens text to at most `maxChars` UTF-16 units. Limits of 40 and more get a marker
 * saying how much was cut (`… [1,234 more characters]`), shorter ones a bare `…`.
 * Never splits a surrogate pair.
 */
export function truncate(text: string, maxChars: number): string {
  return shorten(text, maxChars, 0);
}

/** `hidden`: characters already cut off before `text` (they count in the marker). */
function shorten(text: string, maxChars: number, hidden: number): string {
  const max = Math.max(0, Math.floor(maxChars));
  if (text.length <= max && hidden === 0) return text;
  if (max === 0) return '';
  let marker = '…';
  let keep = Math.min(text.length, max - marker.length);
  if (max >= 40) {
    // The marker's length depends on the number it shows; two passes settle it.
    for (let pass = 0; pass < 2; pass += 1) {
      marker = ` [${formatCount(text.length - keep + hidden)} more characters]`;
      marker = `…${marker}`;
      keep = Math.min(text.length, max - marker.length);
    }
  }
  return cutAt(text, keep) + marker;
}

/**
 * Whitespace and line breaks collapsed, control characters out, shortened with `…`
 * (annotation titles, table cells). Only the start of a huge text is looked at.
 */
export function oneLine(text: string, maxChars: number): string {
  const max = Math.max(0, Math.floor(maxChars));
  const window = text.slice(0, max * 4 + 1024);
  const flat = cleanText(window).replace(/\s+/g, ' ').trim();
  if (flat.length <= max && window.length === text.length) return flat;
  if (max === 0) return '';
  return `${cutAt(flat, Math.min(flat.length, max - 1)).trimEnd()}…`;
}

/** The first `length` UTF-16 units, one fewer if that would split a surrogate pair. */
function cutAt(text: string, length: number): string {
  let keep = Math.max(0, length);
  const code = text.charCodeAt(keep - 1);
  if (keep > 0 && keep < text.length && code >= 0xd800 && code <= 0xdbff) keep -= 1;
  return text.slice(0, keep);
}

/** 12345 → "12,345" without depending on the runtime's ICU data. */
export function formatCount(value: number): string {
  return String(Math.trunc(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Only http(s), with the characters that could end a markdown link destination encoded. */
export function markdownLinkUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const href = url.href.replace(
    /[()[\]<>"`|\\\s]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
  return href.length <= 2000 ? href : undefined;
}
