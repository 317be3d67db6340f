// Builds every bundle with ncc's API: the GitHub Action (dist/) and the CLI (dist/cli/).
// Output is deterministic so CI can rebuild and fail on any difference from the commit.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ncc from '@vercel/ncc';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;

const bundles = [
  { entry: 'src/entrypoints/github.ts', out: 'dist' },
  { entry: 'src/entrypoints/cli.ts', out: 'dist/cli' },
];

for (const { out } of bundles) rmSync(join(root, out), { recursive: true, force: true });

for (const { entry, out } of bundles) {
  const { code, assets } = await ncc(join(root, entry), {
    target: 'es2022',
    license: 'licenses.txt',
    quiet: true,
    cache: false,
    sourceMap: false,
  });
  const dir = join(root, out);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.js'), code.replaceAll('__TESTRELAY_VERSION__', version));
  for (const [name, asset] of Object.entries(assets)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), asset.source);
  }
  console.log(`${entry} → ${out}/index.js (${Math.round(code.length / 1024)} KiB)`);
}
