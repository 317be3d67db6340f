// Typed access to raw inputs for the settings reader: defaults from the input list,
// and every problem collected with the input's name, so a user fixes all of them at once.

import * as fs from 'node:fs';
import { parseDuration } from './duration.js';
import type { InputSpec } from './inputs.js';

/** Returns the raw text of an input, or '' when unset. */
export type InputReader = (name: string) => string;

export class InputError extends Error {
  constructor(
    readonly input: string,
    message: string,
  ) {
    super(message);
    this.name = 'InputError';
  }
}

export class SettingsError extends Error {
  constructor(readonly problems: InputError[]) {
    super(problems.map((p) => p.message).join('\n'));
    this.name = 'SettingsError';
  }
}

export class Inputs {
  readonly problems: InputError[] = [];
  private readonly specs: ReadonlyMap<string, InputSpec>;

  /** `table` is the whole input table: it knows every input's default. */
  constructor(
    private readonly read: InputReader,
    table: readonly InputSpec[],
  ) {
    this.specs = new Map(table.map((spec) => [spec.name, spec]));
  }

  problem(input: string, message: string): void {
    this.problems.push(new InputError(input, `${input}: ${message}`));
  }

  /** Trimmed text, or the input's default when empty. */
  text(name: string): string {
    const value = (this.read(name) ?? '').trim();
    if (value !== '') return value;
    const spec = this.specs.get(name);
    if (!spec) throw new Error(`internal: unknown input ${name}`);
    return spec.default;
  }

  optional(name: string): string | undefined {
    return this.text(name) || undefined;
  }

  /**
   * A path to a file that must be readable now (a CA bundle, …), checked before any request;
   * `looksRight` tells the content is of the kind expected, e.g. a PEM certificate.
   */
  readableFile(
    name: string,
    expected: string,
    looksRight?: (content: string) => boolean,
  ): string | undefined {
    const file = this.optional(name);
    if (file === undefined) return undefined;
    let content: string;
    try {
      content = fs.readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOENT'
          ? 'no such file'
          : code === 'EACCES' || code === 'EPERM'
            ? 'permission denied'
            : code === 'EISDIR'
              ? 'it is a folder'
              : (error as Error).message;
      this.problem(name, `cannot read "${file}" (${why}); expected ${expected}`);
      return undefined;
    }
    if (looksRight && !looksRight(content)) {
      this.problem(name, `"${file}" is not ${expected}`);
      return undefined;
    }
    return file;
  }

  bool(name: string): boolean {
    const value = this.text(name).toLowerCase();
    if (['true', 'yes', '1', 'on'].includes(value)) return true;
    if (['false', 'no', '0', 'off'].includes(value)) return false;
    this.problem(name, `expected true or false, got "${value}"`);
    return false;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const value = this.text(name);
    if (value === '') return undefined;
    const match = allowed.find((a) => a === value.toLowerCase());
    if (!match) this.problem(name, `expected one of ${allowed.join(', ')}, got "${value}"`);
    return match;
  }

  /** One of the options the input table lists for a `choice` input. */
  choice(name: string): string | undefined {
    const options = this.specs.get(name)?.options;
    if (!options) throw new Error(`internal: input ${name} lists no options`);
    return this.oneOf(name, options);
  }

  /** Non-empty lines, trimmed; lines starting with # are comments. */
  lines(name: string): string[] {
    return this.text(name)
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
  }

  /** `key=value` lines. */
  pairs(name: string): Array<[string, string]> {
    const pairs: Array<[string, string]> = [];
    for (const line of this.lines(name)) {
      const eq = line.indexOf('=');
      if (eq <= 0) {
        this.problem(name, `expected key=value lines, got "${line}"`);
        continue;
      }
      pairs.push([line.slice(0, eq).trim(), line.slice(eq + 1).trim()]);
    }
    return pairs;
  }

  /** A duration with units, within bounds; undefined (and a problem saying what was `expected`) otherwise. */
  duration(
    name: string,
    minMs: number,
    maxMs: number,
    expected: string,
    options: { fallback?: string } = {},
  ): number | undefined {
    const value = this.text(name) || (options.fallback ?? '');
    const ms = parseDuration(value);
    if (ms === undefined || ms < minMs || ms > maxMs) {
      this.problem(name, `expected ${expected}, got "${value}"`);
      return undefined;
    }
    return ms;
  }

  /** A URL with an http(s) scheme and no credentials, without its trailing slashes. */
  httpUrl(name: string, options: { example?: string; noQuery?: boolean } = {}): string | undefined {
    const value = this.text(name);
    if (!value) return undefined;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      const example = options.example ? ` such as ${options.example}` : '';
      this.problem(name, `expected an http(s) URL${example}, got "${value}"`);
      return undefined;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      this.problem(name, `expected an http(s) URL, got protocol "${url.protocol}"`);
      return undefined;
    }
    if (options.noQuery && (url.username || url.password || url.search)) {
      this.problem(name, 'must not contain credentials or a query; the key has its own input');
      return undefined;
    }
    if (url.username || url.password) {
      this.problem(name, 'must not contain credentials; use apiKey');
      return undefined;
    }
    return value.replace(/\/+$/, '');
  }

  positiveInteger(name: string): number | undefined {
    const value = this.text(name);
    if (!value) return undefined;
    if (!/^[1-9]\d*$/.test(value)) {
      this.problem(name, `expected a positive integer, got "${value}"`);
      return undefined;
    }
    return Number(value);
  }
}
