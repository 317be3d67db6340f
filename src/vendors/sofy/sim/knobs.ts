// Sofy's own scenario knobs and variant flags (the common knobs are the framework's); their
// values are typed by SofyScenario in run.ts.

import type { KnobSpec, Scenario } from '../../../simulator/kit.js';
import { PLATFORMS } from './catalog.js';
import type { SofyScenario } from './run.js';
import { UPLOAD_ERRORS } from './upload.js';

function oneOf(values: readonly string[]): (value: unknown) => string | undefined {
  return (value) =>
    value === null || values.includes(String(value))
      ? undefined
      : `expected one of ${values.join(', ')}`;
}

/** Sofy's own scenario knobs (the common ones are the framework's). */
export const SOFY_KNOBS: readonly KnobSpec[] = [
  {
    name: 'devices',
    type: 'integer',
    default: 2,
    min: 1,
    max: 20,
    placeholder: 'N',
    help: 'devices the schedule runs on (Pixel 7, Galaxy S23, …); each runs every scenario, so rows = tests × devices and failed/errored/skipped count per device',
  },
  {
    name: 'platform',
    type: 'string',
    default: 'ANDROID',
    placeholder: 'PLATFORM',
    help: 'ANDROID or IOS: the schedule’s application and device pool',
    check: oneOf(PLATFORMS),
  },
  {
    name: 'scheduleName',
    type: 'string',
    default: 'Nightly smoke',
    placeholder: 'NAME',
    help: 'the scheduled run’s name (scheduledRunName, Scheduled_Name)',
    check: (value) => (value === '' ? 'must not be empty' : undefined),
  },
  {
    name: 'emptyPolls',
    type: 'integer',
    default: 0,
    min: 0,
    max: 1000,
    placeholder: 'N',
    help: 'the first N status polls of a group answer with empty data (devices not assigned yet)',
  },
  {
    name: 'incompleteDevice',
    type: 'integer',
    default: null,
    nullable: true,
    min: 1,
    placeholder: 'N',
    help: 'device number N (1 = first) loses its connection: all its rows end Incomplete (null = none)',
  },
  {
    name: 'triggerShape',
    type: 'string',
    default: 'data',
    placeholder: 'SHAPE',
    help: 'trigger answer: data ({"data":[{"scheduleTestRunsGroupID":…}]}) or testGroupsRunId ({"testGroupsRunId":"…"})',
    check: oneOf(['data', 'testGroupsRunId']),
  },
  {
    name: 'uploadError',
    type: 'string',
    default: null,
    nullable: true,
    placeholder: 'KIND',
    help: `build uploads fail with a documented route error: ${Object.keys(UPLOAD_ERRORS).join(', ')} (null = only real problems: wrong file type, a file uploaded twice, …)`,
    check: oneOf(Object.keys(UPLOAD_ERRORS)),
  },
  {
    name: 'missingScheduleIds',
    type: 'idList',
    default: [],
    placeholder: 'ID,…',
    help: 'schedule ids (GUIDs or numeric ScheduledIDs) that do not exist; every other well-formed id does',
  },
];

export const SOFY_VARIANTS: Readonly<Record<string, string>> = {
  legacy: 'only api.sofy.ai exists: the current-generation paths answer 404',
  'ui-labels':
    'UI labels as statuses: Waiting for Device, Setting up Device … In Progress; In Queue, Complete with Errors, Stopped by User',
  'stopped-spelling': 'stopped rows say "Stopped" (as the docs list it) instead of "Run Stopped"',
  'unknown-status': 'rows still going show an unknown status ("Device Reconnecting") mid-run',
  'rows-one-device-at-a-time':
    'devices run one after another; a device’s rows appear when its turn comes',
};

/** Checks across knobs, on the merged scenario. */
export function sofyCrossCheck(scenario: Scenario): string | undefined {
  const sofy = scenario as SofyScenario;
  if (sofy.incompleteDevice !== null && sofy.incompleteDevice > sofy.devices) {
    return `incompleteDevice (${sofy.incompleteDevice}) exceeds devices (${sofy.devices})`;
  }
  if (sofy.pollsToComplete !== null && sofy.emptyPolls >= sofy.pollsToComplete) {
    return (
      `emptyPolls (${sofy.emptyPolls}) must be less than pollsToComplete ` +
      `(${sofy.pollsToComplete}): the completing poll shows the rows`
    );
  }
  return undefined;
}
