// The contract between the simulator framework (server.ts) and one vendor module.
//
// The framework owns HTTP, the request log, faults, the scenario store and the /__sim control
// routes; a vendor module only names its routes, checks credentials and answers requests. A
// new vendor is a `src/vendors/<name>/sim/` folder whose index.ts exports a VendorDefinition,
// listed in src/vendors/simulators.ts (the framework is handed that list; it names no vendor).

import type { IncomingHttpHeaders } from 'node:http';
import type { KnobSpec, Scenario } from './scenario.js';

/** The request body as the framework read it (vendors decide what a bad body means). */
export type RequestBody =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown; text: string }
  | { kind: 'invalid'; text: string; error: string };

export interface SimRequest {
  method: string;
  /** Path without the query string, e.g. `/api/v1/execution_results/1001`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: RequestBody;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export interface RouteMatch {
  /** Stable name for the request log and `faultsAt` (e.g. `trigger`, `poll`, `unknown`). */
  route: string;
  /**
   * A browser page rather than an API route (e.g. the run page a run URL points to): not
   * logged, not faulted and not authenticated.
   */
  page?: boolean;
}

/** What the framework offers a vendor instance. */
export interface VendorContext {
  /** `http://127.0.0.1:PORT`, for links the vendor puts into its answers. */
  readonly origin: string;
  /** The accepted API key, or undefined to accept any non-empty key. */
  readonly apiKey: string | undefined;
  /** The current scenario. */
  scenario(): Scenario;
  /** The scenario for one plan/schedule/project id (global scenario plus its override). */
  scenarioFor(key: string): Scenario;
  now(): number;
}

/** One running vendor simulator (state lives here: runs, ids, …). */
export interface VendorInstance {
  /**
   * Names the route of a request. `query` is there for vendors whose routes differ only by a
   * query parameter (Sofy's legacy status URL with and without `ScheduleTestRunsGroupID`).
   */
  classify(method: string, path: string, query: URLSearchParams): RouteMatch;
  /** Returns the vendor's 401 answer when credentials are missing or wrong, else undefined. */
  rejectUnauthorized(request: SimRequest, route: string): SimResponse | undefined;
  handle(request: SimRequest, route: string): SimResponse;
  /** Forgets all runs (used by `POST /__sim/reset`). */
  reset(): void;
  /**
   * Optional vendor control routes under `/__sim` (e.g. `GET /__sim/runs` for what a sink
   * received). Called for control subpaths the framework does not know; undefined → 404.
   */
  control?(method: string, subpath: string): SimResponse | undefined;
}

export interface VendorDefinition {
  /** Name used by `--vendor` and in the ready line. */
  readonly name: string;
  /** Path prefix of the vendor API; the printed base URL is origin + basePath. */
  readonly basePath: string;
  readonly title: string;
  /** Vendor-specific scenario knobs (names must not clash with the common knobs). */
  readonly knobs: readonly KnobSpec[];
  /**
   * Largest request body accepted (default MAX_BODY_BYTES, 1 MiB); a vendor with a file
   * upload route raises it so that real builds fit.
   */
  readonly maxBodyBytes?: number;
  /** Flags allowed in the `variant` knob, with a line of help each. */
  readonly variants: Readonly<Record<string, string>>;
  /** Checks across knobs (e.g. a vendor knob that depends on `tests`). */
  crossCheck?(scenario: Scenario): string | undefined;
  create(context: VendorContext): VendorInstance;
}

/** The vendor called `name` (case and surrounding blanks ignored), if `vendors` has it. */
export function findVendor(
  vendors: readonly VendorDefinition[],
  name: string,
): VendorDefinition | undefined {
  const wanted = name.trim().toLowerCase();
  return vendors.find((vendor) => vendor.name === wanted);
}
