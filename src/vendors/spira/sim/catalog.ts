// The Spira simulator's seeded catalog: products, test cases with steps, releases and test
// sets, all named by the scenario knobs.

import type { SpiraScenario } from './model.js';

/** Seeded catalog lookups (ids are shared by every seeded product: a simplification). */
export class Catalog {
  constructor(private readonly scenario: SpiraScenario) {}

  hasProject(id: number): boolean {
    return this.scenario.spiraProjectIds.includes(String(id));
  }

  hasTestCase(id: number): boolean {
    return this.scenario.spiraTestCaseIds.includes(String(id));
  }

  hasRelease(id: number): boolean {
    return this.scenario.spiraReleaseIds.includes(String(id));
  }

  hasTestSet(id: number): boolean {
    return this.scenario.spiraTestSetIds.includes(String(id));
  }

  testCaseIds(): number[] {
    return this.scenario.spiraTestCaseIds.map(Number);
  }

  /** A test set holds every seeded test case and belongs to the first seeded release. */
  testSetRelease(): number | null {
    const first = this.scenario.spiraReleaseIds[0];
    return first === undefined ? null : Number(first);
  }

  testCaseName(id: number): string {
    return `Test case TC:${id}`;
  }

  /** Steps of a test case: ids `testCaseId * 100 + position` (deterministic). */
  steps(testCaseId: number): Array<{ TestStepId: number; Position: number }> {
    return Array.from({ length: this.scenario.spiraStepsPerTestCase }, (_, index) => ({
      TestStepId: testCaseId * 100 + index + 1,
      Position: index + 1,
    }));
  }
}
