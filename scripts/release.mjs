// node scripts/release.mjs X.Y.Z [--dry-run]: cuts a release (docs/releasing.md). Refuses what
// would make a bad one (a dirty tree, a version that is not semantic or not newer, no changelog
// section, stale bundles), then sets the version everywhere it is written, rebuilds, commits
// "Release vX.Y.Z", tags vX.Y.Z, moves the major tag vX and packs the npm package. It pushes
// and publishes nothing: that stays a person's decision (the script prints the commands).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Only what a release may change; anything else in the diff means a build wrote somewhere
// unexpected, and the release stops before committing it.
const RELEASED_PATHS =
  /^(package\.json|package-lock\.json|CHANGELOG\.md|action\.yml|(dist|azure-task|gitlab|docs)\/.*)$/;
// semver.org's grammar, without build metadata (npm ignores it, tags should not carry it).
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?$/;

const args = process.argv.slice(2);
const dryRun = args.includes('--dry-run');
const version = args.find((arg) => !arg.startsWith('--'));
// The full rebuild takes one to two minutes; the release script's own test skips it (and
// says so), nothing else should.
const skipBuild = process.env.TESTRELAY_RELEASE_SKIP_BUILD === '1';

try {
  release();
} catch (error) {
  console.error(`release: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

function release() {
  if (!version) throw new Error('usage: node scripts/release.mjs X.Y.Z [--dry-run]');
  if (!SEMVER.test(version)) {
    throw new Error(`${version} is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.4.0)`);
  }
  const dirty = git('status', '--porcelain');
  if (dirty) throw new Error(`the working tree is not clean; commit or stash first:\n${dirty}`);

  const current = readJson('package.json').version;
  const tag = `v${version}`;
  if (tagExists(tag)) throw new Error(`the tag ${tag} exists already`);
  // The version already in package.json may be released once (its first release, e.g. 0.1.0);
  // otherwise only a newer one.
  const order = compareSemver(version, current);
  if (order < 0 || (order === 0 && tagExists(`v${current}`))) {
    throw new Error(`${version} is not newer than package.json's version ${current}`);
  }
  const changelog = readFileSync(join(root, 'CHANGELOG.md'), 'utf8');
  const heading = new RegExp(
    `^## \\[${version.replace(/\./g, '\\.')}\\]( - \\d{4}-\\d{2}-\\d{2})?$`,
    'm',
  );
  if (!heading.test(changelog)) {
    throw new Error(
      `CHANGELOG.md has no section "## [${version}]": say what is in the release first`,
    );
  }

  // The committed bundles and docs must be what the committed sources build: a release of
  // stale bundles would ship code nobody reviewed.
  rebuild();
  const stale = git('status', '--porcelain');
  if (stale) {
    throw new Error(
      `the committed bundles or docs differ from a fresh build; run npm run build and npm run docs and commit:\n${stale}`,
    );
  }

  const major = `v${version.split('.')[0]}`;
  const prerelease = version.includes('-');
  if (dryRun) {
    console.log(
      `release: ${version} passes every check. Without --dry-run: set the version (now ${current}), rebuild, commit "Release ${tag}", tag ${tag}${prerelease ? '' : `, move ${major}`}, npm pack.`,
    );
    return;
  }

  setVersion(current, version);
  writeFileSync(join(root, 'CHANGELOG.md'), datedChangelog(changelog, version));
  rebuild();

  git('add', '--all');
  const changed = git('diff', '--cached', '--name-only').split('\n').filter(Boolean);
  const unexpected = changed.filter((file) => !RELEASED_PATHS.test(file));
  if (unexpected.length > 0) {
    git('reset', '--quiet');
    throw new Error(`the release would change files it should not: ${unexpected.join(', ')}`);
  }
  git('commit', '--quiet', '--allow-empty', '-m', `Release ${tag}`);
  git('tag', '--annotate', tag, '-m', `TestRelay ${version}`);
  // A pre-release does not move the major tag: `@v1` users get stable releases only.
  if (!prerelease) git('tag', '--force', '--annotate', major, '-m', `TestRelay ${version}`);

  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--json'], { cwd: root, encoding: 'utf8' }),
  );
  console.log(`release: ${tag} committed and tagged${prerelease ? '' : `, ${major} moved`}; packed ${packed.filename}.
Next: git push origin HEAD ${tag}${prerelease ? '' : ` && git push --force origin ${major}`}
Then publish (docs/releasing.md): npm publish ${packed.filename}${prerelease ? ' --tag next' : ''}; the GitHub release; the GitLab component; the Azure extension.`);
}

/** npm run build (the bundles carry the version) and npm run docs (task.json, the component). */
function rebuild() {
  if (!skipBuild) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  execFileSync('npm', ['run', 'docs'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** The version everywhere it is written by hand; the generated files follow from rebuild(). */
function setVersion(from, to) {
  const pkg = readJson('package.json');
  pkg.version = to;
  writeJson('package.json', pkg);
  const lock = readJson('package-lock.json');
  lock.version = to;
  if (lock.packages?.['']) lock.packages[''].version = to;
  writeJson('package-lock.json', lock);
  // Text, not JSON: keep the manifest's formatting (prettier's) as it is.
  const manifest = join(root, 'azure-task', 'vss-extension.json');
  const text = readFileSync(manifest, 'utf8');
  const updated = text.replace(`"version": "${from}"`, `"version": "${to}"`);
  if (updated === text)
    throw new Error(`azure-task/vss-extension.json has no "version": "${from}"`);
  writeFileSync(manifest, updated);
}

/** `## [X.Y.Z]` gets today's date, as Keep a Changelog writes it, unless it has one. */
function datedChangelog(text, version) {
  const today = new Date().toISOString().slice(0, 10);
  return text.replace(
    new RegExp(`^## \\[${version.replace(/\./g, '\\.')}\\]$`, 'm'),
    `## [${version}] - ${today}`,
  );
}

/** -1, 0 or 1; a pre-release sorts before its release, pre-release parts compared as text or number. */
function compareSemver(a, b) {
  const [coreA, preA] = splitPrerelease(a);
  const [coreB, preB] = splitPrerelease(b);
  const partsA = coreA.split('.').map(Number);
  const partsB = coreB.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (partsA[i] !== partsB[i]) return Math.sign(partsA[i] - partsB[i]);
  if (preA === preB) return 0;
  if (preA === undefined) return 1;
  if (preB === undefined) return -1;
  const idsA = preA.split('.');
  const idsB = preB.split('.');
  for (let i = 0; i < Math.max(idsA.length, idsB.length); i++) {
    if (idsA[i] === undefined) return -1;
    if (idsB[i] === undefined) return 1;
    if (idsA[i] === idsB[i]) continue;
    const numeric = /^\d+$/.test(idsA[i]) && /^\d+$/.test(idsB[i]);
    if (numeric) return Math.sign(Number(idsA[i]) - Number(idsB[i]));
    return idsA[i] < idsB[i] ? -1 : 1;
  }
  return 0;
}

/** "1.0.0-rc-1" → ["1.0.0", "rc-1"]; "1.0.0" → ["1.0.0", undefined]. */
function splitPrerelease(text) {
  const dash = text.indexOf('-');
  return dash === -1 ? [text, undefined] : [text.slice(0, dash), text.slice(dash + 1)];
}

function tagExists(name) {
  return git('tag', '--list', name) !== '';
}

function git(...gitArgs) {
  return execFileSync('git', gitArgs, { cwd: root, encoding: 'utf8' }).trim();
}

function readJson(file) {
  return JSON.parse(readFileSync(join(root, file), 'utf8'));
}

function writeJson(file, value) {
  writeFileSync(join(root, file), `${JSON.stringify(value, null, 2)}\n`);
}
