// npm run package:azure: the Azure DevOps extension (testrelay-<version>.vsix) from
// azure-task/, offline with tfx-cli. The version comes from package.json; any warning or
// error tfx prints fails the packaging, so CI catches a manifest it only half accepts.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const output = join(root, `testrelay-${version}.vsix`);

for (const file of ['TestRelay/index.js', 'TestRelay/task.json', 'images/icon.png']) {
  if (!existsSync(join(root, 'azure-task', file))) {
    throw new Error(`azure-task/${file} is missing: run npm run build and npm run docs first`);
  }
}

// The task folder goes into the .vsix whole: only what the agent runs (the bundle, its chunks,
// the ESM marker, task.json) and the licenses of what is bundled.
const unexpected = readdirSync(join(root, 'azure-task', 'TestRelay')).filter(
  (name) => !/^(index\.js|\d+\.index\.js|task\.json|package\.json|licenses\.txt)$/.test(name),
);
if (unexpected.length > 0) {
  throw new Error(
    `azure-task/TestRelay holds files the agent does not need: ${unexpected.join(', ')}`,
  );
}

const args = [
  join(root, 'node_modules', 'tfx-cli', '_build', 'tfx-cli.js'),
  'extension',
  'create',
  '--root',
  join(root, 'azure-task'),
  '--manifest-globs',
  'vss-extension.json',
  '--override',
  JSON.stringify({ version }),
  '--output-path',
  output,
  '--no-prompt',
  '--no-color',
  '--json',
];
// A publisher id of your own: TESTRELAY_PUBLISHER=acme npm run package:azure.
if (process.env.TESTRELAY_PUBLISHER) args.push('--publisher', process.env.TESTRELAY_PUBLISHER);

const run = spawnSync(process.execPath, args, {
  cwd: root,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'pipe'],
});
const printed = `${run.stdout}\n${run.stderr}`;
const problems = printed.split('\n').filter((line) => /warn|error/i.test(line));
if (run.status !== 0 || problems.length > 0) {
  process.stderr.write(printed);
  throw new Error(`tfx extension create reported problems (exit ${run.status})`);
}
const result = JSON.parse(run.stdout);
console.log(
  `${result.path.replace(`${root}/`, '')}: extension ${result.publisher}.${result.extensionId} ${result.version}`,
);
