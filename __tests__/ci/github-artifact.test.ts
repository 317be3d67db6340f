// uploadResultsArtifact against a local stand-in of the runner's artifact service
// (__tests__/helpers/artifact-service.ts): real @actions/artifact, real Azure blob client,
// real HTTP on 127.0.0.1.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { startArtifactService, type ArtifactService } from '../helpers/artifact-service.js';
import { ArtifactUploadError, uploadResultsArtifact } from '../../src/ci/github-artifact.js';

const JUNIT = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<testsuites tests="2" failures="1">\n' +
    '  <testsuite name="Login" tests="2" failures="1">\n' +
    '    <testcase name="valid user" time="1.5"/>\n' +
    '    <testcase name="wrong password &amp; ünïcödé"><failure message="expected error"/></testcase>\n' +
    '  </testsuite>\n' +
    '</testsuites>\n',
);
const SUMMARY = Buffer.from('## TestRelay\n\n| passed | failed |\n|---|---|\n| 1 | 1 |\n');

let service: ArtifactService;
let dir: string;
let savedEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  service = await startArtifactService();
  dir = await mkdtemp(join(tmpdir(), 'testrelay-artifact-'));
  await writeFile(join(dir, 'junit.xml'), JUNIT);
  await writeFile(join(dir, 'summary.md'), SUMMARY);
});

afterAll(async () => {
  await service.close();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  savedEnv = { ...process.env };
  Object.assign(process.env, service.env);
  // @actions/core prints ::debug:: / info lines to stdout; keep the test output readable.
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
});

afterEach(() => {
  jest.restoreAllMocks();
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

const files = (): string[] => [join(dir, 'junit.xml'), join(dir, 'summary.md')];

test('uploads the JUnit file and the summary as one artifact with identical bytes', async () => {
  const result = await uploadResultsArtifact('testrelay-results', files(), dir, {
    retentionDays: 5,
  });

  const uploaded = service.artifacts().find((a) => a.name === 'testrelay-results');
  expect(uploaded).toBeDefined();
  expect(Object.keys(uploaded!.files).sort()).toEqual(['junit.xml', 'summary.md']);
  expect(uploaded!.files['junit.xml'].equals(JUNIT)).toBe(true);
  expect(uploaded!.files['summary.md'].equals(SUMMARY)).toBe(true);
  expect(result).toEqual({ id: uploaded!.id, size: uploaded!.size });
  expect(uploaded!.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(uploaded!.mimeType).toBe('application/zip');
  const days = (Date.parse(uploaded!.expiresAt!) - Date.now()) / 86_400_000;
  expect(days).toBeGreaterThan(4.9);
  expect(days).toBeLessThan(5.1);

  // The wire sequence the library really uses: Twirp create, staged block(s), block list, finalize.
  const paths = service
    .requests()
    .map((r) => `${r.method} ${r.path.replace(/\/devstoreaccount1\/.*/, '<blob>')}`);
  expect(paths).toEqual([
    'POST /twirp/github.actions.results.api.v1.ArtifactService/CreateArtifact',
    'PUT <blob>',
    'PUT <blob>',
    'POST /twirp/github.actions.results.api.v1.ArtifactService/FinalizeArtifact',
  ]);
});

test('a second upload with the same name fails with a clear "already exists" error', async () => {
  await uploadResultsArtifact('twice', files(), dir);
  const error = await uploadResultsArtifact('twice', files(), dir).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ArtifactUploadError);
  expect((error as ArtifactUploadError).reason).toBe('already-exists');
  expect((error as Error).message).toMatch(/"twice".*already exists in this workflow run/);
  expect(service.artifacts().filter((a) => a.name === 'twice')).toHaveLength(1);
});

test('outside GitHub Actions it names the missing variables and calls nothing', async () => {
  delete process.env.ACTIONS_RUNTIME_TOKEN;
  delete process.env.ACTIONS_RESULTS_URL;
  const before = service.requests().length;
  await expect(uploadResultsArtifact('no-runtime', files(), dir)).rejects.toThrow(
    /not running inside a GitHub Actions job \(ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL are not set\)/,
  );
  expect(service.requests()).toHaveLength(before);
});

test('a missing file is reported by path before anything is created', async () => {
  const missing = join(dir, 'nope.xml');
  const error = await uploadResultsArtifact(
    'missing-file',
    [missing, join(dir, 'summary.md')],
    dir,
  ).catch((e: unknown) => e);
  expect((error as ArtifactUploadError).reason).toBe('files-missing');
  expect((error as Error).message).toContain(missing);
  expect(service.artifacts().some((a) => a.name === 'missing-file')).toBe(false);
});

test('a rejected token is reported without leaking it', async () => {
  // Same backend ids (the library decodes them), different signature: the service says 401.
  const token = service.env.ACTIONS_RUNTIME_TOKEN;
  process.env.ACTIONS_RUNTIME_TOKEN =
    token.slice(0, token.lastIndexOf('.') + 1) + 'forged-signature';
  const error = (await uploadResultsArtifact('bad-token', files(), dir).catch(
    (e: unknown) => e,
  )) as Error;
  expect(error).toBeInstanceOf(ArtifactUploadError);
  expect(error.message).toMatch(/Cannot upload artifact "bad-token": .*\(401\)/);
  expect(error.message).not.toContain('forged-signature');
  expect(error.message).not.toContain(token);
});

test('a token that is not a runtime JWT is reported as an unusable runtime, not echoed', async () => {
  process.env.ACTIONS_RUNTIME_TOKEN = 'not-a-jwt-secret-value';
  const error = (await uploadResultsArtifact('bad-jwt', files(), dir).catch(
    (e: unknown) => e,
  )) as ArtifactUploadError;
  expect(error.reason).toBe('not-in-actions');
  expect(error.message).toMatch(/ACTIONS_RUNTIME_TOKEN is not a usable Actions runtime token/);
  expect(error.message).not.toContain('not-a-jwt-secret-value');
});

test('a non-GitHub.com server URL is refused as GHES', async () => {
  process.env.GITHUB_SERVER_URL = 'https://ghes.example.com';
  const error = (await uploadResultsArtifact('ghes', files(), dir).catch(
    (e: unknown) => e,
  )) as ArtifactUploadError;
  expect(error.reason).toBe('unsupported');
  expect(error.message).toMatch(/GitHub Enterprise Server/);
});
