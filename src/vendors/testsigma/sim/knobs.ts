// Testsigma's own scenario knobs and variant flags (the common knobs are the framework's);
// their values are typed by TestsigmaScenario in model.ts.

import type { KnobSpec } from '../../../simulator/kit.js';

/** Testsigma's own scenario knobs (the common ones are the framework's). */
export const TESTSIGMA_KNOBS: readonly KnobSpec[] = [
  {
    name: 'machines',
    type: 'integer',
    default: 1,
    min: 1,
    max: 50,
    placeholder: 'N',
    help: 'machines (devices) the tests are split over; one JUnit <testsuite> each',
  },
  {
    name: 'result',
    type: 'string',
    default: null,
    nullable: true,
    placeholder: 'RESULT',
    help: 'force the final run result (SUCCESS, FAILURE, ABORTED, NOT_EXECUTED, QUEUED, STOPPED, or any other upper-case value); null = from the outcome mix',
    check: (value) =>
      typeof value === 'string' && !/^[A-Z][A-Z0-9_]*$/.test(value)
        ? 'expected an upper-case result value such as FAILURE or STOPPED'
        : undefined,
  },
  {
    name: 'junitLagSeconds',
    type: 'number',
    default: 0,
    min: 0,
    placeholder: 'S',
    help: 'the JUnit report stays "not completed" for this long after the run completes',
  },
  {
    name: 'rejectParallel',
    type: 'boolean',
    default: null,
    nullable: true,
    placeholder: '',
    help: 'a second trigger of a plan that is still running answers 500 (null = only with variant self-hosted)',
  },
  {
    name: 'triggerFailsAfterCreate',
    type: 'boolean',
    default: false,
    placeholder: '',
    help: 'the trigger creates a run that is at once COMPLETED/STOPPED with an error, and answers 500',
  },
  {
    name: 'missingPlanIds',
    type: 'idList',
    default: [],
    placeholder: 'ID,…',
    help: 'plan ids that do not exist (trigger answers 404)',
  },
  {
    name: 'planName',
    type: 'string',
    default: 'Nightly regression',
    placeholder: 'NAME',
    help: 'the test plan name (JUnit suite names, run page, error texts)',
    check: (value) => (value === '' ? 'must not be empty' : undefined),
  },
  {
    name: 'iterations',
    type: 'integer',
    default: 0,
    min: 0,
    max: 100,
    placeholder: 'N',
    help: 'data-driven iterations per test in test_case_results (0 = not data-driven)',
  },
  {
    name: 'apiDisabled',
    type: 'boolean',
    default: false,
    placeholder: '',
    help: 'self-hosted: API access is switched off (401 "API disabled…")',
  },
];

export const TESTSIGMA_VARIANTS: Readonly<Record<string, string>> = {
  'self-hosted':
    'open-source server: cloud paths answer 404, 401 bodies are bare strings, parallel runs rejected',
  'docs-spelling': 'results PASSED/FAILED instead of SUCCESS/FAILURE',
  'null-counts': 'counts are null instead of 0 until known',
  'unknown-status': `an unknown status (STATUS_WAITING_FOR_DEVICE) appears mid-run`,
  'control-chars': 'raw control characters in failure messages (JUnit, test_case_results list)',
  rerun: 'automatic re-run child; consolidatedStatus/consolidatedResult lag the first attempt',
  'queued-phases': 'STATUS_QUEUED and STATUS_PRE_FLIGHT appear before STATUS_IN_PROGRESS',
};
