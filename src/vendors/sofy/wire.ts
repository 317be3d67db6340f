// Sofy's answers as they arrive, read defensively (vendor-apis/sofy.md §3, §5). The current
// API (public.sofy.ai) wraps results in {data, message} with camelCase fields; the legacy one
// (api.sofy.ai) answers PascalCase with arrays at the top level. Both are read by the same
// functions: field names match case-blind, unknown fields are ignored, ids stay strings.

import { isJsonObject, type JsonObject, nonBlank, parseJsonOrUndefined } from '../../core/wire.js';

export type ApiGeneration = 'current' | 'legacy';

/** One status row: one scenario on one device. */
export interface SofyRow {
  scenario: string;
  device: string;
  /** Sofy's own words, e.g. "Run Stopped" or "Waiting for Device". */
  status: string;
  /** The scheduled run's name. */
  schedule?: string;
  groupId?: string;
  /** As Sofy wrote it; the legacy API leaves out the time zone. */
  scheduledAt?: string;
  build?: string;
  manufacturer?: string;
  model?: string;
}

/** A field by any of its names, exact spelling first, then case-blind. */
function field(object: JsonObject, ...names: string[]): unknown {
  for (const name of names) if (name in object) return object[name];
  const wanted = new Set(names.map((name) => name.toLowerCase()));
  for (const [key, value] of Object.entries(object)) {
    if (wanted.has(key.toLowerCase())) return value;
  }
  return undefined;
}

// Every spelling of the group id a trigger answer is known to use (§3.2): current
// `data[0].scheduleTestRunsGroupID`, the unconfirmed `testGroupsRunId`, legacy
// `ScheduleTestRunsGroupID` (the same name, case-blind).
const GROUP_ID_FIELDS = ['scheduleTestRunsGroupID', 'testGroupsRunId', 'testRunGroupId'];

/** The test run group id in a trigger answer, as a string; undefined when there is none. */
export function groupIdOfTrigger(raw: unknown): string | undefined {
  if (Array.isArray(raw)) return groupIdOfTrigger(raw[0]);
  if (!isJsonObject(raw)) return undefined;
  const id = nonBlank(field(raw, ...GROUP_ID_FIELDS));
  if (id) return id;
  const data = field(raw, 'data');
  return data === undefined || data === raw ? undefined : groupIdOfTrigger(data);
}

/** The message of a success answer (current `message`, legacy `Message`). */
export function messageOf(raw: unknown): string | undefined {
  return isJsonObject(raw) ? nonBlank(field(raw, 'message')) : undefined;
}

/**
 * Rows of a status answer: current `{data: [...]}`, legacy a bare array. Null or missing
 * `data` means no rows yet; anything else that is not a list is refused.
 */
export function rowsOf(raw: unknown): SofyRow[] {
  let list: unknown = raw;
  if (isJsonObject(raw)) list = field(raw, 'data') ?? [];
  if (!Array.isArray(list)) {
    throw new Error('Sofy answered the status request with something that is not a list of runs');
  }
  return list.filter(isJsonObject).map(rowOf);
}

function rowOf(item: JsonObject): SofyRow {
  const manufacturer = nonBlank(field(item, 'manufacturer'));
  const model = nonBlank(field(item, 'model'));
  return {
    scenario: nonBlank(field(item, 'scenarioName', 'scenario')) ?? '(unnamed scenario)',
    // The current rows name the device; the legacy ones give manufacturer and model only.
    device:
      nonBlank(field(item, 'device', 'deviceName')) ??
      deviceLabel(manufacturer, model) ??
      'Unknown device',
    status: nonBlank(field(item, 'status', 'statusValue')) ?? '',
    schedule: nonBlank(field(item, 'scheduledRunName', 'scheduled_Name', 'scheduledName')),
    groupId: nonBlank(field(item, 'testRunGroupId', 'scheduleTestRunsGroupID')),
    scheduledAt: nonBlank(field(item, 'scheduledAt')),
    build:
      nonBlank(field(item, 'build')) ??
      buildLabel(
        nonBlank(field(item, 'version')),
        nonBlank(field(item, 'codeName')),
        nonBlank(field(item, 'buildNumber')),
      ),
    manufacturer,
    model,
  };
}

function deviceLabel(manufacturer?: string, model?: string): string | undefined {
  if (!model) return manufacturer;
  if (!manufacturer || model.toLowerCase().startsWith(manufacturer.toLowerCase())) return model;
  return `${manufacturer} ${model}`;
}

/** Legacy rows split the build into Version, CodeName and BuildNumber. */
function buildLabel(version?: string, codeName?: string, number?: string): string | undefined {
  const label = [version, codeName].filter(Boolean).join(' ');
  if (!number) return label || undefined;
  return label ? `${label} (${number})` : number;
}

/**
 * The status of one group in a legacy group-status answer
 * (`[{"ScheduleTestRunsGroupID", "ScheduleTestRunsGroupStatus"}]`) or in the current group
 * list (`[{testRunGroupId, status}]`, possibly inside `data`); undefined when the group is
 * not listed.
 */
export function groupStatusOf(raw: unknown, groupId: string): string | undefined {
  let list: unknown = raw;
  if (isJsonObject(raw)) list = field(raw, 'data') ?? [raw];
  if (!Array.isArray(list)) return undefined;
  const entries = list.filter(isJsonObject);
  const idOf = (entry: JsonObject) =>
    nonBlank(field(entry, 'scheduleTestRunsGroupID', 'testRunGroupId', 'testGroupsRunId'));
  const match =
    entries.find((entry) => idOf(entry) === groupId) ??
    // A single entry without any id answers for the group that was asked about.
    (entries.length === 1 && idOf(entries[0]) === undefined ? entries[0] : undefined);
  return match
    ? (nonBlank(field(match, 'scheduleTestRunsGroupStatus', 'status')) ?? undefined)
    : undefined;
}

/** The app hash in an upload answer: current `data.appHash`, legacy `AppHash`. */
export function appHashOf(raw: unknown): string | undefined {
  if (!isJsonObject(raw)) return undefined;
  const direct = nonBlank(field(raw, 'appHash'));
  if (direct) return direct;
  const data = field(raw, 'data');
  return isJsonObject(data) ? nonBlank(field(data, 'appHash')) : undefined;
}

/** Device name → OS version from the devices endpoint (§3.5); names seen twice are dropped. */
export function osVersionsOf(raw: unknown): Map<string, string> {
  const versions = new Map<string, string>();
  const ambiguous = new Set<string>();
  const list = isJsonObject(raw) ? field(raw, 'data') : raw;
  if (!Array.isArray(list)) return versions;
  for (const item of list.filter(isJsonObject)) {
    const name = nonBlank(field(item, 'device_name', 'deviceName'));
    const os = nonBlank(field(item, 'os_version', 'osVersion'));
    if (!name || !os) continue;
    const known = versions.get(name);
    if (known !== undefined && known !== os) ambiguous.add(name);
    versions.set(name, os);
  }
  for (const name of ambiguous) versions.delete(name);
  return versions;
}

/**
 * The vendor's own words in an error body: current `{"error": {"message", "details"}}`,
 * legacy `{"Message"}`, or the text itself when it is not JSON.
 */
export function errorMessageOf(body: string): string {
  const parsed = parseJsonOrUndefined(body);
  if (parsed === undefined) return body.replace(/\s+/g, ' ').trim().slice(0, 300);
  if (!isJsonObject(parsed)) return '';
  const error = field(parsed, 'error');
  if (isJsonObject(error)) {
    const message = nonBlank(field(error, 'message'));
    const details = nonBlank(field(error, 'details'));
    return [message, details].filter(Boolean).join(' ');
  }
  return nonBlank(error) ?? nonBlank(field(parsed, 'message')) ?? '';
}
