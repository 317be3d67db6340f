// What a Testsigma run will do (vendor-apis/testsigma.md §3-§4): its tests, with outcomes,
// machines, suites, durations and messages, and its final verdict.

import {
  deviceName,
  errorMessage,
  failureMessage,
  outcomeSlot,
  suiteIndex,
  suiteName,
  testDurationMs,
  testName,
  type Scenario,
} from '../../../simulator/kit.js';
import { MESSAGES, type PlannedTest, type TestsigmaScenario, type Variant } from './model.js';

const CONTROL_CHARACTERS = '\u0007\u001b[31m\u000b\u0001';

function plannedResult(index: number, scenario: Scenario): string {
  const slot = outcomeSlot(index, scenario);
  switch (slot.group) {
    case 'passed':
      return 'SUCCESS';
    case 'failed':
      return 'FAILURE';
    case 'errored':
      // Alternate the two "no trustworthy result" values so both appear.
      return slot.nth % 2 === 0 ? 'ABORTED' : 'NOT_EXECUTED';
    case 'skipped':
      return 'STOPPED';
  }
}

function plannedMessage(result: string, index: number, variant: Variant): string {
  switch (result) {
    case 'SUCCESS':
      return 'Test case executed successfully';
    case 'FAILURE': {
      const message = failureMessage(index);
      // Raw control characters, as seen in real failure messages (variant `control-chars`).
      return variant.controlChars ? `${message}${CONTROL_CHARACTERS} at step 3` : message;
    }
    case 'ABORTED':
      return variant.controlChars ? `${errorMessage(0)}${CONTROL_CHARACTERS}` : errorMessage(0);
    case 'NOT_EXECUTED':
      return errorMessage(1);
    default:
      return MESSAGES.planStopped;
  }
}

/**
 * The tests of a run: outcomes by position (passing first, then failed, errored, skipped),
 * machines in contiguous, balanced chunks, suites of four.
 */
export function planTests(scenario: TestsigmaScenario, variant: Variant): PlannedTest[] {
  const tests: PlannedTest[] = [];
  for (let index = 0; index < scenario.tests; index += 1) {
    const name = testName(index, scenario.testNames);
    const result = plannedResult(index, scenario);
    const machineIndex = Math.floor((index * scenario.machines) / scenario.tests);
    const ran = result !== 'NOT_EXECUTED' && result !== 'STOPPED';
    tests.push({
      index,
      name,
      suiteIndex: suiteIndex(index),
      suiteName: suiteName(suiteIndex(index)),
      machineIndex,
      machineName: deviceName(machineIndex),
      result,
      durationMs: ran ? testDurationMs(name, index) : null,
      message: plannedMessage(result, index, variant),
    });
  }
  return tests;
}

/** The run's verdict when it completes on its own. */
export function finalResultOf(scenario: TestsigmaScenario): string {
  if (scenario.result !== null) return scenario.result;
  if (scenario.tests === 0) return 'NOT_EXECUTED';
  if (scenario.failed > 0) return 'FAILURE';
  if (scenario.errored > 0) return 'ABORTED';
  return 'SUCCESS';
}
