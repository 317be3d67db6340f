// Squish Test Center's scenario knobs and variant flags (vendor-apis/squish-test-center.md §7,
// "Knobs" and "Response variants"). The common knobs are the framework's; the model these drive
// is in plan.ts.

import type { KnobSpec, Scenario } from '../../../simulator/kit.js';
import { ERRORED_AS } from './outcomes.js';
import { capabilitiesProblem, templatesProblem, type SquishScenario } from './plan.js';

/** Squish Test Center's own scenario knobs (the common ones are the framework's). */
export const SQUISH_KNOBS: readonly KnobSpec[] = [
  {
    name: 'templates',
    type: 'stringList',
    default: [
      '64:Shop:CI Tests master',
      '65:Shop:Nightly',
      '66:Shop:Nightly',
      '67:Mobile:CI Tests master',
    ],
    placeholder: 'ID:PROJECT:TITLE,…',
    help: 'test plan templates; titles need not be unique (the default has "Nightly" twice)',
    check: (value) => templatesProblem(value as string[]),
  },
  {
    name: 'capabilities',
    type: 'string',
    default: 'OS=Linux,OS=Windows',
    placeholder: 'SETS',
    help: 'label sets assigned to the executions round-robin, e.g. "OS=Linux&browser=chrome,OS=Windows" ("" = none)',
    check: (value) => capabilitiesProblem(String(value)),
  },
  {
    name: 'workers',
    type: 'integer',
    default: 2,
    min: 0,
    max: 100,
    placeholder: 'N',
    help: 'simulated workers that work the executions off (0 = only explicit reserve/finished calls move them)',
  },
  {
    name: 'requireSchedule',
    type: 'boolean',
    default: false,
    placeholder: '',
    help: 'simulated workers only run instances triggered with "time" and "linkedRepos" (Test Center–driven mode)',
  },
  {
    name: 'reservationTimeoutMs',
    type: 'integer',
    default: 5000,
    min: 1,
    placeholder: 'MS',
    help: 'reservation timeout when a reserve or heartbeat body has none; also how long a crashed worker holds one',
  },
  {
    name: 'workerCrashes',
    type: 'integer',
    default: 0,
    min: 0,
    placeholder: 'N',
    help: 'simulated worker reservations that are abandoned without heartbeats (they expire, then are retried)',
  },
  {
    name: 'transientErrors',
    type: 'integer',
    default: 0,
    min: 0,
    placeholder: 'N',
    help: 'executions whose first attempt is finished with an infrastructure failure, then reset and retried',
  },
  {
    name: 'erroredAs',
    type: 'string',
    default: 'mixed',
    placeholder: 'KIND',
    help: 'what "errored" tests become: infrastructure (finished with a message, no result), script-error (FAIL with an ERROR event), none (NONE), or mixed (cycles)',
    check: (value) =>
      String(value) in ERRORED_AS
        ? undefined
        : `expected one of: ${Object.keys(ERRORED_AS).join(', ')}`,
  },
  {
    name: 'xfail',
    type: 'integer',
    default: 0,
    min: 0,
    placeholder: 'N',
    help: 'of the passing tests, this many are expected failures (XFAIL, counted as passed)',
  },
  {
    name: 'xpass',
    type: 'integer',
    default: 0,
    min: 0,
    placeholder: 'N',
    help: 'of the failed tests, this many are unexpected passes (XPASS, counted as failed)',
  },
  {
    name: 'resultLagSeconds',
    type: 'number',
    default: 0,
    min: 0,
    placeholder: 'S',
    help: 'results (testplans counts, Results API) arrive this long after an execution is finished',
  },
  {
    name: 'resultsApi',
    type: 'boolean',
    default: true,
    placeholder: '',
    help: 'serve the Results API under /api/v1 (--no-results-api: 404, as on older servers)',
  },
  {
    name: 'username',
    type: 'string',
    default: null,
    nullable: true,
    placeholder: 'USER',
    help: 'the accepted Basic auth user (null = any non-empty user)',
    check: (value) => (value === '' ? 'must not be empty (null accepts any user)' : undefined),
  },
  {
    name: 'password',
    type: 'string',
    default: null,
    nullable: true,
    placeholder: 'PASSWORD',
    help: 'the accepted Basic auth password (null = any non-empty password)',
    check: (value) => (value === '' ? 'must not be empty (null accepts any password)' : undefined),
  },
  {
    name: 'automationToken',
    type: 'string',
    default: null,
    nullable: true,
    placeholder: 'TOKEN',
    help: 'the accepted AutomationToken header of the Results API (null = any non-empty value)',
    check: (value) => (value === '' ? 'must not be empty (null accepts any value)' : undefined),
  },
];

export const SQUISH_VARIANTS: Readonly<Record<string, string>> = {
  'finished-key': 'status answers "finished" (the schema) instead of "done" (the example)',
  'both-keys': 'status answers both "done" and "finished"',
  'executeplan-200': 'executeplan answers 200 instead of 201',
  'ambiguous-title':
    'a lookup matching several test plans answers 400 (default: the match with the lowest id)',
  'string-ids': 'test_id, server and repository ids as strings, as the schema types them',
  'count-planned': 'testplans "count" is the number of planned tests, not of results received',
};

/** Checks across knobs, on the merged scenario. */
export function squishCrossCheck(scenario: Scenario): string | undefined {
  const squish = scenario as SquishScenario;
  const passing = squish.tests - squish.failed - squish.errored - squish.skipped;
  if (squish.xfail > passing) {
    return `xfail (${squish.xfail}) exceeds the passing tests (${passing})`;
  }
  if (squish.xpass > squish.failed) {
    return `xpass (${squish.xpass}) exceeds failed (${squish.failed})`;
  }
  if (squish.transientErrors > squish.tests) {
    return `transientErrors (${squish.transientErrors}) exceeds tests (${squish.tests})`;
  }
  return undefined;
}
