// The Squish Test Center simulator: routes, auth and request handling of the Execution API,
// the Results API subset and the plan page (vendor-apis/squish-test-center.md §2-§7). The
// execution model lives in plan.ts, answer shapes in format.ts, the Results API
// in results.ts, the Squish server registry in servers.ts, knobs and variants in
// knobs.ts, credentials in auth.ts and request parsing in request.ts.
//
// The printed base URL is the server origin; clients append the API prefixes themselves:
//   GET    /execution/v1/testplans?project=&title=&type=    lookup     (one object, not a list)
//   GET    /execution/v1/testplans/{id}                     plan       (400 for unknown ids)
//   POST   /execution/v1/executeplan                        trigger    (201)
//   GET    /execution/v1/status/{id}[?<key>=<value>…]       poll
//   POST   /execution/v1/reserve/{id}                       reserve    (failures are 200)
//   POST   /execution/v1/heartbeat/{executionId}            heartbeat
//   POST   /execution/v1/finished/{executionId}             finished
//   POST   /execution/v1/reset/{executionId}                reset
//   GET    /execution/v1/squishservers                      servers
//   POST   /execution/v1/squishservers                      addServer
//   PATCH  /execution/v1/squishservers/{id}                 updateServer
//   DELETE /execution/v1/squishservers/{id}                 removeServer
//   GET    /api/v1/{batches,reports,tests,events}           see results.ts
//   GET    /testplans/{id}                                  the plan page (no auth, not logged)
// The second column is the route name in the request log and in `faultsAt`.

import {
  escapeMarkup,
  isResponse,
  jsonResponse,
  parseVariant,
  type RouteMatch,
  type SimRequest,
  type SimResponse,
  textResponse,
  type VendorContext,
  type VendorDefinition,
  type VendorInstance,
} from '../../../simulator/kit.js';
import { refuseRequest } from './auth.js';
import {
  errorBody,
  instanceObject,
  instancePageHtml,
  notFoundPageHtml,
  RESERVATION,
  reservationObject,
  serverObject,
  statusObject,
  templateObject,
  templatePageHtml,
} from './format.js';
import { SQUISH_KNOBS, SQUISH_VARIANTS, squishCrossCheck } from './knobs.js';
import {
  advance,
  finishExecution,
  hasLabels,
  parseTemplates,
  PlanStore,
  statusCounts,
  VARIANT_FLAGS,
  type Execution,
  type Instance,
  type Label,
  type SquishScenario,
  type Template,
} from './plan.js';
import {
  error,
  matchTitles,
  numericId,
  objectBody,
  parseExecutePlan,
  timeoutOf,
} from './request.js';
import { classifyResults, isResultsPath, ResultsApi } from './results.js';
import { parseLabels, parseServerFields, ServerRegistry } from './servers.js';

const EXECUTION_BASE = '/execution/v1';
const PLAN_PAGE = /^\/testplans\/([^/]+)$/;
// Test Center's documented web address for a project (squishrunner's report generator links
// there); TestRelay's run links point at it.
const PROJECT_PAGE = /^\/project\/([^/]+)$/;

interface RouteEntry {
  pattern: RegExp;
  methods: Readonly<Record<string, string>>;
}

const ROUTES: readonly RouteEntry[] = [
  { pattern: /^\/testplans$/, methods: { GET: 'lookup' } },
  { pattern: /^\/testplans\/([^/]+)$/, methods: { GET: 'plan' } },
  { pattern: /^\/executeplan$/, methods: { POST: 'trigger' } },
  { pattern: /^\/status\/([^/]+)$/, methods: { GET: 'poll' } },
  { pattern: /^\/reserve\/([^/]+)$/, methods: { POST: 'reserve' } },
  { pattern: /^\/heartbeat\/([^/]+)$/, methods: { POST: 'heartbeat' } },
  { pattern: /^\/finished\/([^/]+)$/, methods: { POST: 'finished' } },
  { pattern: /^\/reset\/([^/]+)$/, methods: { POST: 'reset' } },
  { pattern: /^\/squishservers$/, methods: { GET: 'servers', POST: 'addServer' } },
  {
    pattern: /^\/squishservers\/([^/]+)$/,
    methods: { PATCH: 'updateServer', DELETE: 'removeServer' },
  },
];

/** A path segment decoded, or left as it is when it is not valid percent-encoding. */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function isExecutionPath(path: string): boolean {
  return path === EXECUTION_BASE || path.startsWith(`${EXECUTION_BASE}/`);
}

function resolve(path: string): { entry: RouteEntry; id?: string } | undefined {
  if (!isExecutionPath(path)) return undefined;
  const subpath = path.slice(EXECUTION_BASE.length);
  for (const entry of ROUTES) {
    const match = entry.pattern.exec(subpath);
    if (match) return { entry, id: match[1] === undefined ? undefined : safeDecode(match[1]) };
  }
  return undefined;
}

class SquishInstance implements VendorInstance {
  private readonly plans = new PlanStore();
  private readonly servers = new ServerRegistry();
  private readonly results = new ResultsApi();

  constructor(private readonly context: VendorContext) {}

  private scenario(): SquishScenario {
    return this.context.scenario() as SquishScenario;
  }

  private templates(): Template[] {
    return parseTemplates(this.scenario().templates);
  }

  classify(method: string, path: string): RouteMatch {
    if (method === 'GET' && (PLAN_PAGE.test(path) || PROJECT_PAGE.test(path))) {
      return { route: 'page', page: true };
    }
    if (isResultsPath(path)) {
      return this.scenario().resultsApi ? classifyResults(method, path) : { route: 'unknown' };
    }
    return { route: resolve(path)?.entry.methods[method] ?? 'unknown' };
  }

  rejectUnauthorized(request: SimRequest, route: string): SimResponse | undefined {
    const results = isResultsPath(request.path);
    if (route === 'page' || (!results && !isExecutionPath(request.path))) return undefined;
    // A server without the Results API answers its plain 404 whoever asks.
    if (results && !this.scenario().resultsApi) return undefined;
    return refuseRequest(request.headers, this.context.apiKey, this.scenario(), results);
  }

  handle(request: SimRequest, route: string): SimResponse {
    const now = this.context.now();
    if (route === 'page') return this.page(request.path, now);
    if (isResultsPath(request.path)) {
      if (!this.scenario().resultsApi) return error(404, `Not Found: ${request.path}`);
      return this.results.handle(request, route, this.advanceAll(now), this.projects(), now);
    }
    const resolved = resolve(request.path);
    if (!resolved) return error(404, `Not Found: ${request.path}`);
    if (route === 'unknown') {
      const allowed = Object.keys(resolved.entry.methods).join(', ');
      return jsonResponse(405, errorBody(405, `Method ${request.method} not allowed`), {
        allow: allowed,
      });
    }
    const id = resolved.id;
    switch (route) {
      case 'lookup':
        return this.lookup(request, now);
      case 'plan':
        return this.plan(id!, now);
      case 'trigger':
        return this.trigger(request, now);
      case 'poll':
        return this.poll(request, id!, now);
      case 'reserve':
        return this.reserve(request, id!, now);
      case 'heartbeat':
        return this.heartbeat(request, id!, now);
      case 'finished':
        return this.finished(request, id!, now);
      case 'reset':
        return this.resetExecution(id!, now);
      default:
        return this.serverRoute(request, route, id, now);
    }
  }

  reset(): void {
    this.plans.clear();
    this.servers.reset();
    this.results.reset();
  }

  // -------------------------------------------------------------------------------------------
  // Test plans

  private lookup(request: SimRequest, now: number): SimResponse {
    for (const name of ['project', 'title', 'type']) {
      if ((request.query.get(name) ?? '').trim() === '') {
        return error(400, `Missing required query parameter '${name}'`);
      }
    }
    const project = request.query.get('project')!;
    const title = request.query.get('title')!;
    const type = request.query.get('type')!.trim();
    if (type !== 'template' && type !== 'instance') {
      return error(
        400,
        `Invalid value for 'type': expected "template" or "instance", got "${type}"`,
      );
    }
    const variant = parseVariant(this.scenario().variant, VARIANT_FLAGS);
    const candidates =
      type === 'template'
        ? this.templates().map((template) => ({
            id: template.id,
            project: template.project,
            title: template.title,
            answer: () => templateObject(template, variant, now),
          }))
        : this.plans.all().map((instance) => ({
            id: instance.id,
            project: instance.template.project,
            title: instance.title,
            answer: () => {
              advance(instance, now);
              return instanceObject(instance, now);
            },
          }));
    const matches = matchTitles(
      candidates.filter((candidate) => candidate.project === project),
      title,
    );
    if (matches.length === 0) {
      return error(404, `Test plan ${type} '${title}' not found in project '${project}'`);
    }
    // The docs are silent on several matches. A lookup that returns one object most likely
    // takes the first row (the lowest id); the variant makes the server refuse instead.
    if (matches.length > 1 && variant.ambiguousTitle) {
      return error(
        400,
        `More than one test plan ${type} matches title '${title}' in project '${project}' ` +
          `(ids ${matches.map((match) => match.id).join(', ')})`,
      );
    }
    return jsonResponse(200, matches[0].answer());
  }

  private plan(idText: string, now: number): SimResponse {
    const id = numericId(idText);
    const instance = id === undefined ? undefined : this.plans.get(id);
    if (instance) {
      advance(instance, now);
      return jsonResponse(200, instanceObject(instance, now));
    }
    const template = this.templates().find((candidate) => candidate.id === id);
    if (template) {
      return jsonResponse(
        200,
        templateObject(template, parseVariant(this.scenario().variant, VARIANT_FLAGS), now),
      );
    }
    // §6: an unknown plan id is a 400, never a 404.
    return error(400, `Invalid test plan ID: ${idText}`);
  }

  private trigger(request: SimRequest, now: number): SimResponse {
    const body = objectBody(request, false);
    if (isResponse(body)) return body;
    const parsed = parseExecutePlan(body);
    if (isResponse(parsed)) return parsed;
    const templates = this.templates();
    const template = templates.find((candidate) => candidate.id === parsed.templateId);
    if (!template) {
      return error(400, `Invalid request body: no test plan template with id ${parsed.templateId}`);
    }
    const instance = this.plans.create(
      {
        template,
        title: parsed.title,
        batch: parsed.batch,
        plannedAt: parsed.time,
        repos: parsed.repos,
        scenario: this.context.scenarioFor(String(template.id)) as SquishScenario,
        createdAt: now,
      },
      new Set(templates.map((candidate) => candidate.id)),
    );
    return jsonResponse(
      instance.variant.executeplan200 ? 200 : 201,
      instanceObject(instance, now, true),
    );
  }

  /** An instance by path id, or the 400 for anything else (templates included). */
  private instanceFor(idText: string): Instance | SimResponse {
    const id = numericId(idText);
    const instance = id === undefined ? undefined : this.plans.get(id);
    return instance ?? error(400, `Invalid test plan ID: ${idText}`);
  }

  private poll(request: SimRequest, idText: string, now: number): SimResponse {
    const instance = this.instanceFor(idText);
    if (isResponse(instance)) return instance;
    instance.polls += 1;
    advance(instance, now);
    // Every query parameter is a capability; they narrow the counts (§4: poll without them).
    const wanted: Label[] = [...request.query.entries()].map(([key, value]) => ({ key, value }));
    return jsonResponse(200, statusObject(statusCounts(instance, wanted), instance.variant));
  }

  // -------------------------------------------------------------------------------------------
  // Executions

  private reserve(request: SimRequest, idText: string, now: number): SimResponse {
    const instance = this.instanceFor(idText);
    if (isResponse(instance)) return instance;
    const body = objectBody(request, false);
    if (isResponse(body)) return body;
    if (body.capabilities === undefined) return error(400, "Missing required field 'capabilities'");
    const wanted = parseLabels(body.capabilities);
    if (!wanted)
      return error(400, 'Invalid field \'capabilities\': expected [{"key": …, "value": …}]');
    const timeout = timeoutOf(body, instance.scenario.reservationTimeoutMs);
    if (isResponse(timeout)) return timeout;
    const allocate = body.allocate_server ?? false;
    if (typeof allocate !== 'boolean') {
      return error(400, "Invalid field 'allocate_server': expected true or false");
    }
    // Server allocations span all instances, so bring them all up to date.
    this.advanceAll(now);
    const execution = instance.executions.find(
      (candidate) => candidate.state === 'open' && hasLabels(candidate.labels, wanted),
    );
    // §3: a failed reservation is still HTTP 200; only `status` says so.
    if (!execution) return jsonResponse(200, { status: RESERVATION.noExecutions });
    let server;
    if (allocate) {
      const allocated = this.allocations();
      server = this.servers
        .list()
        .find(
          (candidate) =>
            candidate.enabled &&
            !allocated.has(candidate.id) &&
            hasLabels(candidate.labels, wanted),
        );
      if (!server) return jsonResponse(200, { status: RESERVATION.noServers });
    }
    execution.state = 'reserved';
    execution.attempts += 1;
    execution.hold = { by: 'client', expiresAt: now + timeout, serverId: server?.id ?? null };
    const serverAnswer = server ? serverObject(server, execution.id, instance.variant) : undefined;
    return jsonResponse(200, reservationObject(instance, execution, serverAnswer));
  }

  /** An execution and its instance by path id, brought up to date, or the 400 for an unknown id. */
  private executionFor(
    idText: string,
    now: number,
  ): { instance: Instance; execution: Execution } | SimResponse {
    const id = numericId(idText);
    const found = id === undefined ? undefined : this.plans.findExecution(id);
    if (!found) return error(400, `Invalid execution ID: ${idText}`);
    advance(found.instance, now);
    return found;
  }

  /** The 400 for an execution the client does not hold, or undefined when it holds it. */
  private notHeld(execution: Execution): SimResponse | undefined {
    if (execution.state === 'done')
      return error(400, `Execution ${execution.id} is already finished`);
    if (execution.state === 'open') return error(400, `Execution ${execution.id} is not reserved`);
    if (execution.hold?.by === 'worker') {
      return error(400, `Execution ${execution.id} is being run by Test Center`);
    }
    return undefined;
  }

  private heartbeat(request: SimRequest, idText: string, now: number): SimResponse {
    const found = this.executionFor(idText, now);
    if (isResponse(found)) return found;
    const { instance, execution } = found;
    const body = objectBody(request, true);
    if (isResponse(body)) return body;
    const timeout = timeoutOf(body, instance.scenario.reservationTimeoutMs);
    if (isResponse(timeout)) return timeout;
    const refused = this.notHeld(execution);
    if (refused) return refused;
    if (execution.hold?.by === 'client') execution.hold.expiresAt = now + timeout;
    return jsonResponse(200, { status: 'Heartbeat received' });
  }

  private finished(request: SimRequest, idText: string, now: number): SimResponse {
    const found = this.executionFor(idText, now);
    if (isResponse(found)) return found;
    const { execution } = found;
    const body = objectBody(request, true);
    if (isResponse(body)) return body;
    const { message, details } = body;
    for (const [name, value] of [
      ['message', message],
      ['details', details],
    ] as const) {
      if (value !== undefined && value !== null && typeof value !== 'string') {
        return error(400, `Invalid field '${name}': expected a string`);
      }
    }
    const refused = this.notHeld(execution);
    if (refused) return refused;
    // §3: empty message and details mean success; anything else is an infrastructure failure.
    const failed = Boolean(message) || Boolean(details);
    finishExecution(
      execution,
      now,
      failed ? { message: (message as string) ?? '', details: (details as string) ?? '' } : null,
    );
    return jsonResponse(200, { status: 'Execution marked as finished' });
  }

  private resetExecution(idText: string, now: number): SimResponse {
    const found = this.executionFor(idText, now);
    if (isResponse(found)) return found;
    const { execution } = found;
    // `reset` is a retry of a failed execution, not a cancel (§4).
    if (execution.state !== 'done' || execution.finish?.error === null) {
      return error(
        400,
        `Execution ${execution.id} has not failed; only failed executions can be reset`,
      );
    }
    execution.state = 'open';
    execution.finish = null;
    execution.resets += 1;
    return jsonResponse(200, { status: 'Execution reset' });
  }

  // -------------------------------------------------------------------------------------------
  // Squish servers

  /** Server id → the execution it is allocated to, from the live client reservations. */
  private allocations(): Map<number, number> {
    const allocated = new Map<number, number>();
    for (const instance of this.plans.all()) {
      for (const execution of instance.executions) {
        const hold = execution.hold;
        if (hold?.by === 'client' && hold.serverId !== null)
          allocated.set(hold.serverId, execution.id);
      }
    }
    return allocated;
  }

  private serverRoute(
    request: SimRequest,
    route: string,
    idText: string | undefined,
    now: number,
  ): SimResponse {
    const variant = parseVariant(this.scenario().variant, VARIANT_FLAGS);
    this.advanceAll(now);
    const allocated = this.allocations();
    if (route === 'servers') {
      return jsonResponse(
        200,
        this.servers
          .list()
          .map((server) => serverObject(server, allocated.get(server.id), variant)),
      );
    }
    let id: number | undefined;
    if (route !== 'addServer') {
      id = numericId(idText);
      if (id === undefined || !this.servers.get(id))
        return error(400, `Invalid server ID: ${idText}`);
      if (route === 'removeServer') {
        this.servers.remove(id);
        return jsonResponse(200, { status: 'Server removed' });
      }
    }
    const body = objectBody(request, false);
    if (isResponse(body)) return body;
    const fields = parseServerFields(body, route === 'updateServer');
    if (typeof fields === 'string') return error(400, fields);
    const server = id === undefined ? this.servers.add(fields) : this.servers.update(id, fields)!;
    return jsonResponse(200, serverObject(server, allocated.get(server.id), variant));
  }

  // -------------------------------------------------------------------------------------------
  // Results API and page

  private advanceAll(now: number): Instance[] {
    const instances = this.plans.all();
    for (const instance of instances) advance(instance, now);
    return instances;
  }

  private projects(): Set<string> {
    return new Set([
      ...this.templates().map((template) => template.project),
      ...this.plans.all().map((instance) => instance.template.project),
    ]);
  }

  private page(path: string, now: number): SimResponse {
    const project = PROJECT_PAGE.exec(path)?.[1];
    if (project !== undefined) return this.projectPage(decodeURIComponent(project));
    const idText = PLAN_PAGE.exec(path)?.[1] ?? '';
    const id = numericId(idText);
    const instance = id === undefined ? undefined : this.plans.get(id);
    const html = 'text/html; charset=utf-8';
    if (instance) {
      advance(instance, now);
      return textResponse(200, instancePageHtml(instance, now), html);
    }
    const template = this.templates().find((candidate) => candidate.id === id);
    if (template) return textResponse(200, templatePageHtml(template), html);
    return textResponse(404, notFoundPageHtml(idText), html);
  }

  private projectPage(project: string): SimResponse {
    const instances = this.plans
      .all()
      .filter((instance) => instance.template.project === project)
      .reverse();
    return textResponse(200, projectPageHtml(project, instances), 'text/html; charset=utf-8');
  }
}

/** A project's page: its plan executions, newest first, each linking to its own page. */
function projectPageHtml(project: string, instances: Instance[]): string {
  const rows = instances
    .map(
      (instance) =>
        `<li><a href="/testplans/${instance.id}">${escapeMarkup(instance.title)}</a> (${instance.id})</li>`,
    )
    .join('');
  return `<!doctype html><html><head><title>${escapeMarkup(project)} · Squish Test Center (simulated)</title></head><body><h1>${escapeMarkup(project)}</h1><ul>${rows || '<li>No plan executions yet.</li>'}</ul></body></html>`;
}

export const squishSimulator: VendorDefinition = {
  name: 'squish',
  basePath: '',
  title: 'Squish Test Center',
  knobs: SQUISH_KNOBS,
  variants: SQUISH_VARIANTS,
  crossCheck: squishCrossCheck,
  create: (context) => new SquishInstance(context),
};
