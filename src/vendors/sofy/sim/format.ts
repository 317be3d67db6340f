// How the Sofy simulator writes things down: status words, status rows of both API
// generations, the group list, discovery answers and error bodies (vendor-apis/sofy.md §3-§5).
// Current answers use `{data, message}` and camelCase (snake_case in discovery), errors
// `{error:{message, details, timestamp}}`; legacy answers are PascalCase, arrays at the top
// level, errors `{"Message": …}` as ASP.NET writes them.

import { buildLabel, buildParts, type Application, type Device } from './catalog.js';
import type { Group, GroupState, GroupView, RowState, Variant } from './run.js';

/** Variant `unknown-status`: matches none of the keywords a client knows (running, queue, …). */
export const UNKNOWN_STATUS = 'Device Reconnecting';

/** A row's status as the API spells it. */
export function rowStatus(state: RowState, variant: Variant): string {
  switch (state) {
    case 'waiting':
      return variant.uiLabels ? 'Waiting for Device' : 'Queued';
    case 'settingUp':
      return variant.uiLabels ? 'Setting up Device' : 'Running';
    case 'downloading':
      return variant.uiLabels ? 'Downloading App' : 'Running';
    case 'parsing':
      return variant.uiLabels ? 'Parsing App' : 'Running';
    case 'loading':
      return variant.uiLabels ? 'Loading Scenarios' : 'Running';
    case 'running':
      return variant.uiLabels ? 'In Progress' : 'Running';
    case 'unknown':
      return UNKNOWN_STATUS;
    case 'passed':
      return 'Passed';
    case 'failed':
      return 'Failed';
    case 'incomplete':
      return 'Incomplete';
    case 'notExecuted':
      return 'Not Executed';
    case 'stopped':
      // The docs list "Stopped"; the official JSON example shows "Run Stopped" (§4).
      return variant.stoppedSpelling ? 'Stopped' : 'Run Stopped';
  }
}

/** A group's status (legacy group status, group list), documented or UI spelling. */
export function groupStatus(state: GroupState, variant: Variant): string {
  switch (state) {
    case 'queued':
      return variant.uiLabels ? 'In Queue' : 'Queued';
    case 'running':
      return 'Running';
    case 'complete':
      return 'Complete';
    case 'completeWithErrors':
      return variant.uiLabels ? 'Complete with Errors' : 'Complete with errors';
    case 'stopped':
      // Stopped rows end "other than Pass or Fail", which the documented values file here.
      return variant.uiLabels ? 'Stopped by User' : 'Complete with errors';
  }
}

function groupMessage(group: Group, view: GroupView): string {
  if (group.abort) {
    return group.abort.allOfSchedule
      ? 'Aborted by user (every active test run of the scheduled run).'
      : 'Aborted by user.';
  }
  if (view.state === 'queued') return 'Test runs are scheduled and in queue.';
  if (view.state === 'running') return 'Test runs are in progress.';
  return 'Test runs completed.';
}

/** Each existing row with its device and scenario, device by device. */
function presentRows(
  group: Group,
  view: GroupView,
): Array<{ device: Device; scenario: string; state: RowState }> {
  const rows: Array<{ device: Device; scenario: string; state: RowState }> = [];
  view.rows.forEach((states, deviceIndex) => {
    states.forEach((state, scenarioIndex) => {
      if (state === null) return;
      rows.push({
        device: group.devices[deviceIndex],
        scenario: group.scenarios[scenarioIndex],
        state,
      });
    });
  });
  return rows;
}

/** `GET …/status/{testRunGroupId}` (§3.3); `hidden` answers the empty list of a fresh group. */
export function statusAnswer(group: Group, view: GroupView, hidden: boolean): unknown {
  const data = hidden
    ? []
    : presentRows(group, view).map((row) => ({
        scheduledRunName: group.scheduleName,
        testRunGroupId: String(group.id),
        scenarioName: row.scenario,
        scheduledAt: new Date(group.createdAt).toISOString(),
        build: buildLabel(group.build),
        device: row.device.name,
        status: rowStatus(row.state, group.variant),
      }));
  return { data, message: `Fetched ${data.length} record(s).` };
}

/** `GET …/test-run-groups`: a bare array (as the only source shows it), newest first. */
export function groupListEntry(group: Group, view: GroupView): Record<string, unknown> {
  return {
    testRunGroupId: String(group.id),
    executedAt: new Date(group.createdAt).toISOString(),
    status: groupStatus(view.state, group.variant),
    message: groupMessage(group, view),
  };
}

/** .NET DateTime without a zone and without trailing zeros: `2022-10-07T20:39:26.02`. */
export function dotNetDateTime(epochMs: number): string {
  const iso = new Date(epochMs).toISOString(); // 2022-10-07T20:39:26.020Z
  const [seconds, fraction] = iso.slice(0, -1).split('.');
  const trimmed = fraction.replace(/0+$/, '');
  return trimmed === '' ? seconds : `${seconds}.${trimmed}`;
}

/** Legacy `ScheduleAutomatedTestRunStatus` with the group id: the group's status. */
export function legacyGroupAnswer(group: Group, view: GroupView): unknown {
  return [
    {
      ScheduleTestRunsGroupID: group.id,
      ScheduleTestRunsGroupStatus: groupStatus(view.state, group.variant),
    },
  ];
}

/** Legacy `ScheduleAutomatedTestRunStatus` without the group id: per-run rows. */
export function legacyRowsAnswer(group: Group, view: GroupView, hidden: boolean): unknown {
  if (hidden) return [];
  const parts = buildParts(group.build);
  return presentRows(group, view).map((row) => ({
    Scheduled_Name: group.scheduleName,
    ScenarioName: row.scenario,
    ScheduledAt: dotNetDateTime(group.createdAt),
    Version: parts.version,
    CodeName: parts.codeName,
    BuildNumber: parts.number,
    Manufacturer: row.device.manufacturer,
    Model: row.device.model,
    Statusvalue: rowStatus(row.state, group.variant),
  }));
}

export function applicationsAnswer(apps: readonly Application[]): unknown {
  return {
    data: apps.map((app) => ({
      application_guid: app.guid,
      platform_name: app.platform,
      application_friendly_name: app.friendlyName,
      application_builds: app.builds.map((build) => ({
        app_hash: build.appHash,
        build_id: build.buildId,
        build_friendly_name: build.friendlyName,
        build_package_name: build.packageName,
      })),
    })),
    // Sic: no full stop here, unlike the status answer.
    message: `Fetched ${apps.length} record(s)`,
  };
}

export function devicesAnswer(devices: readonly Device[]): unknown {
  return {
    data: devices.map((device) => ({
      os_version: device.osVersion,
      manufacturer: device.manufacturer,
      device_name: device.name,
      device_serial: device.serial,
      STATE: device.online ? 'ONLINE' : 'OFFLINE',
    })),
  };
}

/** The current generation's error envelope. */
export function errorBody(message: string, details: string): unknown {
  return { error: { message, details, timestamp: new Date().toISOString() } };
}

/** ASP.NET Web API's error body on api.sofy.ai. */
export function legacyErrorBody(message: string): unknown {
  return { Message: message };
}
