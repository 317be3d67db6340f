// Spira's bodies from the neutral model: every text field fits the size Spira stores it in
// (documented nowhere, so conservative limits: see payload.ts), cut with the cut marked.
import type { RunResult, TestCase } from '../../../src/core/result.js';
import { DEFAULT_SPIRA_STATUSES } from '../../../src/vendors/spira/settings.js';
import type { MappedCase } from '../../../src/vendors/spira/mapping.js';
import {
  automatedRun,
  buildRequest,
  MAX_BUILD_DESCRIPTION_CHARS,
  MAX_BUILD_NAME_CHARS,
  MAX_MESSAGE_CHARS,
  MAX_RUNNER_NAME_CHARS,
  MAX_STACK_CHARS,
  MAX_TEST_NAME_CHARS,
} from '../../../src/vendors/spira/payload.js';

const times = { start: '2024-05-14T14:00:00.000Z', end: '2024-05-14T14:00:05.000Z' };

function mapped(testCase: TestCase): MappedCase {
  return {
    testCase,
    suite: { name: 'suite', cases: [testCase] },
    index: 0,
    testCaseId: 7,
    manual: false,
    source: 'default',
  };
}

function runOf(testCase: TestCase) {
  return automatedRun(mapped(testCase), DEFAULT_SPIRA_STATUSES, times, {});
}

const result: RunResult = {
  vendor: 'squish',
  vendorName: 'Squish Test Center',
  runId: '105',
  title: 'Nightly',
  state: 'completed',
  verdict: 'passed',
  suites: [],
  links: [],
};

describe('Spira payload limits', () => {
  it('keeps fields within the limits as they are', () => {
    const name = 'n'.repeat(MAX_TEST_NAME_CHARS - 'shop.'.length);
    const run = runOf({ name, classname: 'shop', status: 'failed', message: 'm', details: 'd' });
    expect(run).toMatchObject({
      RunnerName: 'TestRelay',
      RunnerTestName: `shop.${name}`,
      RunnerMessage: 'm',
      RunnerStackTrace: 'd',
    });
    const build = buildRequest(24, 155, 'b'.repeat(MAX_BUILD_NAME_CHARS), result, { ci: 'test' });
    expect(build.Name).toBe('b'.repeat(MAX_BUILD_NAME_CHARS));
  });

  it('cuts every text field of a run to its limit, and marks the cut', () => {
    const run = runOf({
      name: 'x'.repeat(1000),
      classname: 'shop.Checkout',
      status: 'failed',
      message: 'm'.repeat(MAX_MESSAGE_CHARS * 2),
      details: 'd'.repeat(MAX_STACK_CHARS * 2),
    });
    const limits = {
      RunnerName: MAX_RUNNER_NAME_CHARS,
      RunnerTestName: MAX_TEST_NAME_CHARS,
      RunnerMessage: MAX_MESSAGE_CHARS,
      RunnerStackTrace: MAX_STACK_CHARS,
    };
    for (const [field, limit] of Object.entries(limits)) {
      expect(run[field as keyof typeof limits].length).toBeLessThanOrEqual(limit);
    }
    expect(run.RunnerTestName).toHaveLength(MAX_TEST_NAME_CHARS);
    expect(run.RunnerTestName).toMatch(/^shop\.Checkout\.x+… \[[\d,]+ more characters\]$/);
  });

  it('takes control characters out of the test name, as out of the message', () => {
    const run = runOf({ name: 'pay\u0000 by\u001b[31m card', classname: 'shop', status: 'passed' });
    expect(run.RunnerTestName).toBe('shop.pay by card');
  });

  it('cuts the build name and its description', () => {
    const build = buildRequest(
      24,
      155,
      `Nightly ${'#'.repeat(1000)}`,
      { ...result, title: 'T'.repeat(MAX_BUILD_DESCRIPTION_CHARS * 2) },
      { ci: 'test', runUrl: 'https://ci.example/runs/1' },
    );
    expect(build.Name).toHaveLength(MAX_BUILD_NAME_CHARS);
    expect(build.Name).toMatch(/^Nightly #+… \[[\d,]+ more characters\]$/);
    expect(build.Description).toHaveLength(MAX_BUILD_DESCRIPTION_CHARS);
    expect(build.Description).toMatch(/^Test results recorded by TestRelay\.\nCI run: /);
    expect(build.Description).toMatch(/… \[[\d,]+ more characters\]$/);
  });
});
