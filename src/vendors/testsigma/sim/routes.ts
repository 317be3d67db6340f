// The Testsigma simulator's routes, both API flavours (vendor-apis/testsigma.md §2): both path
// families are always served, except that the `self-hosted` variant drops the cloud ones.

import type { Flavour } from './model.js';

export const BASE_PATH = '/api/v1';

export type Family = Flavour | 'shared';

export interface RouteEntry {
  pattern: RegExp;
  family: Family;
  methods: Readonly<Record<string, string>>;
}

export const ROUTES: readonly RouteEntry[] = [
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

export const RUN_PAGE = /^\/ui\/td\/runs\/([^/]+)$/;

/** The route entry for an API path (cloud entries vanish with the `self-hosted` variant). */
export function resolveRoute(
  path: string,
  selfHostedOnly: boolean,
): { entry: RouteEntry; id?: string } | undefined {
  if (!path.startsWith(`${BASE_PATH}/`)) return undefined;
  const subpath = path.slice(BASE_PATH.length);
  for (const entry of ROUTES) {
    if (selfHostedOnly && entry.family === 'cloud') continue;
    const match = entry.pattern.exec(subpath);
    if (match) return { entry, id: match[1] };
  }
  return undefined;
}
