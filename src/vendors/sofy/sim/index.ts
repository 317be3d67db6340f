// The Sofy simulator: routes, auth and request dispatch for both API generations on one
// server, told apart by path (vendor-apis/sofy.md §2-§6). The routes are in routes.ts, the
// handlers in current.ts, legacy.ts and upload.ts, what they share in schedules.ts, texts and
// request reading in wire.ts, group state in run.ts, answer shapes in format.ts, applications
// and devices in catalog.ts, knobs and variants in knobs.ts.
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
  jsonResponse,
  parseVariant,
  type RouteMatch,
  type SimRequest,
  type SimResponse,
  type VendorContext,
  type VendorDefinition,
  type VendorInstance,
} from '../../../simulator/kit.js';
import { isGuid } from './catalog.js';
import { abort, devices, groupList, status, trigger } from './current.js';
import { applicationsAnswer } from './format.js';
import { SOFY_KNOBS, SOFY_VARIANTS, sofyCrossCheck } from './knobs.js';
import { legacyGroupStatus, legacyRows, legacyTrigger } from './legacy.js';
import { LEGACY_JSON_ROUTES, resolveRoute, type RouteEntry } from './routes.js';
import { VARIANT_FLAGS } from './run.js';
import { Schedules } from './schedules.js';
import { MAX_UPLOAD_BYTES, upload } from './upload.js';
import { error, legacyError, MESSAGES, property, queryParam } from './wire.js';

class SofyInstance implements VendorInstance {
  private readonly schedules: Schedules;

  constructor(private readonly context: VendorContext) {
    this.schedules = new Schedules(context);
  }

  private resolve(path: string): { entry: RouteEntry; ids: string[] } | undefined {
    return resolveRoute(path, parseVariant(this.context.scenario().variant, VARIANT_FLAGS).legacy);
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
    const s = this.schedules;
    const resolved = this.resolve(request.path);
    if (!resolved || route === 'unknown') return this.noRoute(request, resolved?.entry);
    const ids = resolved.ids;
    switch (route) {
      case 'upload':
        return upload(s, request, 'current');
      case 'trigger':
        return trigger(s, request, ids[0], now);
      case 'status':
        return status(s, ids[0], ids[1], now);
      case 'groups':
        return groupList(s, ids[0], now);
      case 'abort':
      case 'abortAll':
        return abort(s, request, ids[0], route === 'abortAll', now);
      case 'applications':
        return jsonResponse(200, applicationsAnswer(s.catalog.applications()));
      case 'devices':
        return devices(ids[0]);
      case 'legacyTrigger':
        return legacyTrigger(s, request, now);
      case 'legacyGroupStatus':
        return legacyGroupStatus(s, request, now);
      case 'legacyRows':
        return legacyRows(s, request, now);
      case 'legacyUpload':
        return upload(s, request, 'legacy');
      default:
        return this.noRoute(request, resolved.entry);
    }
  }

  reset(): void {
    this.schedules.reset();
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
}

export const sofySimulator: VendorDefinition = {
  name: 'sofy',
  // Both hosts' paths hang off the origin, so the printed base URL is the origin itself.
  basePath: '',
  title: 'Sofy',
  knobs: SOFY_KNOBS,
  variants: SOFY_VARIANTS,
  maxBodyBytes: MAX_UPLOAD_BYTES,
  crossCheck: sofyCrossCheck,
  create: (context) => new SofyInstance(context),
};
