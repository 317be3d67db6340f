// Squish Test Center test plans as the scenario describes them (vendor-apis/squish-test-center.md
// §3-§4, §7): the scenario knobs' type, the variant flags, the templates and the capability
// label sets. The instances triggered from them are in instances.ts, the simulated workers that
// run them in workers.ts, what each test ends with in outcomes.ts.

import { type Scenario, type VariantOf } from '../../../simulator/kit.js';

export interface Label {
  key: string;
  value: string;
}

/** The Squish scenario: the common knobs plus the vendor knobs declared in index.ts. */
export interface SquishScenario extends Scenario {
  templates: string[];
  capabilities: string;
  workers: number;
  requireSchedule: boolean;
  reservationTimeoutMs: number;
  workerCrashes: number;
  transientErrors: number;
  erroredAs: string;
  xfail: number;
  xpass: number;
  resultLagSeconds: number;
  resultsApi: boolean;
  username: string | null;
  password: string | null;
  automationToken: string | null;
}

/** The `variant` flags, by the name the simulator reads each under (help: SQUISH_VARIANTS). */
export const VARIANT_FLAGS = {
  /** Status answers `finished` instead of `done` (the schema's name). */
  finishedKey: 'finished-key',
  /** Status answers both `done` and `finished`. */
  bothKeys: 'both-keys',
  /** `executeplan` answers 200 instead of 201. */
  executeplan200: 'executeplan-200',
  /** A lookup that matches several test plans answers 400 instead of the first match. */
  ambiguousTitle: 'ambiguous-title',
  /** `test_id`, server and repository ids as strings (the schema) instead of numbers. */
  stringIds: 'string-ids',
  /** `count` is the number of planned tests from the start, not of results received. */
  countPlanned: 'count-planned',
} as const;

export type Variant = VariantOf<typeof VARIANT_FLAGS>;

// ---------------------------------------------------------------------------------------------
// Templates and capabilities (knob values)

export interface Template {
  id: number;
  project: string;
  title: string;
}

const TEMPLATE_SPEC = /^\s*(\d{1,9})\s*:\s*([^:]*?)\s*:\s*(.*?)\s*$/;

/** `"64:Shop:CI Tests master"` → a template; the title may contain colons, the project not. */
export function parseTemplate(spec: string): Template | undefined {
  const match = TEMPLATE_SPEC.exec(spec);
  if (!match || match[2] === '' || match[3] === '') return undefined;
  return { id: Number(match[1]), project: match[2], title: match[3] };
}

export function parseTemplates(specs: readonly string[]): Template[] {
  return specs.map(parseTemplate).filter((template) => template !== undefined);
}

export function templatesProblem(specs: readonly string[]): string | undefined {
  const seen = new Set<number>();
  for (const spec of specs) {
    const template = parseTemplate(spec);
    if (!template)
      return `"${spec}" is not "<id>:<project>:<title>" (e.g. "64:Shop:CI Tests master")`;
    if (seen.has(template.id)) return `template id ${template.id} is listed twice`;
    seen.add(template.id);
  }
  return undefined;
}

/** `"OS=Linux&browser=chrome,OS=Windows"` → one label set per entry (assigned round-robin). */
export function parseCapabilities(spec: string): Label[][] {
  return spec
    .split(',')
    .map((set) => set.trim())
    .filter((set) => set !== '')
    .map((set) =>
      set.split('&').map((pair) => {
        const at = pair.indexOf('=');
        return { key: pair.slice(0, at).trim(), value: pair.slice(at + 1).trim() };
      }),
    );
}

export function capabilitiesProblem(spec: string): string | undefined {
  for (const set of spec.split(',')) {
    if (set.trim() === '') continue;
    for (const pair of set.split('&')) {
      const at = pair.indexOf('=');
      if (at <= 0 || pair.slice(0, at).trim() === '' || pair.slice(at + 1).trim() === '') {
        return `"${pair.trim()}" is not "<key>=<value>" (label sets look like "OS=Linux&browser=chrome,OS=Windows")`;
      }
    }
  }
  return undefined;
}

const sameText = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/**
 * Whether `labels` carry every wanted capability. Keys and values compare case-insensitively:
 * the vendor's own reserve example asks for `browser=chrome` and is given a server labelled
 * `Chrome`.
 */
export function hasLabels(labels: readonly Label[], wanted: readonly Label[]): boolean {
  return wanted.every((want) =>
    labels.some((label) => sameText(label.key, want.key) && sameText(label.value, want.value)),
  );
}
