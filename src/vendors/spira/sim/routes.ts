// The Spira simulator's REST routes (vendor-apis/spira.md §2): paths relative to
// `<vdir>/Services/{v7_0|v6_0|v5_0}/RestService.svc`, any virtual directory prefix, the pages
// beside them, and what a route handler is handed.

import type { SimRequest, SimResponse } from '../../../simulator/kit.js';
import type { Catalog } from './catalog.js';
import type { SpiraStore } from './state.js';

export const BASE_PATH = '/Services/v7_0/RestService.svc';
export const API_VERSIONS = ['v7_0', 'v6_0', 'v5_0'];
export const KEPT_DATA = '/__spira/runs';

export interface RouteEntry {
  pattern: RegExp;
  methods: Readonly<Record<string, string>>;
}

const P = '/projects/(\\d+|[^/]+)';
export const ROUTES: readonly RouteEntry[] = [
  { pattern: /^\/projects$/, methods: { GET: 'projects' } },
  { pattern: new RegExp(`^${P}$`), methods: { GET: 'project' } },
  { pattern: new RegExp(`^${P}/test-cases/([^/]+)$`), methods: { GET: 'testCase' } },
  { pattern: new RegExp(`^${P}/releases/([^/]+)$`), methods: { GET: 'release' } },
  { pattern: new RegExp(`^${P}/test-sets/([^/]+)$`), methods: { GET: 'testSet' } },
  { pattern: new RegExp(`^${P}/test-runs/record$`), methods: { POST: 'record' } },
  { pattern: new RegExp(`^${P}/test-runs/record-multiple$`), methods: { POST: 'recordMultiple' } },
  { pattern: new RegExp(`^${P}/releases/([^/]+)/builds$`), methods: { POST: 'createBuild' } },
  { pattern: new RegExp(`^${P}/releases/([^/]+)/builds/([^/]+)$`), methods: { GET: 'build' } },
  { pattern: new RegExp(`^${P}/test-runs/create$`), methods: { POST: 'createShells' } },
  {
    pattern: new RegExp(`^${P}/test-runs/create/test_set/([^/]+)$`),
    methods: { POST: 'createShellsForTestSet' },
  },
  { pattern: new RegExp(`^${P}/test-runs$`), methods: { GET: 'listRuns', PUT: 'saveRuns' } },
  { pattern: new RegExp(`^${P}/test-runs/([^/]+)$`), methods: { GET: 'run' } },
  { pattern: new RegExp(`^${P}/test-runs/([^/]+)/automated$`), methods: { GET: 'automatedRun' } },
  { pattern: new RegExp(`^${P}/test-runs/([^/]+)/manual$`), methods: { GET: 'manualRun' } },
  { pattern: new RegExp(`^${P}/documents/file$`), methods: { POST: 'documentFile' } },
  { pattern: new RegExp(`^${P}/documents/url$`), methods: { POST: 'documentUrl' } },
];

const API_PATH = /^((?:\/[^/]+)*?)\/Services\/(v\d+_\d+)\/RestService\.svc(\/.*)?$/;
export const OPERATIONS_PAGE = /^(?:\/[^/]+)*?\/Services\/(v\d+_\d+)\/RestService\.aspx$/;
export const RUN_PAGE = /^(?:\/[^/]+)*?\/(\d+)\/TestRun\/(\d+)\.aspx$/;
export const WRITE_ROUTES = new Set([
  'record',
  'recordMultiple',
  'createBuild',
  'createShells',
  'createShellsForTestSet',
  'saveRuns',
  'documentFile',
  'documentUrl',
]);

export interface Resolved {
  version: string;
  entry: RouteEntry | undefined;
  params: string[];
}

/** The version and route of an API path; `entry` is undefined for an operation not served. */
export function resolveApiPath(path: string, versions: readonly string[]): Resolved | undefined {
  const match = API_PATH.exec(path);
  if (!match) return undefined;
  const version = match[2];
  const subpath = match[3] ?? '';
  if (!versions.includes(version)) {
    return { version, entry: undefined, params: [] };
  }
  for (const entry of ROUTES) {
    const found = entry.pattern.exec(subpath);
    if (found) return { version, entry, params: found.slice(1) };
  }
  return { version, entry: undefined, params: [] };
}

/** One API call on a product, as a route handler gets it. */
export interface Call {
  readonly request: SimRequest;
  readonly route: string;
  readonly projectId: number;
  /** Path parameters after the product id. */
  readonly params: readonly string[];
  /** The API version of the path (`v7_0`, …). */
  readonly version: string;
  readonly store: SpiraStore;
  readonly catalog: Catalog;
  now(): number;
}

export type Handler = (call: Call) => SimResponse;
