// Failure injection for vendor routes: random faults ("503:0.2,reset:0.05"), deterministic
// faults on the n-th call of a route ("poll#3:503"), and the small seeded PRNG that makes the
// random choice reproducible. Control routes (/__sim/*) are never faulted.

/**
 * What can go wrong with one request.
 * - `status`: answered with that HTTP status before the vendor logic runs (nothing happens
 *   on the vendor side); 429 and 503 carry `Retry-After: 1`.
 * - `reset`: the socket is destroyed before the vendor logic runs.
 * - `reset-after`: the vendor logic runs (a trigger *does* start a run), then the socket is
 *   destroyed — the case where a client must not blindly retry a trigger.
 * - `slow`: the vendor logic runs at once, the answer is delayed by `slowMs`.
 * - `malformed`: the vendor logic runs, then the answer is sent as HTTP 200 with its body cut
 *   in half (as a broken proxy would), so it no longer parses.
 */
export type Fault =
  | { kind: 'status'; status: number }
  | { kind: 'reset' }
  | { kind: 'reset-after' }
  | { kind: 'slow' }
  | { kind: 'malformed' };

export interface RandomFaultRule {
  fault: Fault;
  probability: number;
}

export interface TargetedFaultRule {
  route: string;
  call: number;
  fault: Fault;
}

const FAULT_KINDS = 'an HTTP status 400-599, reset, reset-after, slow or malformed';

function parseFaultKind(text: string): Fault {
  const kind = text.trim().toLowerCase();
  if (/^\d{3}$/.test(kind)) {
    const status = Number(kind);
    if (status >= 400 && status <= 599) return { kind: 'status', status };
  }
  if (kind === 'reset' || kind === 'reset-after' || kind === 'slow' || kind === 'malformed') {
    return { kind };
  }
  throw new Error(`unknown fault kind "${text.trim()}" (expected ${FAULT_KINDS})`);
}

/** A short label for logs: `503`, `reset`, `slow`, … */
export function faultLabel(fault: Fault): string {
  return fault.kind === 'status' ? String(fault.status) : fault.kind;
}

/** Parses `"503:0.2,429:0.1,reset:0.05"`. Probabilities are per request and may sum to ≤ 1. */
export function parseFaults(spec: string): RandomFaultRule[] {
  const rules: RandomFaultRule[] = [];
  let total = 0;
  for (const part of spec.split(',')) {
    if (part.trim() === '') continue;
    const match = /^\s*([^:]+):\s*([0-9.]+)\s*$/.exec(part);
    if (!match) {
      throw new Error(`"${part.trim()}" is not "<kind>:<probability>" (e.g. "503:0.2")`);
    }
    const fault = parseFaultKind(match[1]);
    const probability = Number(match[2]);
    if (!Number.isFinite(probability) || probability < 0 || probability > 1) {
      throw new Error(`probability in "${part.trim()}" must be from 0 to 1`);
    }
    total += probability;
    rules.push({ fault, probability });
  }
  if (total > 1 + 1e-9) {
    throw new Error(`fault probabilities add up to ${Number(total.toFixed(6))}, more than 1`);
  }
  return rules;
}

/** Parses `"poll#3:503,trigger#1:reset-after"`. */
export function parseFaultsAt(spec: string): TargetedFaultRule[] {
  const rules: TargetedFaultRule[] = [];
  for (const part of spec.split(',')) {
    if (part.trim() === '') continue;
    const match = /^\s*([A-Za-z][\w-]*)#(\d+)\s*:\s*(\S+)\s*$/.exec(part);
    if (!match || Number(match[2]) < 1) {
      throw new Error(
        `"${part.trim()}" is not "<route>#<n>:<kind>" with n ≥ 1 (e.g. "poll#3:503")`,
      );
    }
    rules.push({ route: match[1], call: Number(match[2]), fault: parseFaultKind(match[3]) });
  }
  return rules;
}

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];

/** Parses `"GET,POST"` into a set of upper-case methods. */
export function parseFaultMethods(spec: string): Set<string> {
  const methods = new Set<string>();
  for (const part of spec.split(',')) {
    const method = part.trim().toUpperCase();
    if (method === '') continue;
    if (!HTTP_METHODS.includes(method)) {
      throw new Error(`"${part.trim()}" is not an HTTP method (${HTTP_METHODS.join(', ')})`);
    }
    methods.add(method);
  }
  return methods;
}

/**
 * mulberry32: a tiny, fast PRNG with a 32-bit state. Good enough to pick faults
 * reproducibly; not for anything security-related.
 */
export function createPrng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomSeed(): number {
  return Math.floor(Math.random() * 4294967296);
}

export interface FaultSettings {
  faults: string;
  faultsAt: string;
  faultMethods: string;
  seed: number | null;
}

/** Decides, request by request, whether a vendor route gets a fault. */
export class FaultInjector {
  private random: () => number;
  private randomRules: RandomFaultRule[] = [];
  private targetedRules: TargetedFaultRule[] = [];
  private methods = new Set<string>();
  private readonly calls = new Map<string, number>();

  constructor(settings: FaultSettings) {
    this.random = createPrng(settings.seed ?? randomSeed());
    this.configure(settings);
  }

  /** Applies (already validated) settings; the PRNG and call counters are left alone. */
  configure(settings: FaultSettings): void {
    this.randomRules = parseFaults(settings.faults);
    this.targetedRules = parseFaultsAt(settings.faultsAt);
    this.methods = parseFaultMethods(settings.faultMethods);
  }

  /** Restarts the random sequence (a fixed seed makes the following choices reproducible). */
  reseed(seed: number | null): void {
    this.random = createPrng(seed ?? randomSeed());
  }

  /** Restarts the per-route call counts used by `faultsAt`. */
  resetCounters(): void {
    this.calls.clear();
  }

  /** Counts the call and returns the fault to apply, if any. */
  pick(method: string, route: string): Fault | undefined {
    const call = (this.calls.get(route) ?? 0) + 1;
    this.calls.set(route, call);
    const targeted = this.targetedRules.find((rule) => rule.route === route && rule.call === call);
    if (targeted) return targeted.fault;
    // Draw only for eligible requests, so a seed gives the same sequence for the same traffic.
    if (this.randomRules.length === 0 || !this.methods.has(method.toUpperCase())) return undefined;
    const draw = this.random();
    let threshold = 0;
    for (const rule of this.randomRules) {
      threshold += rule.probability;
      if (draw < threshold) return rule.fault;
    }
    return undefined;
  }
}
