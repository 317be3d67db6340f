// Sofy test-run groups and their state machine (vendor-apis/sofy.md §3.3, §4, §6).
//
// A trigger creates a group: one row per scenario × device. Its state is computed from the
// clock or from how often it was polled, never by timers:
//   group  Queued → Running → Complete | Complete with errors
//   row    (absent) → Queued → Running → Passed | Failed | Incomplete | Not Executed | Run Stopped
// An abort turns every row that is not final yet into Run Stopped. This file knows states
// only; the vendor's words for them (and the UI-label and spelling variants) are in
// format.ts.

import type { Build, Device, Platform } from './catalog.js';
import { outcomeSlot, testName, type Scenario, type VariantOf } from '../../../simulator/kit.js';

/** Sofy's scenario: the common knobs plus the vendor knobs declared in index.ts. */
export interface SofyScenario extends Scenario {
  devices: number;
  platform: string;
  scheduleName: string;
  emptyPolls: number;
  incompleteDevice: number | null;
  triggerShape: string;
  uploadError: string | null;
  missingScheduleIds: string[];
}

/** The `variant` flags, by the name the simulator reads each under (help: VARIANTS in index.ts). */
export const VARIANT_FLAGS = {
  legacy: 'legacy',
  uiLabels: 'ui-labels',
  stoppedSpelling: 'stopped-spelling',
  unknownStatus: 'unknown-status',
  oneDeviceAtATime: 'rows-one-device-at-a-time',
} as const;

export type Variant = VariantOf<typeof VARIANT_FLAGS>;

/** The four set-up steps of a device (UI labels), before its first scenario runs. */
export const SETUP_STATES = ['settingUp', 'downloading', 'parsing', 'loading'] as const;

export type TerminalState = 'passed' | 'failed' | 'incomplete' | 'notExecuted' | 'stopped';

/** What one row is doing. */
export type RowState =
  | 'waiting'
  | (typeof SETUP_STATES)[number]
  | 'running'
  /** Variant `unknown-status`: a status string no client knows. */
  | 'unknown'
  | TerminalState;

const TERMINAL: ReadonlySet<RowState> = new Set<RowState>([
  'passed',
  'failed',
  'incomplete',
  'notExecuted',
  'stopped',
]);

export function isTerminal(state: RowState): state is TerminalState {
  return TERMINAL.has(state);
}

export type GroupState = 'queued' | 'running' | 'complete' | 'completeWithErrors' | 'stopped';

/** The API generation a group was triggered through. */
export type Generation = 'current' | 'legacy';

export interface Group {
  id: number;
  /** The schedule id as the client sent it (GUID or numeric ScheduledID). */
  scheduleId: string;
  generation: Generation;
  scheduleName: string;
  platform: Platform;
  createdAt: number;
  scenario: SofyScenario;
  variant: Variant;
  build: Build;
  devices: Device[];
  scenarios: string[];
  /** Final state of each row if nothing interferes, by device then scenario. */
  outcomes: TerminalState[][];
  /** Status polls answered so far (drives `pollsToComplete` and `emptyPolls`). */
  polls: number;
  abort: { at: number; rows: TerminalState[][]; allOfSchedule: boolean } | null;
}

export interface GroupView {
  state: GroupState;
  terminal: boolean;
  /** Row states by device then scenario; null where a row does not exist (yet). */
  rows: Array<Array<RowState | null>>;
}

function plannedOutcome(index: number, scenario: Scenario): TerminalState {
  const slot = outcomeSlot(index, scenario);
  switch (slot.group) {
    case 'passed':
      return 'passed';
    case 'failed':
      return 'failed';
    case 'errored':
      // Alternate the two "no trustworthy result" values so both appear.
      return slot.nth % 2 === 0 ? 'incomplete' : 'notExecuted';
    case 'skipped':
      return 'stopped';
  }
}

/**
 * Outcomes per device: every device runs every scenario with the same mix (passing first,
 * then failed, errored, skipped), except `incompleteDevice`, which loses its connection and
 * leaves all its rows Incomplete.
 */
export function planOutcomes(scenario: SofyScenario, deviceCount: number): TerminalState[][] {
  return Array.from({ length: deviceCount }, (_, device) =>
    Array.from({ length: scenario.tests }, (_, index) =>
      scenario.incompleteDevice === device + 1 ? 'incomplete' : plannedOutcome(index, scenario),
    ),
  );
}

export function scenarioNames(scenario: SofyScenario): string[] {
  return Array.from({ length: scenario.tests }, (_, index) => testName(index, scenario.testNames));
}

type Progress =
  /** Devices not assigned yet: no rows. Then assigned, rows waiting. */
  | { kind: 'queued'; assigned: boolean }
  /** `fraction` of the running phase is over. */
  | { kind: 'running'; fraction: number; unknown: boolean }
  | { kind: 'done' };

/**
 * Poll-based: polls up to `emptyPolls` see no rows, one more sees them waiting (only when
 * `queuedSeconds` > 0), then running polls, and poll `pollsToComplete` sees the end.
 * Time-based: the first half of the queue time has no rows, the second half waiting rows.
 */
function progressOf(group: Group, now: number): Progress {
  const { scenario, variant } = group;
  const pollsToComplete = scenario.pollsToComplete;
  if (pollsToComplete !== null) {
    const polls = group.polls;
    if (polls >= pollsToComplete) return { kind: 'done' };
    const waitingPolls = scenario.emptyPolls + (scenario.queuedSeconds > 0 ? 1 : 0);
    if (polls <= scenario.emptyPolls) return { kind: 'queued', assigned: false };
    if (polls <= waitingPolls) return { kind: 'queued', assigned: true };
    // From 0 on the first running poll, so it shows every row still going.
    const fraction = (polls - waitingPolls - 1) / (pollsToComplete - 1 - waitingPolls);
    const unknown = variant.unknownStatus && polls === pollsToComplete - 1;
    return { kind: 'running', fraction, unknown };
  }
  const elapsed = now - group.createdAt;
  const queuedMs = scenario.queuedSeconds * 1000;
  const durationMs = scenario.durationSeconds * 1000;
  if (elapsed >= queuedMs + durationMs) return { kind: 'done' };
  if (elapsed < queuedMs) return { kind: 'queued', assigned: elapsed >= queuedMs / 2 };
  const fraction = (elapsed - queuedMs) / durationMs;
  return {
    kind: 'running',
    fraction,
    unknown: variant.unknownStatus && fraction >= 0.4 && fraction < 0.6,
  };
}

/**
 * The rows of one device `local` (0…1) into its running window. The window has one slot
 * for setting the device up and one per scenario; scenarios run one after another, and the
 * last one ends with the window.
 */
function runningDeviceRows(
  outcomes: readonly TerminalState[],
  local: number,
  unknown: boolean,
): RowState[] {
  const slots = outcomes.length + 1;
  const position = Math.min(slots - 1e-9, Math.max(0, local * slots));
  const slot = Math.floor(position);
  return outcomes.map((outcome, index) => {
    if (index < slot - 1) return outcome;
    if (unknown) return 'unknown';
    if (slot === 0) return SETUP_STATES[Math.floor(position * SETUP_STATES.length)];
    return 'running';
  });
}

function rowsAt(group: Group, progress: Progress): Array<Array<RowState | null>> {
  const { outcomes } = group;
  switch (progress.kind) {
    case 'queued':
      return outcomes.map((device) =>
        device.map((): RowState | null => (progress.assigned ? 'waiting' : null)),
      );
    case 'done':
      return outcomes.map((device) => [...device]);
    case 'running': {
      const count = outcomes.length;
      return outcomes.map((device, index) => {
        if (!group.variant.oneDeviceAtATime) {
          return runningDeviceRows(device, progress.fraction, progress.unknown);
        }
        // One device after another: a device's rows appear when its turn comes.
        const start = index / count;
        const end = (index + 1) / count;
        if (progress.fraction < start) return device.map(() => null);
        if (progress.fraction >= end) return [...device];
        return runningDeviceRows(device, (progress.fraction - start) * count, progress.unknown);
      });
    }
  }
}

function finalState(rows: ReadonlyArray<ReadonlyArray<RowState | null>>): GroupState {
  const clean = rows.every((device) =>
    device.every((state) => state === 'passed' || state === 'failed'),
  );
  return clean ? 'complete' : 'completeWithErrors';
}

/** The group as the API shows it at `now`. */
export function viewGroup(group: Group, now: number): GroupView {
  if (group.abort) {
    return { state: 'stopped', terminal: true, rows: group.abort.rows.map((row) => [...row]) };
  }
  const progress = progressOf(group, now);
  const rows = rowsAt(group, progress);
  if (progress.kind === 'done') return { state: finalState(rows), terminal: true, rows };
  return { state: progress.kind, terminal: false, rows };
}

/**
 * Aborts a group that is not final: rows already final keep their state, every other row
 * (also those not shown yet) becomes stopped. Returns false when there was nothing to abort.
 */
export function abortGroup(group: Group, now: number, allOfSchedule: boolean): boolean {
  const view = viewGroup(group, now);
  if (view.terminal) return false;
  const rows = view.rows.map((device) =>
    device.map((state): TerminalState => (state !== null && isTerminal(state) ? state : 'stopped')),
  );
  group.abort = { at: now, rows, allOfSchedule };
  return true;
}

/** All groups of one simulator, with increasing ids shared by both API generations. */
export class GroupStore {
  private readonly groups = new Map<number, Group>();
  private nextId = 240101;

  create(fields: Omit<Group, 'id' | 'polls' | 'abort'>): Group {
    const group: Group = { ...fields, id: this.nextId, polls: 0, abort: null };
    this.nextId += 1;
    this.groups.set(group.id, group);
    return group;
  }

  /** The group `id` if it belongs to the schedule `scheduleId` (ids compared case-blind). */
  find(scheduleId: string, id: string | number): Group | undefined {
    const text = String(id).trim();
    if (!/^\d{1,15}$/.test(text)) return undefined;
    const group = this.groups.get(Number(text));
    return group && sameSchedule(group.scheduleId, scheduleId) ? group : undefined;
  }

  /** Groups of a schedule, newest first. */
  ofSchedule(scheduleId: string): Group[] {
    return [...this.groups.values()]
      .filter((group) => sameSchedule(group.scheduleId, scheduleId))
      .reverse();
  }

  countPoll(group: Group): void {
    group.polls += 1;
  }

  clear(): void {
    this.groups.clear();
    this.nextId = 240101;
  }
}

/** GUIDs compare case-blind, numeric ScheduledIDs by value (`1888` = `"1888"`). */
export function sameSchedule(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
