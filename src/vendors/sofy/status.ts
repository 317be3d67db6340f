// Sofy's free-text statuses mapped onto the neutral model (vendor-apis/sofy.md §4). The
// docs, the official JSON example and the UI spell the same states differently ("Stopped" vs
// "Run Stopped", "Queued" vs "In Queue"), so statuses are matched case-blind by keyword.

import type { CaseStatus, Verdict } from '../../core/result.js';
import type { PollSnapshot } from '../../core/wait.js';
import { moreRowsMayCome } from './group-list.js';
import type { SofyRow } from './wire.js';

/** What one row's status says. `unknown` keeps waiting (with a warning) like `pending`. */
export type RowKind = 'passed' | 'failed' | 'error' | 'stopped' | 'pending' | 'unknown';

/** What a group's status says (legacy group status, current group list). */
export type GroupKind = 'pending' | 'complete' | 'completeWithErrors' | 'stopped' | 'unknown';

// Not final: the documented "Running", the UI's run and schedule labels (Waiting for Device,
// Setting up Device, Downloading App, Parsing App, Loading Scenarios, In Progress, In Queue,
// Scheduled, Finalizing) and the legacy group's "Queued".
const PENDING = [
  'running',
  'queue',
  'waiting',
  'setting up',
  'downloading',
  'parsing',
  'loading',
  'in progress',
  'finaliz',
  'scheduled',
];

function normalize(status: string): string {
  return status
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ')
    .trim();
}

export function rowKind(status: string): RowKind {
  const s = normalize(status);
  if (s === '') return 'unknown';
  // Before "complete" and "executed": these are the platform's failures, not the test's.
  if (s.includes('not executed') || s.includes('incomplete')) return 'error';
  // "Stopped", "Run Stopped", "Stopped by User", "Cancelled by User"; "abort" is TestRelay's
  // decision (the abort API's own word), undocumented as a status.
  if (/stop|cancel|abort/.test(s)) return 'stopped';
  if (s.includes('fail')) return 'failed';
  if (s.includes('pass')) return 'passed';
  if (PENDING.some((keyword) => s.includes(keyword))) return 'pending';
  if (s.includes('complete with error')) return 'error';
  // The UI's run-level "Complete" means "completed successfully" (unconfirmed, §4).
  if (s.includes('complete')) return 'passed';
  return 'unknown';
}

export function groupKind(status: string): GroupKind {
  const s = normalize(status);
  if (s.includes('complete with error') || s.includes('incomplete')) return 'completeWithErrors';
  if (/stop|cancel|abort/.test(s)) return 'stopped';
  if (PENDING.some((keyword) => s.includes(keyword))) return 'pending';
  if (s.includes('complete') || s.includes('fail') || s.includes('pass')) return 'complete';
  return 'unknown';
}

export function isFinalRow(kind: RowKind): boolean {
  return kind !== 'pending' && kind !== 'unknown';
}

export function isFinalGroup(kind: GroupKind): boolean {
  return kind === 'complete' || kind === 'completeWithErrors' || kind === 'stopped';
}

export function caseStatusOf(kind: RowKind): CaseStatus {
  switch (kind) {
    case 'passed':
      return 'passed';
    case 'failed':
      return 'failed';
    case 'stopped':
      // Stopped by a user: not run to the end, which the neutral model calls skipped.
      return 'skipped';
    default:
      return 'error';
  }
}

/**
 * §4, first match wins: error if any row errored (or never became final) or there are no
 * rows; failed if any failed; stopped if any was stopped or cancelled; otherwise passed.
 */
export function verdictOfRows(rows: readonly SofyRow[]): Verdict {
  const kinds = rows.map((row) => rowKind(row.status));
  if (kinds.length === 0 || kinds.some((kind) => caseStatusOf(kind) === 'error')) return 'error';
  if (kinds.includes('failed')) return 'failed';
  if (kinds.includes('stopped')) return 'stopped';
  return 'passed';
}

export interface SofySnapshot extends PollSnapshot {
  /** Every row seen so far for the group, de-duplicated. */
  rows: SofyRow[];
  /** The group's own status, where the API gives it. */
  groupStatus?: string;
}

export interface SnapshotInput {
  rows: SofyRow[];
  /** Legacy group status, or the current group list's status (only read to confirm an end). */
  groupStatus?: string;
  /** Whether the group status decides the end (legacy) or only confirms it (current). */
  groupDecides: boolean;
  /** Polls in a row where the rows and the group status disagree about the end. */
  held?: number;
}

/**
 * When the rows and the group's own status disagree about the end for this many polls in a
 * row, the one that says "done" wins: neither is documented well enough to wait on forever.
 */
export const MAX_HELD_POLLS = 4;

export function snapshotOf(input: SnapshotInput): SofySnapshot {
  const { rows, groupStatus } = input;
  const kinds = rows.map((row) => rowKind(row.status));
  const finalCount = kinds.filter(isFinalRow).length;
  const rowsFinal = rows.length > 0 && finalCount === rows.length;
  const group = groupStatus === undefined ? undefined : groupKind(groupStatus);
  const heldLongEnough = (input.held ?? 0) >= MAX_HELD_POLLS;

  let done: boolean;
  const unknownRow = rows[kinds.indexOf('unknown')] as SofyRow | undefined;
  let unknownStatus = unknownRow && (unknownRow.status || '(no status)');
  if (!input.groupDecides) {
    // Rows decide; a group list that still says running (rows of the next device not shown
    // yet) holds the end back (group-list.ts). Its other words are not trusted enough to.
    done = rowsFinal && (!moreRowsMayCome(group) || heldLongEnough);
  } else if (group === undefined) {
    // The legacy rows may be another group's (§3.3): without the group's own status, wait.
    done = false;
  } else if (group === 'unknown') {
    done = false;
    unknownStatus ??= groupStatus;
  } else if (isFinalGroup(group)) {
    done = rowsFinal || heldLongEnough;
  } else {
    done = false;
  }

  const notPassed = kinds.filter(
    (kind) => isFinalRow(kind) && caseStatusOf(kind) !== 'passed',
  ).length;
  return {
    rows,
    groupStatus,
    done,
    status: statusLine(rows, input.groupDecides ? groupStatus : undefined),
    unknownStatus,
    progress: rows.length > 0 ? finalCount / rows.length : undefined,
    detail:
      rows.length > 0
        ? `${finalCount} of ${rows.length} test runs done${notPassed ? `, ${notPassed} not passed` : ''}`
        : 'no test runs yet: Sofy has not assigned devices',
  };
}

/** e.g. "Running: 2 Passed, 3 In Progress, 1 Waiting for Device", in order of first appearance. */
function statusLine(rows: readonly SofyRow[], groupStatus: string | undefined): string {
  const counts = new Map<string, number>();
  for (const row of rows) {
    const status = row.status || '(no status)';
    counts.set(status, (counts.get(status) ?? 0) + 1);
  }
  const parts = [...counts].map(([status, count]) => `${count} ${status}`).join(', ');
  const group = groupStatus ? `${groupStatus}` : '';
  if (!parts) return group || 'Not started';
  return group ? `${group}: ${parts}` : parts;
}
