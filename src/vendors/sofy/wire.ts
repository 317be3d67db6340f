// Sofy's answers as they arrive, read defensively (vendor-apis/sofy.md §3, §5). The current
// API (public.sofy.ai) wraps results in {data, message} with camelCase fields; the legacy one
// (api.sofy.ai) answers PascalCase with arrays at the top level. Both are read by the same
// functions: field names match case-blind, unknown fields are ignored, ids stay strings.

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

type Raw = Record<string, unknown>;

function isObject(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A field by any of its names, exact spelling first, then case-blind. */
function field(object: Raw, ...names: string[]): unknown {
  for (const name of names) if (name in object) return object[name];
  const wanted = new Set(names.map((name) => name.toLowerCase()));
  for (const [key, value] of Object.entries(object)) {
    if (wanted.has(key.toLowerCase())) return value;
  }
  return undefined;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

// Every spelling of the group id a trigger answer is known to use (§3.2): current
// `data[0].scheduleTestRunsGroupID`, the unconfirmed `testGroupsRunId`, legacy
// `ScheduleTestRunsGroupID` (the same name, case-blind).
const GROUP_ID_FIELDS = ['scheduleTestRunsGroupID', 'testGroupsRunId', 'testRunGroupId'];

/** The test run group id in a trigger answer, as a string; undefined when there is none. */
export function groupIdOfTrigger(raw: unknown): string | undefined {
  if (Array.isArray(raw)) return groupIdOfTrigger(raw[0]);
  if (!isObject(raw)) return undefined;
  const id = text(field(raw, ...GROUP_ID_FIELDS));
  if (id) return id;
  const data = field(raw, 'data');
  return data === undefined || data === raw ? undefined : groupIdOfTrigger(data);
}

/** The message of a success answer (current `message`, legacy `Message`). */
export function messageOf(raw: unknown): string | undefined {
  return isObject(raw) ? text(field(raw, 'message')) : undefined;
}

/**
 * Rows of a status answer: current `{data: [...]}`, legacy a bare array. Null or missing
 * `data` means no rows yet; anything else that is not a list is refused.
 */
export function rowsOf(raw: unknown): SofyRow[] {
  let list: unknown = raw;
  if (isObject(raw)) list = field(raw, 'data') ?? [];
  if (!Array.isArray(list)) {
    throw new Error('Sofy answered the status request with something that is not a list of runs');
  }
  return list.filter(isObject).map(rowOf);
}

function rowOf(item: Raw): SofyRow {
  const manufacturer = text(field(item, 'manufacturer'));
  const model = text(field(item, 'model'));
  return {
    scenario: text(field(item, 'scenarioName', 'scenario')) ?? '(unnamed scenario)',
    // The current rows name the device; the legacy ones give manufacturer and model only.
    device:
      text(field(item, 'device', 'deviceName')) ??
      deviceLabel(manufacturer, model) ??
      'Unknown device',
    status: text(field(item, 'status', 'statusValue')) ?? '',
    schedule: text(field(item, 'scheduledRunName', 'scheduled_Name', 'scheduledName')),
    groupId: text(field(item, 'testRunGroupId', 'scheduleTestRunsGroupID')),
    scheduledAt: text(field(item, 'scheduledAt')),
    build:
      text(field(item, 'build')) ??
      buildLabel(
        text(field(item, 'version')),
        text(field(item, 'codeName')),
        text(field(item, 'buildNumber')),
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
  if (isObject(raw)) list = field(raw, 'data') ?? [raw];
  if (!Array.isArray(list)) return undefined;
  const entries = list.filter(isObject);
  const idOf = (entry: Raw) =>
    text(field(entry, 'scheduleTestRunsGroupID', 'testRunGroupId', 'testGroupsRunId'));
  const match =
    entries.find((entry) => idOf(entry) === groupId) ??
    // A single entry without any id answers for the group that was asked about.
    (entries.length === 1 && idOf(entries[0]) === undefined ? entries[0] : undefined);
  return match
    ? (text(field(match, 'scheduleTestRunsGroupStatus', 'status')) ?? undefined)
    : undefined;
}

/** The app hash in an upload answer: current `data.appHash`, legacy `AppHash`. */
export function appHashOf(raw: unknown): string | undefined {
  if (!isObject(raw)) return undefined;
  const direct = text(field(raw, 'appHash'));
  if (direct) return direct;
  const data = field(raw, 'data');
  return isObject(data) ? text(field(data, 'appHash')) : undefined;
}

/** Device name → OS version from the devices endpoint (§3.5); names seen twice are dropped. */
export function osVersionsOf(raw: unknown): Map<string, string> {
  const versions = new Map<string, string>();
  const ambiguous = new Set<string>();
  const list = isObject(raw) ? field(raw, 'data') : raw;
  if (!Array.isArray(list)) return versions;
  for (const item of list.filter(isObject)) {
    const name = text(field(item, 'device_name', 'deviceName'));
    const os = text(field(item, 'os_version', 'osVersion'));
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
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body.replace(/\s+/g, ' ').trim().slice(0, 300);
  }
  if (!isObject(parsed)) return '';
  const error = field(parsed, 'error');
  if (isObject(error)) {
    const message = text(field(error, 'message'));
    const details = text(field(error, 'details'));
    return [message, details].filter(Boolean).join(' ');
  }
  return text(error) ?? text(field(parsed, 'message')) ?? '';
}
