// The live scenario of one simulator: the global scenario plus optional per-plan overrides
// (keyed by the vendor's plan/schedule/project id), so one server can serve several scenarios
// at once — e.g. plan 1 passes while plan 2 fails.

import {
  defaultScenario,
  mergeScenario,
  type KnobValue,
  type Scenario,
  type ScenarioSchema,
} from './scenario.js';

export class ScenarioStore {
  private current: Scenario;
  private readonly overrides = new Map<string, Record<string, KnobValue>>();
  private readonly initial: Scenario;

  /** Throws a ScenarioError when `startup` is invalid. */
  constructor(
    private readonly schema: ScenarioSchema,
    startup: unknown,
  ) {
    this.initial = mergeScenario(schema, defaultScenario(schema), startup ?? {});
    this.current = this.initial;
  }

  get(): Scenario {
    return this.current;
  }

  /** Validates and merges a patch into the global scenario; returns the new scenario. */
  update(patch: unknown): Scenario {
    this.current = mergeScenario(this.schema, this.current, patch);
    return this.current;
  }

  /** Validates and merges a patch into the override for `key`; returns the effective scenario. */
  updateOverride(key: string, patch: unknown): Scenario {
    // Validate the patch on its own first (unknown keys, types), then the combination.
    const validated = mergeScenario(this.schema, this.current, patch);
    const merged: Record<string, KnobValue> = { ...this.overrides.get(key) };
    for (const name of Object.keys(patch as object)) merged[name] = validated[name];
    const effective = mergeScenario(this.schema, this.current, merged);
    this.overrides.set(key, merged);
    return effective;
  }

  deleteOverride(key: string): boolean {
    return this.overrides.delete(key);
  }

  listOverrides(): Record<string, Record<string, KnobValue>> {
    return Object.fromEntries(this.overrides);
  }

  /** The scenario a new run of `key` gets. */
  scenarioFor(key: string): Scenario {
    const override = this.overrides.get(key);
    if (!override) return this.current;
    try {
      return mergeScenario(this.schema, this.current, override);
    } catch {
      // The global scenario changed under the override (e.g. fewer tests than its `failed`):
      // fall back to the global scenario rather than failing the vendor request.
      return this.current;
    }
  }

  /** Back to the start-up scenario, without overrides. */
  reset(): Scenario {
    this.current = this.initial;
    this.overrides.clear();
    return this.current;
  }
}
