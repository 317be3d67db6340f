// The Spira simulator's documents (vendor-apis/spira.md §5): a file (base64 BinaryData) or a
// URL, attached to artifacts such as test runs.

import { isResponse, jsonResponse, type SimResponse } from '../../../simulator/kit.js';
import { ARTIFACT_TEST_RUN } from './model.js';
import type { Call, Handler } from './routes.js';
import { fault, intFields, jsonBody, notFound, SPIRA_MESSAGES, stringField } from './wire.js';

type Attachment = { ArtifactId: number; ArtifactTypeId: number };

/** The artifacts a document is attached to, checked; or the answer that refuses them. */
function attachments(call: Call, value: unknown): Attachment[] | SimResponse {
  const attached: Attachment[] = [];
  const links = Array.isArray(value) ? value : [];
  for (const [index, link] of links.entries()) {
    const item = (link ?? {}) as Record<string, unknown>;
    const ints = intFields(item, ['ArtifactId', 'ArtifactTypeId'], `AttachedArtifacts[${index}].`);
    if (isResponse(ints)) return ints;
    const { ArtifactId: id, ArtifactTypeId: type } = ints;
    if (id === null || type === null) return fault(400, SPIRA_MESSAGES.foreignKey);
    if (type === ARTIFACT_TEST_RUN && !call.store.run(call.projectId, id))
      return notFound('test run TR', id);
    attached.push({ ArtifactId: id, ArtifactTypeId: type });
  }
  return attached;
}

function document(call: Call, file: boolean): SimResponse {
  const value = jsonBody(call.request);
  if (isResponse(value)) return value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return fault(400, "Cannot deserialize the JSON value into type 'RemoteDocument'");
  }
  const body = value as Record<string, unknown>;
  const name = stringField(body, 'FilenameOrUrl');
  if (name === null || name.trim() === '') {
    return fault(400, 'Value cannot be null. Parameter name: FilenameOrUrl');
  }
  let size = 0;
  if (file) {
    const data = body.BinaryData;
    if (typeof data !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(data)) {
      return fault(400, 'BinaryData must be base64-encoded file content');
    }
    size = Buffer.from(data, 'base64').length;
  }
  const attached = attachments(call, body.AttachedArtifacts);
  if (isResponse(attached)) return attached;
  const stored = call.store.addDocument({
    ProjectId: call.projectId,
    AttachmentTypeId: file ? 1 : 2,
    FilenameOrUrl: name,
    Size: size,
    AttachedArtifacts: attached,
    UploadDate: new Date(call.now()).toISOString(),
  });
  return jsonResponse(200, stored);
}

export const DOCUMENT_HANDLERS: Readonly<Record<string, Handler>> = {
  documentFile: (call) => document(call, true),
  documentUrl: (call) => document(call, false),
};
