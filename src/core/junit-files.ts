// JUnit results from files on disk (`junitFiles` input, `testrelay report --junit-files`).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import fg from 'fast-glob';
import { parseJunitXml } from './junit-read.js';
import type { TestSuite } from './result.js';

/** Suite property naming the file a suite was read from. */
export const SOURCE_FILE_PROPERTY = 'testrelay.file';

export interface JunitFiles {
  /** Matched files, sorted, each once, as fast-glob reports them (relative to cwd for relative patterns). */
  files: string[];
  suites: TestSuite[];
  /** Positive patterns that matched nothing while others did; worth a warning. */
  unmatchedPatterns: string[];
}

export class JunitFilesNotFoundError extends Error {
  readonly patterns: string[];

  constructor(patterns: string[], cwd: string) {
    super(
      `No JUnit files found in ${cwd}: nothing matched ${patterns.map((p) => JSON.stringify(p)).join(', ')}`,
    );
    this.name = 'JunitFilesNotFoundError';
    this.patterns = patterns;
  }
}

/**
 * Finds the files `patterns` match (fast-glob syntax; `!pattern` excludes), reads and
 * parses each. Throws when nothing matches, naming the patterns, or a `JunitParseError`
 * naming the first file that isn't readable JUnit: a silently skipped report could turn
 * a failed run green.
 */
export async function readJunitFiles(
  patterns: string[],
  options: { cwd?: string } = {},
): Promise<JunitFiles> {
  const cwd = options.cwd ?? process.cwd();
  const all = patterns.map(toGlob).filter((pattern) => pattern !== '');
  const negations = all.filter((pattern) => pattern.startsWith('!'));
  const positives = all.filter((pattern) => !pattern.startsWith('!'));
  if (positives.length === 0) throw new JunitFilesNotFoundError(patterns, cwd);

  // One search per pattern, so a pattern that matched nothing can be named.
  const found = new Set<string>();
  const unmatchedPatterns: string[] = [];
  for (const pattern of positives) {
    const matches = await fg([pattern, ...negations], { cwd, onlyFiles: true, unique: true });
    if (matches.length === 0) unmatchedPatterns.push(pattern);
    for (const match of matches) found.add(path.posix.normalize(match));
  }
  if (found.size === 0) throw new JunitFilesNotFoundError(unmatchedPatterns, cwd);

  const files = [...found].sort();
  const suites: TestSuite[] = [];
  for (const file of files) {
    const xml = decode(await readFile(path.resolve(cwd, file)));
    for (const suite of await parseJunitXml(xml, file)) {
      suite.properties = { ...suite.properties, [SOURCE_FILE_PROPERTY]: file };
      suites.push(suite);
    }
  }
  return { files, suites, unmatchedPatterns };
}

/** Trimmed; on Windows, backslash paths become the forward slashes fast-glob expects. */
function toGlob(pattern: string): string {
  const trimmed = pattern.trim();
  return process.platform === 'win32' ? trimmed.replace(/\\/g, '/') : trimmed;
}

/**
 * Bytes to text: a UTF-16 BOM (some .NET tools write UTF-16) or a Latin-1 declaration is
 * honoured, everything else is UTF-8 (the UTF-8 BOM is left for the parser to drop).
 */
function decode(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2, bytes.length - (bytes.length % 2)));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  const head = bytes.subarray(0, 200).toString('latin1');
  if (/^\s*<\?xml[^>]*encoding\s*=\s*["'](iso-8859-1|latin-?1)["']/i.test(head)) {
    return bytes.toString('latin1');
  }
  return bytes.toString('utf8');
}
