// The Sofy simulator: routes, auth, request handling and error bodies for both API
// generations on one server, told apart by path (vendor-apis/sofy.md §2-§6). Group state lives
// in run.ts, answers are written by format.ts, uploads checked by upload.ts,
// applications and devices come from catalog.ts.
//
// The base URL is the server origin; TestRelay appends the paths of either host:
//   current (public.sofy.ai, header x-sofy-auth-key)
//     POST /parser-microservice/build-upload[?userFriendlyBuildName=]       upload
//     POST /scheduler-microservice/scheduled-runs/{guid}/execute[?appHash=]  trigger
//     GET  /scheduler-microservice/scheduled-runs/{guid}/status/{groupId}    status
//     GET  /scheduler-microservice/scheduled-runs/{guid}/test-run-groups     groups
//     PUT  /scheduler-microservice/public/test-run/abort/{guid}?testRunGroupId=
//                                                 abort (abortAll without testRunGroupId)
//     GET  /application-microservice/public/applications                     applications
//     GET  /device-microservice/public/devices/{ANDROID|IOS}                 devices
//   legacy (api.sofy.ai, "APIKey" in the JSON body; header SubscriptionKey for the upload)
//     POST /api/CICD/ScheduleAutomatedTestRun                                legacyTrigger
//     POST /api/CICD/ScheduleAutomatedTestRunStatus?ScheduleTestRunsGroupID= legacyGroupStatus
//     POST /api/CICD/ScheduleAutomatedTestRunStatus                          legacyRows
//     POST /api/AppTests/buildUpload                                         legacyUpload
// With the `legacy` variant the current paths answer 404, so a mis-set generation shows.
//
// Knob semantics: `tests` is the number of scenarios per device (rows = tests × devices), and
// `failed`, `errored` and `skipped` count per device too. Every status read of a group counts
// as a poll for `pollsToComplete` and `emptyPolls`: `status`, `legacyGroupStatus` and
// `legacyRows` (a legacy client reading both per cycle polls twice); the group list does not.
// Overrides are keyed by the schedule id exactly as the client sends it (GUID or ScheduledID).

import {
  header,
  isResponse,
  jsonResponse,
  type KnobSpec,
  parseVariant,
  type RouteMatch,
  type Scenario,
  type SimRequest,
  type SimResponse,
  type VendorContext,
  type VendorDefinition,
  type VendorInstance,
} from '../../../simulator/kit.js';
import {
  Catalog,
  devicePool,
  guidFrom,
  isGuid,
  PLATFORMS,
  scheduleDevices,
  type Build,
  type Device,
  type Platform,
} from './catalog.js';
import {
  applicationsAnswer,
  devicesAnswer,
  errorBody,
  groupListEntry,
  legacyErrorBody,
  legacyGroupAnswer,
  legacyRowsAnswer,
  statusAnswer,
} from './format.js';
import {
  abortGroup,
  GroupStore,
  planOutcomes,
  sameSchedule,
  scenarioNames,
  VARIANT_FLAGS,
  viewGroup,
  type Generation,
  type Group,
  type SofyScenario,
} from './run.js';
import { UPLOAD_ERRORS, uploadBuild } from './upload.js';

/** The account the simulated keys belong to (named in the abort answer, never the key). */
const SIMULATED_USER = guidFrom('sofy-simulator:user');

/** The vendor's own texts (§2-§5); the legacy ones marked "unconfirmed" are ASP.NET defaults. */
const MESSAGES = {
  triggered:
    'Test runs are scheduled and in queue, Login to https://devtest.sofy.ai/ for more info.',
  triggeredShort: 'Test runs are scheduled and in queue.',
  legacyTriggered:
    'Test runs are scheduled and in queue, Login to https://portal.sofy.ai for more info.',
  badSchedule: 'The scheduledRunGuid is either invalid or not found.',
  abortBadSchedule: 'Scheduled run ID not found or invalid.',
  badGroup: 'Test run ID not found or invalid.',
  missingHeaders: 'Missing required headers.',
  invalidKey: 'Invalid Auth Key.',
  internal: 'Internal Server Error.',
  invalidGuid: "Validation failed for parameter 'subscriptionAuth'. Invalid GUID.",
  uploaded: 'Application Upload Successful.',
  aborted: (guid: string) =>
    `Scheduled run ${guid} aborted by user ${SIMULATED_USER} successfully.`,
  nothingToAbort: (guid: string) =>
    `No test runs could be aborted for scheduled run ${guid}. ` +
    'They may have already completed or are in a non-abortable state.',
  // Legacy errors are undocumented (unconfirmed): ASP.NET Web API's own texts.
  legacyDenied: 'Authorization has been denied for this request.',
  legacyInvalid: 'The request is invalid.',
  legacyBadSchedule: 'The ScheduledID is either invalid or not found.',
  legacyBadAppHash: 'The AppHash is either invalid or not found.',
  badAppHash: 'The appHash is either invalid or not found.',
} as const;

/** Real builds are tens of megabytes; the framework's 1 MiB default would refuse them. */
const MAX_UPLOAD_BYTES = 256 * 1024 * 1024;

function oneOf(values: readonly string[]): (value: unknown) => string | undefined {
  return (value) =>
    value === null || values.includes(String(value))
      ? undefined
      : `expected one of ${values.join(', ')}`;
}

/** Sofy's own scenario knobs (the common ones are the framework's). */
const KNOBS: readonly KnobSpec[] = [
  {
    name: 'devices',
    type: 'integer',
    default: 2,
    min: 1,
    max: 20,
    placeholder: 'N',
    help: 'devices the schedule runs on (Pixel 7, Galaxy S23, …); each runs every scenario, so rows = tests × devices and failed/errored/skipped count per device',
  },
  {
    name: 'platform',
    type: 'string',
    default: 'ANDROID',
    placeholder: 'PLATFORM',
    help: 'ANDROID or IOS: the schedule’s application and device pool',
    check: oneOf(PLATFORMS),
  },
  {
    name: 'scheduleName',
    type: 'string',
    default: 'Nightly smoke',
    placeholder: 'NAME',
    help: 'the scheduled run’s name (scheduledRunName, Scheduled_Name)',
    check: (value) => (value === '' ? 'must not be empty' : undefined),
  },
  {
    name: 'emptyPolls',
    type: 'integer',
    default: 0,
    min: 0,
    max: 1000,
    placeholder: 'N',
    help: 'the first N status polls of a group answer with empty data (devices not assigned yet)',
  },
  {
    name: 'incompleteDevice',
    type: 'integer',
    default: null,
    nullable: true,
    min: 1,
    placeholder: 'N',
    help: 'device number N (1 = first) loses its connection: all its rows end Incomplete (null = none)',
  },
  {
    name: 'triggerShape',
    type: 'string',
    default: 'data',
    placeholder: 'SHAPE',
    help: 'trigger answer: data ({"data":[{"scheduleTestRunsGroupID":…}]}) or testGroupsRunId ({"testGroupsRunId":"…"})',
    check: oneOf(['data', 'testGroupsRunId']),
  },
  {
    name: 'uploadError',
    type: 'string',
    default: null,
    nullable: true,
    placeholder: 'KIND',
    help: `build uploads fail with a documented route error: ${Object.keys(UPLOAD_ERRORS).join(', ')} (null = only real problems: wrong file type, a file uploaded twice, …)`,
    check: oneOf(Object.keys(UPLOAD_ERRORS)),
  },
  {
    name: 'missingScheduleIds',
    type: 'idList',
    default: [],
    placeholder: 'ID,…',
    help: 'schedule ids (GUIDs or numeric ScheduledIDs) that do not exist; every other well-formed id does',
  },
];

const VARIANTS: Readonly<Record<string, string>> = {
  legacy: 'only api.sofy.ai exists: the current-generation paths answer 404',
  'ui-labels':
    'UI labels as statuses: Waiting for Device, Setting up Device … In Progress; In Queue, Complete with Errors, Stopped by User',
  'stopped-spelling': 'stopped rows say "Stopped" (as the docs list it) instead of "Run Stopped"',
  'unknown-status': 'rows still going show an unknown status ("Device Reconnecting") mid-run',
  'rows-one-device-at-a-time':
    'devices run one after another; a device’s rows appear when its turn comes',
};

interface RouteEntry {
  pattern: RegExp;
  generation: Generation;
  methods: Readonly<Record<string, string>>;
}

// Both servers match paths case-insensitively (Express and ASP.NET defaults).
const ROUTES: readonly RouteEntry[] = [
  {
    pattern: /^\/parser-microservice\/build-upload\/?$/i,
    generation: 'current',
    methods: { POST: 'upload' },
  },
  {
    pattern: /^\/scheduler-microservice\/scheduled-runs\/([^/]+)\/execute\/?$/i,
    generation: 'current',
    methods: { POST: 'trigger' },
  },
  {
    pattern: /^\/scheduler-microservice\/scheduled-runs\/([^/]+)\/status\/([^/]+)\/?$/i,
    generation: 'current',
    methods: { GET: 'status' },
  },
  {
    pattern: /^\/scheduler-microservice\/scheduled-runs\/([^/]+)\/test-run-groups\/?$/i,
    generation: 'current',
    methods: { GET: 'groups' },
  },
  {
    pattern: /^\/scheduler-microservice\/public\/test-run\/abort\/([^/]+)\/?$/i,
    generation: 'current',
    methods: { PUT: 'abort' },
  },
  {
    pattern: /^\/application-microservice\/public\/applications\/?$/i,
    generation: 'current',
    methods: { GET: 'applications' },
  },
  {
    pattern: /^\/device-microservice\/public\/devices\/([^/]+)\/?$/i,
    generation: 'current',
    methods: { GET: 'devices' },
  },
  {
    pattern: /^\/api\/CICD\/ScheduleAutomatedTestRun\/?$/i,
    generation: 'legacy',
    methods: { POST: 'legacyTrigger' },
  },
  {
    pattern: /^\/api\/CICD\/ScheduleAutomatedTestRunStatus\/?$/i,
    generation: 'legacy',
    methods: { POST: 'legacyStatus' },
  },
  {
    pattern: /^\/api\/AppTests\/buildUpload\/?$/i,
    generation: 'legacy',
    methods: { POST: 'legacyUpload' },
  },
];

const LEGACY_JSON_ROUTES = new Set(['legacyTrigger', 'legacyGroupStatus', 'legacyRows']);

/** A query parameter, its name matched case-blind (ASP.NET binding); '' counts as absent. */
function queryParam(query: URLSearchParams, name: string): string | undefined {
  for (const [key, value] of query) {
    if (key.toLowerCase() === name.toLowerCase() && value.trim() !== '') return value.trim();
  }
  return undefined;
}

/** A JSON property, its name matched case-blind (JSON.NET's default). */
function property(body: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(body).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : body[key];
}

function decodeSegment(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function error(status: number, message: string, details: string): SimResponse {
  return jsonResponse(status, errorBody(message, details));
}

function legacyError(status: number, message: string): SimResponse {
  return jsonResponse(status, legacyErrorBody(message));
}

/** A ScheduledID as JSON.NET binds an int: a whole number, or a string holding one. */
function scheduledId(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= 2 ** 31 - 1) {
    return String(value);
  }
  if (typeof value === 'string' && /^\s*\d{1,9}\s*$/.test(value) && Number(value) > 0) {
    return String(Number(value));
  }
  return undefined;
}

class SofyInstance implements VendorInstance {
  private readonly groups = new GroupStore();
  private readonly catalog = new Catalog();

  constructor(private readonly context: VendorContext) {}

  private scenarioFor(scheduleId: string): SofyScenario {
    return this.context.scenarioFor(scheduleId) as SofyScenario;
  }

  /** The route entry for a path (current entries vanish with the `legacy` variant). */
  private resolve(path: string): { entry: RouteEntry; ids: string[] } | undefined {
    const legacyOnly = parseVariant(this.context.scenario().variant, VARIANT_FLAGS).legacy;
    for (const entry of ROUTES) {
      if (legacyOnly && entry.generation === 'current') continue;
      const match = entry.pattern.exec(path);
      if (match) return { entry, ids: match.slice(1).map(decodeSegment) };
    }
    return undefined;
  }

  classify(method: string, path: string, query: URLSearchParams): RouteMatch {
    const route = this.resolve(path)?.entry.methods[method];
    // Routes that differ by a query parameter get their own names, so the request log shows
    // which one a client used (e.g. that an abort always named its group).
    if (route === 'abort' && queryParam(query, 'testRunGroupId') === undefined) {
      return { route: 'abortAll' };
    }
    if (route === 'legacyStatus') {
      const grouped = queryParam(query, 'ScheduleTestRunsGroupID') !== undefined;
      return { route: grouped ? 'legacyGroupStatus' : 'legacyRows' };
    }
    return { route: route ?? 'unknown' };
  }

  /** Whether `key` is the accepted key; without a configured key any GUID is. */
  private accepted(key: string): boolean {
    const configured = this.context.apiKey;
    if (configured === undefined) return isGuid(key);
    // A configured key that is no GUID (e.g. one --api-key for every vendor) still works.
    return key === configured || (isGuid(key) && key.toLowerCase() === configured.toLowerCase());
  }

  rejectUnauthorized(request: SimRequest, route: string): SimResponse | undefined {
    if (route === 'unknown') return undefined;
    if (route === 'legacyUpload') {
      return this.accepted(header(request.headers, 'subscriptionkey'))
        ? undefined
        : legacyError(401, MESSAGES.legacyDenied);
    }
    if (LEGACY_JSON_ROUTES.has(route)) {
      const body = request.body;
      // A body that is no JSON object carries no key to check; the handler answers 400.
      if (body.kind !== 'json' || typeof body.value !== 'object' || body.value === null) {
        return undefined;
      }
      const key = property(body.value as Record<string, unknown>, 'APIKey');
      return typeof key === 'string' && this.accepted(key.trim())
        ? undefined
        : legacyError(401, MESSAGES.legacyDenied);
    }
    const key = header(request.headers, 'x-sofy-auth-key');
    if (key === '') {
      // The abort page files this error under 401, every other page under 400 (§3.4, §5).
      const status = route === 'abort' || route === 'abortAll' ? 401 : 400;
      return error(status, MESSAGES.missingHeaders, 'The x-sofy-auth-key header is required.');
    }
    if (this.accepted(key)) return undefined;
    if (!isGuid(key)) return error(500, MESSAGES.internal, MESSAGES.invalidGuid);
    return error(401, MESSAGES.invalidKey, 'No active API key matches x-sofy-auth-key.');
  }

  handle(request: SimRequest, route: string): SimResponse {
    const now = this.context.now();
    const resolved = this.resolve(request.path);
    if (!resolved || route === 'unknown') return this.noRoute(request, resolved?.entry);
    const ids = resolved.ids;
    switch (route) {
      case 'upload':
        return this.upload(request, 'current');
      case 'trigger':
        return this.trigger(request, ids[0], now);
      case 'status':
        return this.status(ids[0], ids[1], now);
      case 'groups':
        return this.groupList(ids[0], now);
      case 'abort':
      case 'abortAll':
        return this.abort(request, ids[0], route === 'abortAll', now);
      case 'applications':
        return jsonResponse(200, applicationsAnswer(this.catalog.applications()));
      case 'devices':
        return this.devices(ids[0]);
      case 'legacyTrigger':
        return this.legacyTrigger(request, now);
      case 'legacyGroupStatus':
        return this.legacyGroupStatus(request, now);
      case 'legacyRows':
        return this.legacyRows(request, now);
      case 'legacyUpload':
        return this.upload(request, 'legacy');
      default:
        return this.noRoute(request, resolved.entry);
    }
  }

  reset(): void {
    this.groups.clear();
    this.catalog.reset();
  }

  private noRoute(request: SimRequest, entry: RouteEntry | undefined): SimResponse {
    const legacyHost =
      entry?.generation === 'legacy' ||
      (!entry &&
        (/^\/api\//i.test(request.path) ||
          parseVariant(this.context.scenario().variant, VARIANT_FLAGS).legacy));
    if (legacyHost) {
      // ASP.NET Web API's answers for a wrong method and for an unknown path.
      return entry
        ? legacyError(
            405,
            `The requested resource does not support http method '${request.method}'.`,
          )
        : legacyError(
            404,
            `No HTTP resource was found that matches the request URI '${this.context.origin}${request.path}'.`,
          );
    }
    return error(404, 'Not Found.', `Cannot ${request.method} ${request.path}`);
  }

  /** Whether a schedule exists: a well-formed id that `missingScheduleIds` does not list. */
  private scheduleExists(id: string, kind: 'guid' | 'numeric', scenario: SofyScenario): boolean {
    const wellFormed = kind === 'guid' ? isGuid(id) : scheduledId(id) !== undefined;
    return wellFormed && !scenario.missingScheduleIds.some((missing) => sameSchedule(missing, id));
  }

  private createGroup(
    scheduleId: string,
    generation: Generation,
    scenario: SofyScenario,
    now: number,
    build: Build | undefined,
    devices: Device[] | undefined,
  ): Group {
    const platform = scenario.platform as Platform;
    const chosen = devices ?? scheduleDevices(platform, scenario.devices);
    return this.groups.create({
      scheduleId,
      generation,
      scheduleName: scenario.scheduleName,
      platform,
      createdAt: now,
      scenario,
      variant: parseVariant(scenario.variant, VARIANT_FLAGS),
      // Without an appHash the schedule runs the latest build of its application (§3.2).
      build: build ?? this.catalog.latestBuild(this.catalog.scheduleApp(platform)),
      devices: chosen,
      scenarios: scenarioNames(scenario),
      outcomes: planOutcomes(scenario, chosen.length),
    });
  }

  private trigger(request: SimRequest, guid: string, now: number): SimResponse {
    const scenario = this.scenarioFor(guid);
    if (!this.scheduleExists(guid, 'guid', scenario)) {
      return error(400, MESSAGES.badSchedule, `No scheduled run with id "${guid}".`);
    }
    const appHash = queryParam(request.query, 'appHash');
    const build = appHash === undefined ? undefined : this.catalog.findBuild(appHash);
    if (appHash !== undefined && !build) {
      return error(400, MESSAGES.badAppHash, `No build with appHash "${appHash}".`);
    }
    // deviceSerials is unconfirmed (§3.2): serials from the devices endpoint pick the devices.
    const serials = queryParam(request.query, 'deviceSerials');
    let devices: Device[] | undefined;
    if (serials !== undefined) {
      const pool = devicePool(scenario.platform as Platform);
      const wanted = serials.split(',').map((serial) => serial.trim());
      const unknown = wanted.filter((serial) => !pool.some((device) => device.serial === serial));
      if (unknown.length > 0) {
        return error(400, 'Invalid device serials.', `Unknown serial(s): ${unknown.join(', ')}.`);
      }
      devices = pool.filter((device) => wanted.includes(device.serial));
    }
    const group = this.createGroup(guid, 'current', scenario, now, build, devices);
    if (scenario.triggerShape === 'testGroupsRunId') {
      return jsonResponse(200, {
        testGroupsRunId: String(group.id),
        message: MESSAGES.triggeredShort,
      });
    }
    return jsonResponse(200, {
      data: [{ scheduleTestRunsGroupID: group.id }],
      message: MESSAGES.triggered,
    });
  }

  private status(guid: string, groupId: string, now: number): SimResponse {
    if (!this.scheduleExists(guid, 'guid', this.scenarioFor(guid))) {
      return error(400, MESSAGES.badSchedule, `No scheduled run with id "${guid}".`);
    }
    const group = this.groups.find(guid, groupId);
    if (!group) {
      return error(
        400,
        MESSAGES.badGroup,
        `No test run group ${groupId} in scheduled run ${guid}.`,
      );
    }
    this.groups.countPoll(group);
    return jsonResponse(200, statusAnswer(group, viewGroup(group, now), this.hidden(group)));
  }

  /** `emptyPolls`: a fresh group's first polls find no rows (not after an abort). */
  private hidden(group: Group): boolean {
    return group.abort === null && group.polls <= group.scenario.emptyPolls;
  }

  private groupList(guid: string, now: number): SimResponse {
    if (!this.scheduleExists(guid, 'guid', this.scenarioFor(guid))) {
      return error(400, MESSAGES.badSchedule, `No scheduled run with id "${guid}".`);
    }
    return jsonResponse(
      200,
      this.groups.ofSchedule(guid).map((group) => groupListEntry(group, viewGroup(group, now))),
    );
  }

  /** §3.4: both outcomes are 200; without testRunGroupId every active group is aborted. */
  private abort(
    request: SimRequest,
    guid: string,
    allOfSchedule: boolean,
    now: number,
  ): SimResponse {
    if (!this.scheduleExists(guid, 'guid', this.scenarioFor(guid))) {
      return error(400, MESSAGES.abortBadSchedule, `No scheduled run with id "${guid}".`);
    }
    let aborted: boolean;
    if (allOfSchedule) {
      const results = this.groups.ofSchedule(guid).map((group) => abortGroup(group, now, true));
      aborted = results.includes(true);
    } else {
      const groupId = queryParam(request.query, 'testRunGroupId') ?? '';
      const group = this.groups.find(guid, groupId);
      if (!group) {
        return error(
          400,
          MESSAGES.badGroup,
          `No test run group ${groupId} in scheduled run ${guid}.`,
        );
      }
      aborted = abortGroup(group, now, false);
    }
    return jsonResponse(200, {
      message: aborted ? MESSAGES.aborted(guid) : MESSAGES.nothingToAbort(guid),
    });
  }

  private devices(platformText: string): SimResponse {
    const platform = PLATFORMS.find((candidate) => candidate === platformText.toUpperCase());
    if (!platform) {
      return error(400, 'Invalid platform.', `Expected ANDROID or IOS, got "${platformText}".`);
    }
    return jsonResponse(200, devicesAnswer(devicePool(platform)));
  }

  private upload(request: SimRequest, generation: Generation): SimResponse {
    const outcome = uploadBuild(this.catalog, {
      contentType: header(request.headers, 'content-type'),
      body: request.body.kind === 'none' ? '' : request.body.text,
      buildName:
        generation === 'current' ? (request.query.get('userFriendlyBuildName') ?? null) : null,
      forcedError: (this.context.scenario() as SofyScenario).uploadError,
    });
    if (generation === 'legacy') {
      // The legacy answer's shape is unconfirmed (§3.1): only its AppHash is known.
      return outcome.ok
        ? jsonResponse(200, { AppHash: outcome.build.appHash, Message: MESSAGES.uploaded })
        : legacyError(outcome.status, outcome.message);
    }
    return outcome.ok
      ? jsonResponse(200, { data: { appHash: outcome.build.appHash }, message: MESSAGES.uploaded })
      : error(outcome.status, outcome.message, outcome.details);
  }

  /** The JSON object body of a legacy call, or ASP.NET's 415/400. */
  private legacyBody(request: SimRequest): Record<string, unknown> | SimResponse {
    const contentType = header(request.headers, 'content-type');
    if (contentType !== '' && !/json/i.test(contentType)) {
      return legacyError(
        415,
        `The request entity's media type '${contentType.split(';')[0]}' is not supported for this resource.`,
      );
    }
    const body = request.body;
    if (body.kind !== 'json' || typeof body.value !== 'object' || body.value === null) {
      return legacyError(400, MESSAGES.legacyInvalid);
    }
    if (Array.isArray(body.value)) return legacyError(400, MESSAGES.legacyInvalid);
    return body.value as Record<string, unknown>;
  }

  /** The body's ScheduledID, or the 400 for a missing or malformed one. */
  private legacySchedule(
    request: SimRequest,
  ): { id: string; body: Record<string, unknown> } | SimResponse {
    const body = this.legacyBody(request);
    if (isResponse(body)) return body;
    const id = scheduledId(property(body, 'ScheduledID'));
    return id === undefined ? legacyError(400, MESSAGES.legacyInvalid) : { id, body };
  }

  private legacyTrigger(request: SimRequest, now: number): SimResponse {
    const parsed = this.legacySchedule(request);
    if (isResponse(parsed)) return parsed;
    const scenario = this.scenarioFor(parsed.id);
    if (!this.scheduleExists(parsed.id, 'numeric', scenario)) {
      return legacyError(400, MESSAGES.legacyBadSchedule);
    }
    const appHash = property(parsed.body, 'AppHash');
    let build: Build | undefined;
    if (typeof appHash === 'string' && appHash.trim() !== '') {
      build = this.catalog.findBuild(appHash);
      if (!build) return legacyError(400, MESSAGES.legacyBadAppHash);
    }
    const group = this.createGroup(parsed.id, 'legacy', scenario, now, build, undefined);
    return jsonResponse(200, {
      Message: MESSAGES.legacyTriggered,
      ScheduleTestRunsGroupID: group.id,
    });
  }

  /** With `?ScheduleTestRunsGroupID=`: that group's status; an unknown group gives `[]`. */
  private legacyGroupStatus(request: SimRequest, now: number): SimResponse {
    const parsed = this.legacySchedule(request);
    if (isResponse(parsed)) return parsed;
    const groupId = queryParam(request.query, 'ScheduleTestRunsGroupID') ?? '';
    if (!/^\d{1,15}$/.test(groupId)) return legacyError(400, MESSAGES.legacyInvalid);
    const group = this.groups.find(parsed.id, groupId);
    if (!group) return jsonResponse(200, []);
    this.groups.countPoll(group);
    return jsonResponse(200, legacyGroupAnswer(group, viewGroup(group, now)));
  }

  /** Without the query: per-run rows of the schedule's latest group (unconfirmed, §3.3). */
  private legacyRows(request: SimRequest, now: number): SimResponse {
    const parsed = this.legacySchedule(request);
    if (isResponse(parsed)) return parsed;
    const group = this.groups.ofSchedule(parsed.id)[0];
    if (!group) return jsonResponse(200, []);
    this.groups.countPoll(group);
    return jsonResponse(200, legacyRowsAnswer(group, viewGroup(group, now), this.hidden(group)));
  }
}

export const sofySimulator: VendorDefinition = {
  name: 'sofy',
  // Both hosts' paths hang off the origin, so the printed base URL is the origin itself.
  basePath: '',
  title: 'Sofy',
  knobs: KNOBS,
  variants: VARIANTS,
  maxBodyBytes: MAX_UPLOAD_BYTES,
  crossCheck(scenario: Scenario): string | undefined {
    const sofy = scenario as SofyScenario;
    if (sofy.incompleteDevice !== null && sofy.incompleteDevice > sofy.devices) {
      return `incompleteDevice (${sofy.incompleteDevice}) exceeds devices (${sofy.devices})`;
    }
    if (sofy.pollsToComplete !== null && sofy.emptyPolls >= sofy.pollsToComplete) {
      return (
        `emptyPolls (${sofy.emptyPolls}) must be less than pollsToComplete ` +
        `(${sofy.pollsToComplete}): the completing poll shows the rows`
      );
    }
    return undefined;
  },
  create: (context) => new SofyInstance(context),
};
