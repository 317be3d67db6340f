// The Sofy simulator's routes, both API generations on one server (vendor-apis/sofy.md §2);
// both servers match paths case-insensitively (Express and ASP.NET defaults).

import { decodeSegment } from '../../../simulator/kit.js';
import type { Generation } from './run.js';

export interface RouteEntry {
  pattern: RegExp;
  generation: Generation;
  methods: Readonly<Record<string, string>>;
}

export const ROUTES: readonly RouteEntry[] = [
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

export const LEGACY_JSON_ROUTES = new Set(['legacyTrigger', 'legacyGroupStatus', 'legacyRows']);

/** The route entry for a path (current entries vanish with the `legacy` variant). */
export function resolveRoute(
  path: string,
  legacyOnly: boolean,
): { entry: RouteEntry; ids: string[] } | undefined {
  for (const entry of ROUTES) {
    if (legacyOnly && entry.generation === 'current') continue;
    const match = entry.pattern.exec(path);
    if (match) return { entry, ids: match.slice(1).map(decodeSegment) };
  }
  return undefined;
}
