// Squish Test Center's Execution API routes (vendor-apis/squish-test-center.md §3) and the
// pages beside them; the Results API routes are in results-wire.ts.

import { decodeSegment } from '../../../simulator/kit.js';

export const EXECUTION_BASE = '/execution/v1';
export const PLAN_PAGE = /^\/testplans\/([^/]+)$/;
// Test Center's documented web address for a project (squishrunner's report generator links
// there); TestRelay's run links point at it.
export const PROJECT_PAGE = /^\/project\/([^/]+)$/;

export interface RouteEntry {
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

export function isExecutionPath(path: string): boolean {
  return path === EXECUTION_BASE || path.startsWith(`${EXECUTION_BASE}/`);
}

/** The route entry and path id of an Execution API path. */
export function resolve(path: string): { entry: RouteEntry; id?: string } | undefined {
  if (!isExecutionPath(path)) return undefined;
  const subpath = path.slice(EXECUTION_BASE.length);
  for (const entry of ROUTES) {
    const match = entry.pattern.exec(subpath);
    if (match) return { entry, id: match[1] === undefined ? undefined : decodeSegment(match[1]) };
  }
  return undefined;
}
