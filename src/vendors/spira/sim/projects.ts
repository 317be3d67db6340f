// The Spira simulator's seeded reads (vendor-apis/spira.md §3): products, test cases with their
// steps, releases and test sets, answered from the catalog.

import { jsonResponse } from '../../../simulator/kit.js';
import type { Catalog } from './catalog.js';
import type { SpiraScenario } from './model.js';
import type { Handler } from './routes.js';
import { notFound, withId } from './wire.js';

function projectObject(id: number): Record<string, unknown> {
  return { ProjectId: id, Name: `Product PR:${id}`, Active: true };
}

/** `GET /projects`: every seeded product. */
export function projectsAnswer(scenario: SpiraScenario): unknown[] {
  return scenario.spiraProjectIds.map((id) => projectObject(Number(id)));
}

function testCaseObject(catalog: Catalog, projectId: number, id: number): Record<string, unknown> {
  return {
    TestCaseId: id,
    ProjectId: projectId,
    Name: catalog.testCaseName(id),
    ArtifactTypeId: 2,
    TestSteps: catalog.steps(id).map((step) => ({
      ...step,
      TestCaseId: id,
      Description: `Step ${step.Position}`,
      ExpectedResult: 'Works as expected.',
    })),
  };
}

export const PROJECT_HANDLERS: Readonly<Record<string, Handler>> = {
  project: ({ projectId }) => jsonResponse(200, projectObject(projectId)),
  testCase: ({ params, catalog, projectId }) =>
    withId(params[0], 'test case', (id) =>
      catalog.hasTestCase(id)
        ? jsonResponse(200, testCaseObject(catalog, projectId, id))
        : notFound('test case TC', id),
    ),
  release: ({ params, catalog, projectId }) =>
    withId(params[0], 'release', (id) =>
      catalog.hasRelease(id)
        ? jsonResponse(200, {
            ReleaseId: id,
            ProjectId: projectId,
            Name: `Release RL:${id}`,
            VersionNumber: `1.${id}`,
          })
        : notFound('release RL', id),
    ),
  testSet: ({ params, catalog, projectId }) =>
    withId(params[0], 'test set', (id) =>
      catalog.hasTestSet(id)
        ? jsonResponse(200, {
            TestSetId: id,
            ProjectId: projectId,
            Name: `Test set TX:${id}`,
            ReleaseId: catalog.testSetRelease(),
          })
        : notFound('test set TX', id),
    ),
};
