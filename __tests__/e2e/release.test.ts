// scripts/release.mjs in a throwaway clone of this repository: what it refuses, what --dry-run
// leaves alone, and the commit, tags, versions and tarball of a real release. The clone's tags
// are real git tags; nothing is pushed anywhere.
//
// TESTRELAY_RELEASE_SKIP_BUILD=1 skips `npm run build` (about 90 s for all bundles on CI's
// machine, well over the 30 s this test may take; .ci/run checks the bundles against a fresh
// build anyway). `npm run docs` still runs, so the stale check and the regenerated task.json
// and GitLab component are real.

import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from '../helpers/github-runner.js';

let clone: string;
const identity = {
  GIT_AUTHOR_NAME: 'Release Test',
  GIT_AUTHOR_EMAIL: 'release-test@example.com',
  GIT_COMMITTER_NAME: 'Release Test',
  GIT_COMMITTER_EMAIL: 'release-test@example.com',
};

const git = (...args: string[]): string =>
  execFileSync('git', args, { cwd: clone, encoding: 'utf8', env: { ...process.env, ...identity } })
    .toString()
    .trim();

function release(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, ['scripts/release.mjs', ...args], {
    cwd: clone,
    encoding: 'utf8',
    env: { ...process.env, ...identity, TESTRELAY_RELEASE_SKIP_BUILD: '1' },
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

function commitFile(file: string, text: string): void {
  fs.writeFileSync(path.join(clone, file), text);
  git('add', file);
  git('commit', '--quiet', '-m', `test: ${file}`);
}

const read = (file: string): string => fs.readFileSync(path.join(clone, file), 'utf8');

/** CHANGELOG.md with a section for `version` above the newest one. */
const withSection = (version: string): string =>
  read('CHANGELOG.md').replace(/^## \[Unreleased\]\n/m, `## [Unreleased]\n\n## [${version}]\n`);

beforeAll(() => {
  clone = fs.mkdtempSync(path.join(os.tmpdir(), 'testrelay-release-'));
  execFileSync('git', ['clone', '--quiet', ROOT, clone]);
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(clone, 'node_modules'));
  fs.appendFileSync(path.join(clone, '.git', 'info', 'exclude'), 'node_modules\n');
  // The script under test as it is in this checkout, committed or not.
  const script = fs.readFileSync(path.join(ROOT, 'scripts', 'release.mjs'), 'utf8');
  const inClone = path.join(clone, 'scripts', 'release.mjs');
  if (!fs.existsSync(inClone) || read('scripts/release.mjs') !== script) {
    commitFile('scripts/release.mjs', script);
  }
});

afterAll(() => fs.rmSync(clone, { recursive: true, force: true }));

const current = (): string => (JSON.parse(read('package.json')) as { version: string }).version;

it('refuses a version that is not semantic, not newer, or without a changelog section', () => {
  expect(release('1.2')).toEqual({
    status: 1,
    output: expect.stringContaining('not a semantic version'),
  });
  expect(release('v1.2.3').output).toContain('not a semantic version');
  expect(release('0.0.9')).toEqual({ status: 1, output: expect.stringContaining('is not newer') });
  expect(release('0.1.0-rc.1').output).toContain('is not newer');
  expect(release('9.9.9')).toEqual({
    status: 1,
    output: expect.stringContaining('CHANGELOG.md has no section "## [9.9.9]"'),
  });
  expect(release().output).toContain('usage:');
  expect(git('tag', '--list')).toBe('');
});

it('refuses a dirty tree', () => {
  fs.writeFileSync(path.join(clone, 'stray.txt'), 'not committed');
  expect(release('0.2.0')).toEqual({ status: 1, output: expect.stringContaining('not clean') });
  fs.rmSync(path.join(clone, 'stray.txt'));
});

it('--dry-run checks everything and changes nothing', () => {
  commitFile('CHANGELOG.md', withSection('0.2.0'));
  const head = git('rev-parse', 'HEAD');
  const dry = release('0.2.0', '--dry-run');
  expect(dry).toEqual({ status: 0, output: expect.stringContaining('0.2.0 passes every check') });
  expect({
    head: git('rev-parse', 'HEAD'),
    tags: git('tag', '--list'),
    dirty: git('status', '--porcelain'),
  }).toEqual({
    head,
    tags: '',
    dirty: '',
  });
}, 60_000);

it('commits, tags vX.Y.Z, moves vX, sets every version and packs the package', () => {
  const before = current();
  // An earlier release's major tag, which the release must move.
  git('tag', 'v0', 'HEAD~1');
  const run = release('0.2.0');
  expect(run).toEqual({ status: 0, output: expect.stringContaining('packed testrelay-0.2.0.tgz') });

  const head = git('rev-parse', 'HEAD');
  expect({
    message: git('log', '-1', '--format=%s'),
    tag: git('rev-parse', 'v0.2.0^{commit}'),
    major: git('rev-parse', 'v0^{commit}'),
    dirty: git('status', '--porcelain'),
  }).toEqual({ message: 'Release v0.2.0', tag: head, major: head, dirty: '' });

  const lock = JSON.parse(read('package-lock.json')) as {
    version: string;
    packages: Record<string, { version: string }>;
  };
  const task = JSON.parse(read('azure-task/TestRelay/task.json')) as { version: unknown };
  expect({
    package: current(),
    lock: lock.version,
    lockRoot: lock.packages[''].version,
    extension: (JSON.parse(read('azure-task/vss-extension.json')) as { version: string }).version,
    task: task.version,
    component: read('gitlab/templates/testrelay.yml').includes("default: 'testrelay@0.2.0'"),
    changelog: /^## \[0\.2\.0\] - \d{4}-\d{2}-\d{2}$/m.test(read('CHANGELOG.md')),
    tarball: fs.existsSync(path.join(clone, 'testrelay-0.2.0.tgz')),
  }).toEqual({
    package: '0.2.0',
    lock: '0.2.0',
    lockRoot: '0.2.0',
    extension: '0.2.0',
    task: { Major: 0, Minor: 2, Patch: 0 },
    component: true,
    changelog: true,
    tarball: true,
  });
  expect(before).not.toBe('0.2.0');

  // The same version again: its tag exists.
  expect(release('0.2.0')).toEqual({
    status: 1,
    output: expect.stringContaining('exists already'),
  });
}, 120_000);

it('refuses to release stale generated files', () => {
  // A committed docs table that npm run docs would rewrite, as if a change to an input's
  // description had been committed without regenerating the docs.
  commitFile('docs/inputs.md', read('docs/inputs.md').replace('| `vendor` ', '| `vendorX` '));
  commitFile('CHANGELOG.md', withSection('0.3.0'));
  const stale = release('0.3.0');
  expect(stale).toEqual({
    status: 1,
    output: expect.stringContaining('differ from a fresh build'),
  });
  expect(stale.output).toContain('docs/inputs.md');
  expect(git('tag', '--list', 'v0.3.0')).toBe('');
}, 60_000);
