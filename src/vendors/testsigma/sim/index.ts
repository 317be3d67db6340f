// The Testsigma simulator: routes, auth, request handling and error bodies for both API
// flavours (vendor-apis/testsigma.md §2-§7). Run state lives in run.ts; the shapes
// of what is written back live in format.ts.
//
// Both path families are always served, so a client can use either:
//   cloud        POST /api/v1/execution_results            trigger (body `executionId`)
//                GET  /api/v1/execution_results/{id}       poll
//                PUT  /api/v1/execution_results/{id}       stop, body {"result":"STOPPED"}
//                PUT  /api/v1/execution_results            stop (documented form, `canStopAll`)
//                GET  /api/v1/execution_results/{id}/test_case_results
//                GET  /api/v1/test_case_results?executionResultId={id}&page=&size=
//   self-hosted  POST /api/v1/test_plan_results            trigger (body `testPlanId`)
//                GET  /api/v1/test_plan_results/{id}       poll (snake_case)
//                PUT  /api/v1/test_plan_results/{id}       stop
//   both         GET  /api/v1/reports/junit/{id}           JUnit (plain text until complete)
//   page         GET  /ui/td/runs/{id}                     run page (where run URLs point)
// With the `self-hosted` variant the cloud paths answer 404, so a mis-set flavour shows.

import type { IncomingHttpHeaders } from 'node:http';
import {
  header,
  isResponse,
  jsonResponse,
  type KnobSpec,
  parseVariant,
  type RequestBody,
  type RouteMatch,
  type SimRequest,
  type SimResponse,
  textResponse,
  type VendorContext,
  type VendorDefinition,
  type VendorInstance,
} from '../../../simulator/kit.js';
import {
  apiErrorBody,
  junitXml,
  runObject,
  runPageHtml,
  testCaseResultPage,
  testCaseResultsObject,
  type RunSnapshot,
} from './format.js';
import {
  completionTime,
  createdView,
  finalResultOf,
  MESSAGES,
  planTests,
  RunStore,
  stopRun,
  VARIANT_FLAGS,
  viewRun,
  type Flavour,
  type Run,
  type TestsigmaScenario,
} from './run.js';

const BASE_PATH = '/api/v1';
const JUNIT_NOT_READY = 'Report generation failed, Test plan run is not completed';

/** Testsigma's own scenario knobs (the common ones are the framework's). */
const KNOBS: readonly KnobSpec[] = [
  {
    name: 'machines',
    type: 'integer',
    default: 1,
    min: 1,
    max: 50,
    placeholder: 'N',
    help: 'machines (devices) the tests are split over; one JUnit <testsuite> each',
  },
  {
    name: 'result',
    type: 'string',
    default: null,
    nullable: true,
    placeholder: 'RESULT',
    help: 'force the final run result (SUCCESS, FAILURE, ABORTED, NOT_EXECUTED, QUEUED, STOPPED, or any other upper-case value); null = from the outcome mix',
    check: (value) =>
      typeof value === 'string' && !/^[A-Z][A-Z0-9_]*$/.test(value)
        ? 'expected an upper-case result value such as FAILURE or STOPPED'
        : undefined,
  },
  {
    name: 'junitLagSeconds',
    type: 'number',
    default: 0,
    min: 0,
    placeholder: 'S',
    help: 'the JUnit report stays "not completed" for this long after the run completes',
  },
  {
    name: 'rejectParallel',
    type: 'boolean',
    default: null,
    nullable: true,
    placeholder: '',
    help: 'a second trigger of a plan that is still running answers 500 (null = only with variant self-hosted)',
  },
  {
    name: 'triggerFailsAfterCreate',
    type: 'boolean',
    default: false,
    placeholder: '',
    help: 'the trigger creates a run that is at once COMPLETED/STOPPED with an error, and answers 500',
  },
  {
    name: 'missingPlanIds',
    type: 'idList',
    default: [],
    placeholder: 'ID,…',
    help: 'plan ids that do not exist (trigger answers 404)',
  },
  {
    name: 'planName',
    type: 'string',
    default: 'Nightly regression',
    placeholder: 'NAME',
    help: 'the test plan name (JUnit suite names, run page, error texts)',
    check: (value) => (value === '' ? 'must not be empty' : undefined),
  },
  {
    name: 'iterations',
    type: 'integer',
    default: 0,
    min: 0,
    max: 100,
    placeholder: 'N',
    help: 'data-driven iterations per test in test_case_results (0 = not data-driven)',
  },
  {
    name: 'apiDisabled',
    type: 'boolean',
    default: false,
    placeholder: '',
    help: 'self-hosted: API access is switched off (401 "API disabled…")',
  },
];

const VARIANTS: Readonly<Record<string, string>> = {
  'self-hosted':
    'open-source server: cloud paths answer 404, 401 bodies are bare strings, parallel runs rejected',
  'docs-spelling': 'results PASSED/FAILED instead of SUCCESS/FAILURE',
  'null-counts': 'counts are null instead of 0 until known',
  'unknown-status': `an unknown status (STATUS_WAITING_FOR_DEVICE) appears mid-run`,
  'control-chars': 'raw control characters in failure messages (JUnit, test_case_results list)',
  rerun: 'automatic re-run child; consolidatedStatus/consolidatedResult lag the first attempt',
  'queued-phases': 'STATUS_QUEUED and STATUS_PRE_FLIGHT appear before STATUS_IN_PROGRESS',
};

type Family = Flavour | 'shared';

interface RouteEntry {
  pattern: RegExp;
  family: Family;
  methods: Readonly<Record<string, string>>;
}

const ROUTES: readonly RouteEntry[] = [
  { pattern: /^\/execution_results$/, family: 'cloud', methods: { POST: 'trigger', PUT: 'stop' } },
  {
    pattern: /^\/execution_results\/([^/]+)$/,
    family: 'cloud',
    methods: { GET: 'poll', PUT: 'stop' },
  },
  {
    pattern: /^\/execution_results\/([^/]+)\/test_case_results$/,
    family: 'cloud',
    methods: { GET: 'testCaseResults' },
  },
  { pattern: /^\/test_case_results$/, family: 'cloud', methods: { GET: 'testCaseResultList' } },
  { pattern: /^\/test_plan_results$/, family: 'self-hosted', methods: { POST: 'trigger' } },
  {
    pattern: /^\/test_plan_results\/([^/]+)$/,
    family: 'self-hosted',
    methods: { GET: 'poll', PUT: 'stop' },
  },
  { pattern: /^\/reports\/junit\/([^/]+)$/, family: 'shared', methods: { GET: 'junit' } },
];

const RUN_PAGE = /^\/ui\/td\/runs\/([^/]+)$/;

function error(status: number, message: string): SimResponse {
  return jsonResponse(status, apiErrorBody(message));
}

/** The self-hosted auth filter writes a bare string with a JSON content type. */
function bareString(status: number, text: string): SimResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: text };
}

function bearerToken(headers: IncomingHttpHeaders): string {
  const value = header(headers, 'authorization');
  return value.startsWith('Bearer ') ? value.slice('Bearer '.length).trim() : '';
}

/** A path id as Spring would convert it to a Long. */
function pathId(text: string): number | SimResponse {
  if (/^\d{1,15}$/.test(text)) return Number(text);
  return error(
    400,
    `Failed to convert value of type 'java.lang.String' to required type 'java.lang.Long'; ` +
      `nested exception is java.lang.NumberFormatException: For input string: "${text}"`,
  );
}

/** A plan id from a JSON body (number or numeric string), as its string key. */
function bodyId(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === 'string' && /^\s*\d{1,15}\s*$/.test(value)) return String(Number(value));
  return undefined;
}

function parseError(detail: string): SimResponse {
  return error(400, `JSON parse error: ${detail}`);
}

/** The JSON object body of a trigger or stop, or the 400/415 the server would answer. */
function objectBody(request: SimRequest): Record<string, unknown> | SimResponse {
  const contentType = header(request.headers, 'content-type');
  if (contentType !== '' && !/json/i.test(contentType)) {
    return error(415, `Content type '${contentType}' not supported`);
  }
  const body: RequestBody = request.body;
  if (body.kind === 'none') return error(400, 'Required request body is missing');
  if (body.kind === 'invalid') return parseError(body.error);
  if (body.value === null || typeof body.value !== 'object' || Array.isArray(body.value)) {
    return parseError('Cannot deserialize the request from a non-object JSON value');
  }
  return body.value as Record<string, unknown>;
}

/** `buildNo` as a string; an unquoted number keeps its exact digits from the raw body. */
function buildNumber(value: unknown, rawBody: string): string | null | SimResponse {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    const raw = /"buildNo"\s*:\s*(-?\d[\d.eE+-]*)/.exec(rawBody);
    return raw ? raw[1] : String(value);
  }
  return parseError('Cannot deserialize value of type `java.lang.String` for "buildNo"');
}

class TestsigmaInstance implements VendorInstance {
  private readonly runs = new RunStore();

  constructor(private readonly context: VendorContext) {}

  private selfHostedOnly(): boolean {
    return parseVariant(this.context.scenario().variant, VARIANT_FLAGS).selfHosted;
  }

  /** The route entry for an API path (cloud entries vanish with the `self-hosted` variant). */
  private resolve(path: string): { entry: RouteEntry; id?: string } | undefined {
    if (!path.startsWith(`${BASE_PATH}/`)) return undefined;
    const subpath = path.slice(BASE_PATH.length);
    const selfHostedOnly = this.selfHostedOnly();
    for (const entry of ROUTES) {
      if (selfHostedOnly && entry.family === 'cloud') continue;
      const match = entry.pattern.exec(subpath);
      if (match) return { entry, id: match[1] };
    }
    return undefined;
  }

  classify(method: string, path: string): RouteMatch {
    if (method === 'GET' && RUN_PAGE.test(path)) return { route: 'ui', page: true };
    const resolved = this.resolve(path);
    return { route: resolved?.entry.methods[method] ?? 'unknown' };
  }

  /** Which flavour's rules (auth, JSON casing) apply to a request on `path`. */
  private flavourOf(path: string): Flavour {
    if (this.selfHostedOnly()) return 'self-hosted';
    const resolved = this.resolve(path);
    if (!resolved) {
      return path.startsWith(`${BASE_PATH}/test_plan_results`) ? 'self-hosted' : 'cloud';
    }
    if (resolved.entry.family !== 'shared') return resolved.entry.family;
    // Shared routes (JUnit) follow the flavour the run was triggered with.
    const id = Number(resolved.id);
    return this.runs.get(id)?.flavour ?? 'cloud';
  }

  rejectUnauthorized(request: SimRequest, route: string): SimResponse | undefined {
    if (
      route === 'ui' ||
      !(request.path === BASE_PATH || request.path.startsWith(`${BASE_PATH}/`))
    ) {
      return undefined;
    }
    const accepted = (key: string): boolean =>
      key !== '' && (this.context.apiKey === undefined || key === this.context.apiKey);
    if (this.flavourOf(request.path) === 'self-hosted') {
      // APIAuthenticationFilter: X-TS-API-KEY first, then "Bearer <key>".
      const key = header(request.headers, 'x-ts-api-key') || bearerToken(request.headers);
      if (key === '') return bareString(401, 'No API Key Found In Request Headers');
      if ((this.context.scenario() as TestsigmaScenario).apiDisabled) {
        return bareString(401, 'API disabled. Please change the settings to enable API');
      }
      return accepted(key) ? undefined : bareString(401, 'Incorrect API Key');
    }
    // The cloud's 401 body is undocumented; a small error object in the server's usual shape.
    const key = bearerToken(request.headers);
    if (key === '') {
      return error(401, 'Full authentication is required: send "Authorization: Bearer <API key>"');
    }
    return accepted(key) ? undefined : error(401, 'Invalid API key');
  }

  handle(request: SimRequest, route: string): SimResponse {
    const now = this.context.now();
    if (route === 'ui') return this.runPage(request.path, now);
    const resolved = this.resolve(request.path);
    if (!resolved || route === 'unknown') return this.noRoute(request, resolved?.entry);
    const flavour = this.flavourOf(request.path);
    switch (route) {
      case 'trigger':
        return this.trigger(request, flavour, now);
      case 'poll':
        return this.withRun(resolved.id!, now, (run) => {
          this.runs.countPoll(run, now);
          return jsonResponse(200, runObject(this.snapshot(run, now), flavour, now));
        });
      case 'stop':
        return resolved.id === undefined
          ? this.stopAll(request, now)
          : this.stopOne(request, resolved.id, flavour, now);
      case 'testCaseResults':
        return this.withRun(resolved.id!, now, (run) =>
          jsonResponse(200, testCaseResultsObject(run, viewRun(run, now))),
        );
      case 'testCaseResultList':
        return this.testCaseResultList(request, now);
      case 'junit':
        return this.withRun(resolved.id!, now, (run) => this.junit(run, now));
      default:
        return this.noRoute(request, resolved.entry);
    }
  }

  reset(): void {
    this.runs.clear();
  }

  private snapshot(run: Run, now: number): RunSnapshot {
    const child = this.runs.child(run);
    return {
      run,
      view: viewRun(run, now),
      child: child ? { run: child, view: viewRun(child, now) } : undefined,
    };
  }

  private withRun(idText: string, now: number, use: (run: Run) => SimResponse): SimResponse {
    const id = pathId(idText);
    if (isResponse(id)) return id;
    const run = this.runs.lookup(id, now);
    if (!run) return error(404, `Resource not found for id: ${id}`);
    return use(run);
  }

  private noRoute(request: SimRequest, entry: RouteEntry | undefined): SimResponse {
    if (entry) {
      const allowed = Object.keys(entry.methods);
      return jsonResponse(
        405,
        apiErrorBody(
          `${request.method} method is not supported for this request. Supported methods are ${allowed.join(' ')} `,
        ),
        { allow: allowed.join(', ') },
      );
    }
    return error(404, `No handler found for ${request.method} ${request.path}`);
  }

  private trigger(request: SimRequest, flavour: Flavour, now: number): SimResponse {
    const body = objectBody(request);
    if (isResponse(body)) return body;
    const field = flavour === 'cloud' ? 'executionId' : 'testPlanId';
    const rawPlanId = body[field];
    // The server looks the plan up by a null id and fails with a 500 (§5).
    if (rawPlanId === undefined || rawPlanId === null)
      return error(500, 'The given id must not be null!');
    const planKey = bodyId(rawPlanId);
    if (planKey === undefined) {
      return parseError(
        `Cannot deserialize value of type \`java.lang.Long\` from ${JSON.stringify(rawPlanId)} for "${field}"`,
      );
    }
    const buildNo = buildNumber(
      body.buildNo,
      request.body.kind === 'json' ? request.body.text : '',
    );
    if (isResponse(buildNo)) return buildNo;
    const runtimeData = body.runtimeData;
    if (
      runtimeData !== undefined &&
      runtimeData !== null &&
      (typeof runtimeData !== 'object' || Array.isArray(runtimeData))
    ) {
      return parseError('Cannot deserialize value of type `java.util.Map` for "runtimeData"');
    }
    const environmentId =
      body.environmentId === undefined || body.environmentId === null
        ? null
        : bodyId(body.environmentId);
    if (environmentId === undefined) {
      return parseError('Cannot deserialize value of type `java.lang.Long` for "environmentId"');
    }

    const scenario = this.context.scenarioFor(planKey) as TestsigmaScenario;
    const variant = parseVariant(scenario.variant, VARIANT_FLAGS);
    if (scenario.missingPlanIds.includes(planKey)) {
      return error(404, `Resource not found for id: ${planKey}`);
    }
    const rejectParallel = scenario.rejectParallel ?? variant.selfHosted;
    if (rejectParallel && this.runs.activeRunOf(planKey, now)) {
      return error(500, MESSAGES.alreadyRunning);
    }
    const run = this.runs.create({
      planKey,
      planIdValue: Number(planKey),
      planName: scenario.planName,
      flavour,
      buildNo,
      environmentId: environmentId === null ? null : Number(environmentId),
      createdAt: now,
      scenario,
      variant,
      tests: planTests(scenario, variant),
      finalResult: finalResultOf(scenario),
      parentId: null,
    });
    if (scenario.triggerFailsAfterCreate) {
      // §5: the run exists (COMPLETED/STOPPED, the error as its message), the answer is a 500.
      run.failedToStart = MESSAGES.agentInactive;
      return error(500, MESSAGES.agentInactive);
    }
    return jsonResponse(
      200,
      runObject({ run, view: createdView(run), forTrigger: true }, flavour, now),
    );
  }

  private stopOne(request: SimRequest, idText: string, flavour: Flavour, now: number): SimResponse {
    const body = objectBody(request);
    if (isResponse(body)) return body;
    return this.withRun(idText, now, (run) => {
      // Only {"result":"STOPPED"} stops; other updates leave the run as it is.
      if (body.result !== 'STOPPED') {
        return jsonResponse(200, runObject(this.snapshot(run, now), flavour, now));
      }
      if (viewRun(run, now).terminal) {
        return error(500, `No Queued executions for test plan - ${run.planName}`);
      }
      const view = stopRun(run, now);
      // §3.5: the stop answer carries the counts from before the stop (stale).
      return jsonResponse(200, runObject({ run, view }, flavour, now));
    });
  }

  /** The documented cloud form: `PUT /execution_results` with `canStopAll` (default true). */
  private stopAll(request: SimRequest, now: number): SimResponse {
    const body = objectBody(request);
    if (isResponse(body)) return body;
    if (body.result !== 'STOPPED') return error(400, 'Only {"result":"STOPPED"} is supported here');
    const planKey = body.executionId === undefined ? undefined : bodyId(body.executionId);
    let targets = this.runs
      .active(now)
      .filter((run) => planKey === undefined || run.planKey === planKey);
    if (body.canStopAll === false) targets = targets.slice(-1);
    if (targets.length === 0) {
      const planName = (this.context.scenarioFor(planKey ?? '') as TestsigmaScenario).planName;
      return error(500, `No Queued executions for test plan - ${planName}`);
    }
    const answers = targets.map((run) => ({ run, view: stopRun(run, now) }));
    return jsonResponse(200, runObject(answers[answers.length - 1], 'cloud', now));
  }

  private junit(run: Run, now: number): SimResponse {
    const completedAt = completionTime(run, now);
    if (completedAt === null || now < completedAt + run.scenario.junitLagSeconds * 1000) {
      // §3.3: HTTP 200 with plain text, not an error status.
      return textResponse(200, JUNIT_NOT_READY, 'text/plain');
    }
    return textResponse(
      200,
      junitXml(run, viewRun(run, now), this.context.origin),
      'application/xml',
    );
  }

  private testCaseResultList(request: SimRequest, now: number): SimResponse {
    const idText = request.query.get('executionResultId');
    if (idText === null) {
      return error(400, "Required request parameter 'executionResultId' is not present");
    }
    const id = pathId(idText);
    if (isResponse(id)) return id;
    const page = Number(request.query.get('page') ?? '0');
    const size = Number(request.query.get('size') ?? '20');
    if (!Number.isInteger(page) || page < 0 || !Number.isInteger(size) || size < 1 || size > 2000) {
      return error(400, 'page must be an integer ≥ 0 and size an integer from 1 to 2000');
    }
    const run = this.runs.lookup(id, now);
    const body = testCaseResultPage(run, run ? viewRun(run, now) : undefined, page, size);
    return { status: 200, headers: { 'content-type': 'application/json' }, body };
  }

  private runPage(path: string, now: number): SimResponse {
    const idText = RUN_PAGE.exec(path)?.[1] ?? '';
    const run = /^\d{1,15}$/.test(idText) ? this.runs.lookup(Number(idText), now) : undefined;
    return textResponse(
      run ? 200 : 404,
      runPageHtml(run, run ? viewRun(run, now) : undefined, idText),
      'text/html; charset=utf-8',
    );
  }
}

export const testsigmaSimulator: VendorDefinition = {
  name: 'testsigma',
  basePath: BASE_PATH,
  title: 'Testsigma',
  knobs: KNOBS,
  variants: VARIANTS,
  create: (context) => new TestsigmaInstance(context),
};
