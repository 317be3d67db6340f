// Builds every bundle with ncc's API: the GitHub Action (dist/), the CLI (dist/cli/) and the
// Azure Pipelines task (azure-task/TestRelay/, next to the task.json npm run docs writes).
// Output is deterministic so CI can rebuild and fail on any difference from the commit.
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
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
    executable: true,
    excludes: ['azure-pipelines-task-lib'],
  },
  {
    entry: 'src/entrypoints/azure.ts',
    out: join(azureRoot, 'TestRelay'),
    simulators: false,
    excludes: ['@actions/'],
  },
];

const hasSimulator = (code) => code.includes('/__sim/');

rmSync(distRoot, { recursive: true, force: true });
// The task folder keeps its generated task.json; only what this script writes is replaced.
const taskDir = join(azureRoot, 'TestRelay');
for (const name of existsSync(taskDir) ? readdirSync(taskDir) : []) {
  if (name !== 'task.json') rmSync(join(taskDir, name), { recursive: true, force: true });
}

for (const { entry, out, simulators, excludes, executable = false } of bundles) {
  const { code, assets, stats } = await ncc(join(root, entry), {
    target: 'es2022',
    quiet: true,
    cache: false,
    sourceMap: false,
  });
  const chunks = Object.entries(assets).filter(([name]) => name.endsWith('.js'));
  if (!simulators && [code, ...chunks.map(([, a]) => String(a.source))].some(hasSimulator)) {
    throw new Error(`${entry} pulls in simulator code: only the CLI's simulate command may`);
  }
  const packageDirs = bundledPackageDirs(stats);
  const carried = excludes.filter((name) =>
    packageDirs.some((dir) => dir.includes(`node_modules/${name}`)),
  );
  if (carried.length > 0) {
    throw new Error(
      `${entry} carries ${carried.join(', ')}: that CI's code belongs in its own bundle`,
    );
  }
  const dir = out;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.js'), code.replaceAll('__TESTRELAY_VERSION__', version));
  // The CLI is package.json's bin: `npm link` and a checkout's ./dist/cli/index.js run the file
  // itself, so it must stay executable after every build (git records the mode too).
  if (executable) chmodSync(join(dir, 'index.js'), 0o755);
  for (const [name, asset] of Object.entries(assets)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), asset.source);
  }
  writeFileSync(join(dir, 'licenses.txt'), thirdPartyNotices(packageDirs));
  console.log(
    `${entry} → ${out.replace(`${root}/`, '')}/index.js (${Math.round(code.length / 1024)} KiB)`,
  );
}

/**
 * The package folders whose code is in the bundle (its chunks included), from ncc's module
 * list: `…/node_modules/a/node_modules/b/x.js` → `node_modules/a/node_modules/b`.
 */
function bundledPackageDirs(stats) {
  const dirs = new Set();
  const collect = (modules = []) => {
    for (const module of modules) {
      const name = (module.identifier ?? module.name ?? '').replace(/\\/g, '/').split('!').pop();
      const at = name.indexOf('node_modules/');
      const match =
        at >= 0 &&
        /^(node_modules\/(?:@[^/]+\/)?[^/]+(?:\/node_modules\/(?:@[^/]+\/)?[^/]+)*)\//.exec(
          name.slice(at),
        );
      if (match) dirs.add(match[1]);
      collect(module.modules);
    }
  };
  collect(stats.toJson({ modules: true }).modules);
  return [...dirs];
}

/**
 * The license texts of every package bundled in the file, in a stable order. ncc's own
 * --license option found only a fraction of them.
 */
function thirdPartyNotices(packageDirs) {
  const entries = packageDirs
    .map((dir) => join(root, dir))
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
