// The sentences the Sofy source writes into the log and the result's message. Sofy has no
// page per run, so several of them tell the reader where in the portal to look instead.

import type { ApiGeneration } from './wire.js';
import { MAX_HELD_POLLS } from './status.js';
import type { SofyRow } from './wire.js';

const WHERE_RUNS_ARE = 'Automation › Runs & Results';

/** "ScheduledID 123" (legacy) or "scheduled run <guid>" (current): the schedule in Sofy's words. */
export function scheduleLabel(generation: ApiGeneration, planId: string): string {
  return generation === 'legacy' ? `ScheduledID ${planId}` : `scheduled run ${planId}`;
}

export function queuedNote(groupId: string, portalUrl: string): string {
  return (
    `Sofy queued test run group ${groupId}. Sofy has no page per run: find it under ` +
    `${WHERE_RUNS_ARE} in the Sofy portal (${portalUrl}).`
  );
}

export const LEGACY_ROWS_NOTE =
  "Sofy's legacy API gives per-run rows for the schedule, not for one group: TestRelay waits " +
  "for the group's own status and reads the newest row of each scenario and device.";

export function unlistedNote(groupId: string): string {
  return `Sofy's legacy API does not list test run group ${groupId} (yet); waiting for it.`;
}

/** Rows of an earlier run of the schedule, left out (legacy-rows.ts). */
export function earlierRowsNote(groupId: string, triggeredAt: number, earlier: SofyRow[]): string {
  const at = new Date(triggeredAt).toISOString();
  return (
    `Sofy's legacy API gave ${earlier.length} test run(s) scheduled before test run group ` +
    `${groupId} was triggered (${at}), e.g. at ${earlier[0].scheduledAt} (UTC): they belong to an ` +
    'earlier run of the schedule and are left out.'
  );
}

/** The rows and the group's own status still disagree after MAX_HELD_POLLS polls. */
export function disagreementWarning(
  generation: ApiGeneration,
  groupId: string,
  groupStatus: string | undefined,
  openRows: number,
): string {
  if (generation === 'legacy') {
    return (
      `Sofy reports test run group ${groupId} "${groupStatus}", but ${openRows || 'all'} of its test runs ` +
      `are not final after ${MAX_HELD_POLLS} polls (the legacy API's rows may belong to another ` +
      'run of the schedule); they count as errors.'
    );
  }
  return (
    `Every test run of Sofy group ${groupId} is final, but Sofy's group list still says ` +
    `"${groupStatus}" after ${MAX_HELD_POLLS} polls; taking the test runs' word.`
  );
}

export function noRunPageMessage(groupId: string, title: string): string {
  return (
    `Sofy has no link to a single run: in the Sofy portal, open ${WHERE_RUNS_ARE} ` +
    `and find test run group ${groupId} of ${title}.`
  );
}

export function portalLinkLabel(groupId: string): string {
  return `Sofy portal (no page per run: find group ${groupId} under ${WHERE_RUNS_ARE})`;
}

export function noTestRunsMessage(groupId: string, schedule: string): string {
  return `Sofy reported no test runs in test run group ${groupId} of ${schedule}.`;
}
