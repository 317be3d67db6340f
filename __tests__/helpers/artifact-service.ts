// A local stand-in for the GitHub Actions runner's artifact ("results") service, as
// @actions/artifact v6 really talks to it (read from node_modules/@actions/artifact/lib/internal):
//
// - The library reads ACTIONS_RUNTIME_TOKEN (a JWT it only decodes: the `scp` claim holds
//   "Actions.Results:<workflowRunBackendId>:<workflowJobRunBackendId>") and ACTIONS_RESULTS_URL
//   (only its origin is used). GITHUB_SERVER_URL must be github.com, *.ghe.com or *.localhost,
//   otherwise DefaultArtifactClient refuses with GHESNotSupportedError.
// - Twirp JSON over POST /twirp/github.actions.results.api.v1.ArtifactService/<Method>, with
//   `Authorization: Bearer <token>`, proto field names (snake_case), int64 as strings. Every
//   response body must be JSON, errors too ({"code","msg"}), or the client retries 5 times
//   with backoff. A duplicate name gets 409 already_exists, as github.com answers.
// - The zip goes to the `signed_upload_url` CreateArtifact returns, through Azure's
//   BlockBlobClient.uploadStream: always PUT ?comp=block&blockid=<base64> (201) per 8 MiB
//   chunk, then PUT ?comp=blocklist with an XML <BlockList> (201 with ETag/Last-Modified),
//   never a single Put Blob. A 127.0.0.1 host makes the SDK use path-style URLs
//   (/<account>/<container>/<blob>).
// - Proxies: @actions/http-client bypasses loopback by itself, but @azure/core-rest-pipeline
//   sends even http:// URLs through HTTPS_PROXY/ALL_PROXY/HTTP_PROXY unless NO_PROXY lists
//   the exact host (no loopback exception), and it reads NO_PROXY once per process. So the
//   env below carries NO_PROXY/no_proxy with 127.0.0.1 added.
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32, inflateRawSync } from 'node:zlib';

const SERVICE = '/twirp/github.actions.results.api.v1.ArtifactService/';
const ACCOUNT = 'devstoreaccount1';
const CONTAINER = 'actions-results';

export interface UploadedArtifact {
  name: string;
  /** Size of the uploaded zip, as finalized. */
  size: number;
  /** The zip's entries (directories left out), by entry name, uncompressed. */
  files: Record<string, Buffer>;
  id: number;
  /** "sha256:<hex>" as sent in FinalizeArtifact. */
  digest?: string;
  mimeType?: string;
  /** RFC 3339 timestamp from CreateArtifact's expires_at (set when retentionDays is given). */
  expiresAt?: string;
}

export interface ServiceRequest {
  method: string;
  path: string;
  status: number;
}

export interface ArtifactService {
  url: string;
  /** Everything a step process needs to upload: merge into process.env or a child's env. */
  env: Record<string, string>;
  /** Finalized artifacts, oldest first. */
  artifacts(): UploadedArtifact[];
  /** Every request received, oldest first. */
  requests(): ServiceRequest[];
  close(): Promise<void>;
}

interface Pending {
  name: string;
  id: number;
  blobPath: string;
  sig: string;
  mimeType?: string;
  expiresAt?: string;
  blocks: Map<string, Buffer>;
  blob?: Buffer;
  contentType?: string;
  finalized?: { size: number; digest?: string };
}

class TwirpError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const TWIRP_STATUS: Record<string, number> = {
  invalid_argument: 400,
  malformed: 400,
  unauthenticated: 401,
  permission_denied: 403,
  not_found: 404,
  bad_route: 404,
  already_exists: 409,
  failed_precondition: 412,
  internal: 500,
};

export async function startArtifactService(): Promise<ArtifactService> {
  const runId = randomUUID();
  const jobId = randomUUID();
  const secret = randomBytes(32);
  const token = signJwt(secret, {
    scp: `Actions.ExampleScope Actions.UploadArtifacts:${runId}:${jobId} Actions.Results:${runId}:${jobId}`,
    iss: 'vstoken.actions.githubusercontent.com',
    aud: 'vso:stand-in',
    nbf: Math.floor(Date.now() / 1000) - 60,
    exp: Math.floor(Date.now() / 1000) + 6 * 3600,
  });

  const byName = new Map<string, Pending>();
  const byBlob = new Map<string, Pending>();
  const log: ServiceRequest[] = [];
  let nextId = 1000;

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    res.on('finish', () => log.push({ method: req.method ?? '', path, status: res.statusCode }));
    readBody(req)
      .then((body) => {
        if (req.method === 'POST' && path.startsWith(SERVICE)) {
          twirp(req, res, path.slice(SERVICE.length), body);
        } else if (req.method === 'PUT' && byBlob.has(path)) {
          blob(req, res, byBlob.get(path) as Pending, body);
        } else {
          azureError(res, 404, 'ResourceNotFound', `No route for ${req.method} ${path}`);
        }
      })
      .catch((error: unknown) => {
        if (!res.headersSent) twirpError(res, new TwirpError('internal', String(error)));
      });
  });

  function twirp(req: IncomingMessage, res: ServerResponse, method: string, body: Buffer): void {
    try {
      if (req.headers.authorization !== `Bearer ${token}`) {
        throw new TwirpError('unauthenticated', 'invalid or missing bearer token');
      }
      if (!String(req.headers['content-type']).startsWith('application/json')) {
        throw new TwirpError('malformed', 'expected Content-Type application/json');
      }
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      } catch {
        throw new TwirpError('malformed', 'request body is not JSON');
      }
      if (msg.workflow_run_backend_id !== runId || msg.workflow_job_run_backend_id !== jobId) {
        throw new TwirpError('permission_denied', 'backend ids do not match the runtime token');
      }
      const name = typeof msg.name === 'string' ? msg.name : '';
      let reply: Record<string, unknown>;
      switch (method) {
        case 'CreateArtifact': {
          if (!name) throw new TwirpError('invalid_argument', 'name is required');
          if (msg.version !== 7)
            throw new TwirpError('invalid_argument', `unsupported version ${String(msg.version)}`);
          if (byName.has(name)) {
            throw new TwirpError(
              'already_exists',
              'an artifact with this name already exists on the workflow run',
            );
          }
          const id = nextId++;
          const blobPath = `/${ACCOUNT}/${CONTAINER}/${runId}/workflow-job-run-${jobId}/artifacts/${createHash('sha256').update(name).digest('hex')}.zip`;
          const artifact: Pending = {
            name,
            id,
            blobPath,
            sig: randomBytes(24).toString('base64'),
            mimeType: typeof msg.mime_type === 'string' ? msg.mime_type : undefined,
            expiresAt: typeof msg.expires_at === 'string' ? msg.expires_at : undefined,
            blocks: new Map(),
          };
          byName.set(name, artifact);
          byBlob.set(blobPath, artifact);
          const expiry = new Date(Date.now() + 6 * 3600 * 1000)
            .toISOString()
            .replace(/\.\d+Z$/, 'Z');
          const sas = new URLSearchParams({
            sv: '2023-11-03',
            sr: 'b',
            sp: 'rcw',
            se: expiry,
            sig: artifact.sig,
          });
          reply = { ok: true, signed_upload_url: `${url}${blobPath.slice(1)}?${sas.toString()}` };
          break;
        }
        case 'FinalizeArtifact': {
          const artifact = byName.get(name);
          if (!artifact) throw new TwirpError('not_found', `no artifact named ${name} was created`);
          if (!artifact.blob)
            throw new TwirpError('failed_precondition', 'the artifact blob was never committed');
          if (Number(msg.size) !== artifact.blob.length) {
            throw new TwirpError(
              'invalid_argument',
              `size ${String(msg.size)} != uploaded ${artifact.blob.length}`,
            );
          }
          const digest = typeof msg.hash === 'string' ? msg.hash : undefined;
          if (
            digest &&
            digest !== `sha256:${createHash('sha256').update(artifact.blob).digest('hex')}`
          ) {
            throw new TwirpError('invalid_argument', 'hash does not match the uploaded blob');
          }
          artifact.finalized = { size: artifact.blob.length, digest };
          reply = { ok: true, artifact_id: String(artifact.id) };
          break;
        }
        default:
          throw new TwirpError('bad_route', `no handler for ${method}`);
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(reply));
    } catch (error) {
      twirpError(
        res,
        error instanceof TwirpError ? error : new TwirpError('internal', String(error)),
      );
    }
  }

  function blob(req: IncomingMessage, res: ServerResponse, artifact: Pending, body: Buffer): void {
    const query = new URL(req.url ?? '/', url).searchParams;
    if (query.get('sig') !== artifact.sig) {
      azureError(res, 403, 'AuthenticationFailed', 'Signature did not match.');
      return;
    }
    if (Number(req.headers['content-length'] ?? -1) !== body.length) {
      azureError(res, 400, 'InvalidHeaderValue', 'Content-Length does not match the body.');
      return;
    }
    const common = {
      'x-ms-request-id': randomUUID(),
      'x-ms-version': String(req.headers['x-ms-version'] ?? '2025-11-05'),
      'x-ms-request-server-encrypted': 'true',
      Date: new Date().toUTCString(),
    };
    const comp = query.get('comp');
    if (comp === 'block') {
      const blockId = query.get('blockid');
      if (!blockId) {
        azureError(res, 400, 'MissingRequiredQueryParameter', 'blockid is required.');
        return;
      }
      artifact.blocks.set(blockId, body);
      res.writeHead(201, common).end();
      return;
    }
    if (comp === 'blocklist') {
      const ids = [
        ...body.toString('utf8').matchAll(/<(Latest|Uncommitted|Committed)>([^<]*)<\/\1>/g),
      ].map((m) => m[2]);
      const missing = ids.filter((id) => !artifact.blocks.has(id));
      if (missing.length > 0) {
        azureError(res, 400, 'InvalidBlockList', `Unknown block ids: ${missing.join(', ')}`);
        return;
      }
      artifact.blob = Buffer.concat(ids.map((id) => artifact.blocks.get(id) as Buffer));
      artifact.contentType = req.headers['x-ms-blob-content-type'] as string | undefined;
      artifact.blocks.clear();
      res
        .writeHead(201, {
          ...common,
          ETag: `"0x${randomBytes(8).toString('hex').toUpperCase()}"`,
          'Last-Modified': new Date().toUTCString(),
        })
        .end();
      return;
    }
    azureError(
      res,
      400,
      'UnsupportedQueryParameter',
      `The stand-in does not implement comp=${comp ?? ''}.`,
    );
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  const noProxy = [process.env.NO_PROXY ?? process.env.no_proxy ?? '', '127.0.0.1', 'localhost']
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s, i, all) => s && all.indexOf(s) === i)
    .join(',');

  return {
    url,
    env: {
      GITHUB_ACTIONS: 'true',
      GITHUB_SERVER_URL: 'https://github.com',
      ACTIONS_RUNTIME_TOKEN: token,
      ACTIONS_RESULTS_URL: url,
      NO_PROXY: noProxy,
      no_proxy: noProxy,
    },
    artifacts: () =>
      [...byName.values()]
        .filter((a) => a.finalized && a.blob)
        .map((a) => ({
          name: a.name,
          size: (a.finalized as { size: number }).size,
          files: readZip(a.blob as Buffer),
          id: a.id,
          digest: a.finalized?.digest,
          mimeType: a.mimeType,
          expiresAt: a.expiresAt,
        })),
    requests: () => [...log],
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function twirpError(res: ServerResponse, error: TwirpError): void {
  res
    .writeHead(TWIRP_STATUS[error.code] ?? 500, { 'Content-Type': 'application/json' })
    .end(JSON.stringify({ code: error.code, msg: error.message }));
}

function azureError(res: ServerResponse, status: number, code: string, message: string): void {
  res
    .writeHead(status, {
      'Content-Type': 'application/xml',
      'x-ms-error-code': code,
      'x-ms-request-id': randomUUID(),
    })
    .end(
      `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
    );
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

/** A well-formed HS256 JWT; @actions/artifact only decodes it, the stand-in compares it whole. */
function signJwt(secret: Buffer, payload: Record<string, unknown>): string {
  const head = `${base64url(JSON.stringify({ typ: 'JWT', alg: 'HS256' }))}.${base64url(JSON.stringify(payload))}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

/**
 * A small zip reader for what archiver writes: stored or deflated entries, sizes taken
 * from the central directory (local headers carry zeros, archiver streams with data
 * descriptors). No zip64 (artifacts in tests are small); CRC and sizes are checked.
 */
export function readZip(zip: Buffer): Record<string, Buffer> {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip: no end of central directory record');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const files: Record<string, Buffer> = {};
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad central directory entry at ${p}`);
    const method = zip.readUInt16LE(p + 10);
    const crc = zip.readUInt32LE(p + 16);
    const compressed = zip.readUInt32LE(p + 20);
    const size = zip.readUInt32LE(p + 24);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    const name = zip.toString('utf8', p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;
    if ([compressed, size, local].includes(0xffffffff))
      throw new Error(`zip64 entry ${name} not supported`);
    if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error(`bad local header for ${name}`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(start, start + compressed);
    let data: Buffer;
    if (method === 0) data = Buffer.from(raw);
    else if (method === 8) data = inflateRawSync(raw);
    else throw new Error(`zip entry ${name}: unsupported compression method ${method}`);
    if (data.length !== size || crc32(data) !== crc)
      throw new Error(`zip entry ${name}: size or CRC mismatch`);
    if (!name.endsWith('/')) files[name] = data;
  }
  return files;
}
