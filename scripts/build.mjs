// Builds every bundle with ncc's API: the GitHub Action (dist/), the CLI (dist/cli/) and the
// Azure Pipelines task (azure-task/TestRelay/, next to the task.json npm run docs writes).
// Output is deterministic so CI can rebuild and fail on any difference from the commit.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ncc from '@vercel/ncc';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;

// `--out DIR` builds somewhere else than dist/ (e.g. to test work in progress side by side).
const outIndex = process.argv.indexOf('--out');
const distRoot = outIndex === -1 ? join(root, 'dist') : process.argv[outIndex + 1];

// `simulators: false`: a CI bundle must not carry the simulators (only the CLI's `simulate`
// needs them); their control routes (/__sim/…) would show up in the code if one slipped in.
// `excludes`: code a bundle must not carry (each CI's library stays in its own bundle).
const azureRoot = outIndex === -1 ? join(root, 'azure-task') : join(distRoot, 'azure-task');
const bundles = [
  {
    entry: 'src/entrypoints/github.ts',
    out: distRoot,
    simulators: false,
    excludes: ['azure-pipelines-task-lib'],
  },
  {
    entry: 'src/entrypoints/cli.ts',
    out: join(distRoot, 'cli'),
    simulators: true,
    excludes: ['azure-pipelines-task-lib'],
  },
  {
    entry: 'src/entrypoints/azure.ts',
    out: join(azureRoot, 'TestRelay'),
    simulators: false,
    excludes: ['@actions/'],
  },
];

rmSync(distRoot, { recursive: true, force: true });
// The task folder keeps its generated task.json; only what this script writes is replaced.
for (const name of ['index.js', 'licenses.txt', 'package.json']) {
  rmSync(join(azureRoot, 'TestRelay', name), { force: true });
}

for (const { entry, out, simulators, excludes } of bundles) {
  const { code, assets } = await ncc(join(root, entry), {
    target: 'es2022',
    quiet: true,
    cache: false,
    sourceMap: false,
  });
  if (!simulators && code.includes('/__sim/')) {
    throw new Error(`${entry} pulls in simulator code: only the CLI's simulate command may`);
  }
  const carried = excludes.filter((name) => carries(code, name));
  if (carried.length > 0) {
    throw new Error(
      `${entry} carries ${carried.join(', ')}: that CI's code belongs in its own bundle`,
    );
  }
  const dir = out;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.js'), code.replaceAll('__TESTRELAY_VERSION__', version));
  for (const [name, asset] of Object.entries(assets)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), asset.source);
  }
  writeFileSync(join(dir, 'licenses.txt'), thirdPartyNotices(excludes));
  console.log(
    `${entry} → ${out.replace(`${root}/`, '')}/index.js (${Math.round(code.length / 1024)} KiB)`,
  );
}

/** True when ncc put a module of this package (or scope) into the bundle. */
function carries(code, name) {
  return code.includes(`node_modules/${name}`) || code.includes(`"${name}`);
}

/**
 * The license texts of the production dependencies a bundle is made of (all but the
 * `excludes` and what only they need), from the lock file, in a stable order. ncc's own
 * --license option found only a fraction of them.
 */
function thirdPartyNotices(excludes) {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const entries = [...dependencyClosure(lock, excludes)]
    .map((path) => join(root, path))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      const file = readdirSync(dir).find((name) =>
        /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(name),
      );
      const text = file
        ? readFileSync(join(dir, file), 'utf8').trim()
        : '(no license file in the package)';
      return `${pkg.name}@${pkg.version}\n${pkg.license ?? 'UNKNOWN'}\n${text}`;
    })
    .sort();
  return `Third-party software bundled in this file, with its licenses.\n\n${[...new Set(entries)].join('\n\n')}\n`;
}

/** Lock-file paths of the production dependencies not excluded, and of theirs, recursively. */
function dependencyClosure(lock, excludes) {
  const excluded = (name) => excludes.some((prefix) => name.startsWith(prefix));
  const found = new Set();
  const visit = (name, from) => {
    // Node's lookup: the nearest node_modules folder up from the dependent package.
    for (let dir = from; ; dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/node_modules')))) {
      const path = `${dir ? `${dir}/` : ''}node_modules/${name}`;
      const meta = lock.packages[path];
      if (meta) {
        if (found.has(path) || meta.dev) return;
        found.add(path);
        const deps = { ...meta.dependencies, ...meta.optionalDependencies };
        for (const dep of Object.keys(deps)) visit(dep, path);
        return;
      }
      if (!dir) return;
    }
  };
  for (const name of Object.keys(lock.packages[''].dependencies ?? {})) {
    if (!excluded(name)) visit(name, '');
  }
  return [...found].sort();
}
