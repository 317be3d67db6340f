// The byte budget the job summary is written into: blocks go in while they fit, and what
// was trimmed to stay inside is counted, so the summary can say so.

/** Appends blocks while they fit; counts UTF-8 bytes, not string length. */
export class Budget {
  private readonly parts: string[] = [];
  private used = 0;

  constructor(private readonly limit: number) {}

  get remaining(): number {
    return this.limit - this.used;
  }

  get spent(): number {
    return this.used;
  }

  fits(text: string): boolean {
    return this.used + Buffer.byteLength(text, 'utf8') <= this.limit;
  }

  tryAdd(text: string): boolean {
    const bytes = Buffer.byteLength(text, 'utf8');
    if (this.used + bytes > this.limit) return false;
    this.parts.push(text);
    this.used += bytes;
    return true;
  }

  /** For the few fixed-size blocks that always go in (the final clip still holds). */
  add(text: string): void {
    this.parts.push(text);
    this.used += Buffer.byteLength(text, 'utf8');
  }

  toString(): string {
    return this.parts.join('');
  }
}

/** What was trimmed to fit; the summary's closing note names it. */
export interface Trimmed {
  messagesShortened: number;
  messagesLeftOut: number;
  notesLeftOut: number;
}

/**
 * Last resort when even the fixed blocks don't fit a tiny limit: cut at a code point
 * boundary so the byte limit always holds.
 */
export function clipToBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end);
}
