// The Spira simulator's builds (vendor-apis/spira.md §5): create one under a release, read it
// back. The body's ReleaseId is the one that counts, as on the real server.

import { isResponse, jsonResponse, type SimResponse } from '../../../simulator/kit.js';
import type { Call, Handler } from './routes.js';
import {
  fault,
  intFields,
  jsonBody,
  notFound,
  pathId,
  SPIRA_MESSAGES,
  stringField,
  withId,
} from './wire.js';

/** The RemoteBuild fields of a body, checked; or the answer that refuses it. */
function buildFields(
  call: Call,
  value: unknown,
):
  | { releaseId: number; statusId: number; name: string; body: Record<string, unknown> }
  | SimResponse {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return fault(400, "Cannot deserialize the JSON value into type 'RemoteBuild'");
  }
  const body = value as Record<string, unknown>;
  const ints = intFields(body, ['ReleaseId', 'BuildStatusId', 'ProjectId']);
  if (isResponse(ints)) return ints;
  // §5: the body's ReleaseId is the one used; without it the release is "RL0".
  const releaseId = ints.ReleaseId ?? 0;
  if (!call.catalog.hasRelease(releaseId)) {
    return fault(404, `associated release/sprint RL${releaseId} does not exist`);
  }
  if (ints.BuildStatusId !== 1 && ints.BuildStatusId !== 2) {
    return fault(400, SPIRA_MESSAGES.foreignKey);
  }
  const name = stringField(body, 'Name');
  if (name === null || name.trim() === '') {
    return fault(400, 'Value cannot be null. Parameter name: Name');
  }
  return { releaseId, statusId: ints.BuildStatusId, name, body };
}

function createBuild(call: Call): SimResponse {
  const pathRelease = pathId(call.params[0], 'release');
  if (isResponse(pathRelease)) return pathRelease;
  if (!call.catalog.hasRelease(pathRelease)) return notFound('release RL', pathRelease);
  const value = jsonBody(call.request);
  if (isResponse(value)) return value;
  const fields = buildFields(call, value);
  if (isResponse(fields)) return fields;
  const now = call.now();
  const build = call.store.addBuild({
    ProjectId: call.projectId,
    ReleaseId: fields.releaseId,
    BuildStatusId: fields.statusId,
    Name: fields.name,
    Description: stringField(fields.body, 'Description'),
    CreationDate: new Date(now).toISOString(),
    ConcurrencyDate: call.store.clock.next(now),
    apiVersion: call.version,
  });
  return jsonResponse(200, build);
}

export const BUILD_HANDLERS: Readonly<Record<string, Handler>> = {
  createBuild,
  build: ({ params, store, projectId }) =>
    withId(params[1], 'build', (id) => {
      const build = store.build(projectId, id);
      return build ? jsonResponse(200, build) : notFound('build BL', id);
    }),
};
