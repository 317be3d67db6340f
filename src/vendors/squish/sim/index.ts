// The Squish Test Center simulator: routes, auth and request dispatch of the Execution API,
// the Results API subset and the pages (vendor-apis/squish-test-center.md §2-§7). The routes
// are in routes.ts, the handlers in testplans.ts, reservations.ts, servers.ts, results.ts and
// pages.ts, what they share in center.ts. The model: plan.ts (scenario, templates,
// capabilities), instances.ts, workers.ts, outcomes.ts; answer shapes in format.ts, knobs and
// variants in knobs.ts, credentials in auth.ts and request parsing in request.ts.
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
  jsonResponse,
  type RouteMatch,
  type SimRequest,
  type SimResponse,
  type VendorContext,
  type VendorDefinition,
  type VendorInstance,
} from '../../../simulator/kit.js';
import { refuseRequest } from './auth.js';
import { TestCenter } from './center.js';
import { errorBody } from './format.js';
import { SQUISH_KNOBS, SQUISH_VARIANTS, squishCrossCheck } from './knobs.js';
import { page } from './pages.js';
import { error } from './request.js';
import { finished, heartbeat, reserve, resetExecution } from './reservations.js';
import { classifyResults, isResultsPath } from './results-wire.js';
import { isExecutionPath, PLAN_PAGE, PROJECT_PAGE, resolve } from './routes.js';
import { serverRoute } from './servers.js';
import { lookup, plan, poll, trigger } from './testplans.js';

class SquishInstance implements VendorInstance {
  private readonly center: TestCenter;

  constructor(private readonly context: VendorContext) {
    this.center = new TestCenter(context);
  }

  classify(method: string, path: string): RouteMatch {
    if (method === 'GET' && (PLAN_PAGE.test(path) || PROJECT_PAGE.test(path))) {
      return { route: 'page', page: true };
    }
    if (isResultsPath(path)) {
      return this.center.scenario().resultsApi
        ? classifyResults(method, path)
        : { route: 'unknown' };
    }
    return { route: resolve(path)?.entry.methods[method] ?? 'unknown' };
  }

  rejectUnauthorized(request: SimRequest, route: string): SimResponse | undefined {
    const results = isResultsPath(request.path);
    if (route === 'page' || (!results && !isExecutionPath(request.path))) return undefined;
    // A server without the Results API answers its plain 404 whoever asks.
    if (results && !this.center.scenario().resultsApi) return undefined;
    return refuseRequest(request.headers, this.context.apiKey, this.center.scenario(), results);
  }

  handle(request: SimRequest, route: string): SimResponse {
    const now = this.context.now();
    const c = this.center;
    if (route === 'page') return page(c, request.path, now);
    if (isResultsPath(request.path)) {
      if (!this.center.scenario().resultsApi) return error(404, `Not Found: ${request.path}`);
      return c.results.handle(request, route, c.advanceAll(now), c.projects(), now);
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
        return lookup(c, request, now);
      case 'plan':
        return plan(c, id!, now);
      case 'trigger':
        return trigger(c, request, now);
      case 'poll':
        return poll(c, request, id!, now);
      case 'reserve':
        return reserve(c, request, id!, now);
      case 'heartbeat':
        return heartbeat(c, request, id!, now);
      case 'finished':
        return finished(c, request, id!, now);
      case 'reset':
        return resetExecution(c, id!, now);
      default:
        return serverRoute(c, request, route, id, now);
    }
  }

  reset(): void {
    this.center.reset();
  }
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
