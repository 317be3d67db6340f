// What one Sofy simulator holds: its test-run groups and its catalog (applications, builds),
// with the lookups the handlers of both generations share.

import { parseVariant, type VendorContext } from '../../../simulator/kit.js';
import {
  Catalog,
  isGuid,
  scheduleDevices,
  type Build,
  type Device,
  type Platform,
} from './catalog.js';
import {
  GroupStore,
  planOutcomes,
  sameSchedule,
  scenarioNames,
  VARIANT_FLAGS,
  type Generation,
  type Group,
  type SofyScenario,
} from './run.js';
import { scheduledId } from './wire.js';

export class Schedules {
  readonly groups = new GroupStore();
  readonly catalog = new Catalog();

  constructor(readonly context: VendorContext) {}

  scenarioFor(scheduleId: string): SofyScenario {
    return this.context.scenarioFor(scheduleId) as SofyScenario;
  }

  /** Whether a schedule exists: a well-formed id that `missingScheduleIds` does not list. */
  exists(id: string, kind: 'guid' | 'numeric', scenario: SofyScenario): boolean {
    const wellFormed = kind === 'guid' ? isGuid(id) : scheduledId(id) !== undefined;
    return wellFormed && !scenario.missingScheduleIds.some((missing) => sameSchedule(missing, id));
  }

  createGroup(
    scheduleId: string,
    generation: Generation,
    scenario: SofyScenario,
    now: number,
    build: Build | undefined,
    devices: Device[] | undefined,
  ): Group {
    const platform = scenario.platform as Platform;
    const chosen = devices ?? scheduleDevices(platform, scenario.devices);
    return this.groups.create({
      scheduleId,
      generation,
      scheduleName: scenario.scheduleName,
      platform,
      createdAt: now,
      scenario,
      variant: parseVariant(scenario.variant, VARIANT_FLAGS),
      // Without an appHash the schedule runs the latest build of its application (§3.2).
      build: build ?? this.catalog.latestBuild(this.catalog.scheduleApp(platform)),
      devices: chosen,
      scenarios: scenarioNames(scenario),
      outcomes: planOutcomes(scenario, chosen.length),
    });
  }

  /** `emptyPolls`: a fresh group's first polls find no rows (not after an abort). */
  hidden(group: Group): boolean {
    return group.abort === null && group.polls <= group.scenario.emptyPolls;
  }

  reset(): void {
    this.groups.clear();
    this.catalog.reset();
  }
}
