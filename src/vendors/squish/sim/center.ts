// What one simulated Test Center holds: test plan instances, Squish servers and the Results API
// ids, with the lookups its handlers share (vendor-apis/squish-test-center.md §3-§5).

import type { SimResponse, VendorContext } from '../../../simulator/kit.js';
import { PlanStore, type Execution, type Instance } from './instances.js';
import { parseTemplates, type SquishScenario, type Template } from './plan.js';
import { error, numericId } from './request.js';
import { ResultsApi } from './results.js';
import { ServerRegistry } from './servers.js';
import { advance } from './workers.js';

export class TestCenter {
  readonly plans = new PlanStore();
  readonly servers = new ServerRegistry();
  readonly results = new ResultsApi();

  constructor(readonly context: VendorContext) {}

  scenario(): SquishScenario {
    return this.context.scenario() as SquishScenario;
  }

  templates(): Template[] {
    return parseTemplates(this.scenario().templates);
  }

  /** An instance by path id, or the 400 for anything else (templates included). */
  instanceFor(idText: string): Instance | SimResponse {
    const id = numericId(idText);
    const instance = id === undefined ? undefined : this.plans.get(id);
    return instance ?? error(400, `Invalid test plan ID: ${idText}`);
  }

  /** An execution and its instance by path id, brought up to date, or the 400 for an unknown id. */
  executionFor(
    idText: string,
    now: number,
  ): { instance: Instance; execution: Execution } | SimResponse {
    const id = numericId(idText);
    const found = id === undefined ? undefined : this.plans.findExecution(id);
    if (!found) return error(400, `Invalid execution ID: ${idText}`);
    advance(found.instance, now);
    return found;
  }

  /** Server id → the execution it is allocated to, from the live client reservations. */
  allocations(): Map<number, number> {
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

  advanceAll(now: number): Instance[] {
    const instances = this.plans.all();
    for (const instance of instances) advance(instance, now);
    return instances;
  }

  projects(): Set<string> {
    return new Set([
      ...this.templates().map((template) => template.project),
      ...this.plans.all().map((instance) => instance.template.project),
    ]);
  }

  reset(): void {
    this.plans.clear();
    this.servers.reset();
    this.results.reset();
  }
}
