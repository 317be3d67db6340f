// Sofy has no results or JUnit export (vendor-apis/sofy.md §1, §4): the test results are
// synthesized from its status rows. One suite per device, one case per scenario on it.

import type { TestCase, TestSuite } from '../../core/result.js';
import { caseStatusOf, isFinalRow, rowKind } from './status.js';
import type { SofyRow } from './wire.js';

function keyOf(row: SofyRow): string {
  return `${row.device}\u0000${row.scenario}`;
}

/**
 * Adds the rows of one answer to those seen before, de-duplicated by (device, scenario): a
 * row appears in every poll, and devices may come and go from one poll to the next. The
 * later word wins, except a row scheduled earlier than the one kept (the legacy API may mix
 * in rows of an older group of the schedule).
 */
export function mergeRows(known: Map<string, SofyRow>, fresh: readonly SofyRow[]): void {
  for (const row of fresh) {
    const key = keyOf(row);
    const kept = known.get(key);
    if (kept?.scheduledAt && row.scheduledAt && row.scheduledAt < kept.scheduledAt) continue;
    // A Map keeps a key's first place: rows stay in the order they first appeared.
    known.set(key, row);
  }
}

/** Deduplicated rows in order of first appearance. */
export function dedupeRows(rows: readonly SofyRow[]): SofyRow[] {
  const known = new Map<string, SofyRow>();
  mergeRows(known, rows);
  return [...known.values()];
}

export interface SynthesisOptions {
  /** Device name → OS version, where known. */
  osVersions?: ReadonlyMap<string, string>;
  /** When rows that are not final were last seen, e.g. "when the wait ended". */
  unfinishedReason?: string;
  /**
   * Rows still queued or running count as skipped (not run to the end: the wait ended) unless
   * this says error (the group ended without them).
   */
  unfinishedAs?: 'skipped' | 'error';
}

export function suitesOf(rows: readonly SofyRow[], options: SynthesisOptions = {}): TestSuite[] {
  const suites = new Map<string, TestSuite>();
  for (const row of dedupeRows(rows)) {
    let suite = suites.get(row.device);
    if (!suite) {
      suite = {
        name: row.device,
        cases: [],
        // Legacy times have no zone; the JUnit writer keeps what is not ISO 8601 as a property.
        timestamp: row.scheduledAt,
        properties: definedOnly({
          'sofy.device': row.device,
          'sofy.os': options.osVersions?.get(row.device),
          'sofy.manufacturer': row.manufacturer,
          'sofy.model': row.model,
        }),
      };
      suites.set(row.device, suite);
    }
    suite.cases.push(caseOf(row, options));
  }
  return [...suites.values()];
}

function caseOf(row: SofyRow, options: SynthesisOptions): TestCase {
  const kind = rowKind(row.status);
  const properties = definedOnly({
    'sofy.status': row.status,
    'sofy.build': row.build,
    'sofy.scheduledAt': row.scheduledAt,
    'sofy.schedule': row.schedule,
  });
  const base = { name: row.scenario, classname: row.device, properties };
  if (!isFinalRow(kind)) {
    const said = row.status ? `"${row.status}"` : 'no status';
    const reason = options.unfinishedReason ?? 'when the wait ended';
    // Still queued or running: not run to the end. An unknown word: no trustworthy result.
    if (kind === 'pending') {
      const status = options.unfinishedAs ?? 'skipped';
      return { ...base, status, message: `Not finished: Sofy still said ${said} ${reason}` };
    }
    return {
      ...base,
      status: 'error',
      message: `Sofy said ${said} ${reason}, a status TestRelay does not know`,
    };
  }
  const status = caseStatusOf(kind);
  return { ...base, status, message: messageFor(kind, row.status) };
}

function messageFor(kind: ReturnType<typeof rowKind>, status: string): string | undefined {
  const s = status.toLowerCase();
  switch (kind) {
    case 'passed':
      return undefined;
    case 'failed':
      // Sofy's API has no failure details: say where they are instead of inventing some.
      return `Sofy reported "${status}"; its API gives no failure details (see the Sofy portal)`;
    case 'stopped':
      return `Stopped in Sofy ("${status}")`;
    default:
      if (s.includes('incomplete')) {
        return `Sofy reported "${status}": the device was unavailable or lost its connection`;
      }
      if (s.includes('not executed')) {
        return `Sofy reported "${status}": the test was not run (e.g. a Sofy server error)`;
      }
      return `Sofy reported "${status}"`;
  }
}

function definedOnly(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).filter((entry): entry is [string, string] => !!entry[1]),
  );
}
