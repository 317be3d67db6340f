// npm run docs: rewrites action.yml's inputs/outputs, the Azure task's task.json and the
// README's tables from the one input table (src/vendors/registry.ts assembles it from core and the vendor modules).
// Tests fail when they drift apart.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { taskJson } from './task-json.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, '.tmp', 'docs');
execFileSync(
  process.execPath,
  [
    join(root, 'node_modules/typescript/bin/tsc'),
    'src/vendors/registry.ts',
    '--outDir',
    out,
    '--rootDir',
    'src',
    '--skipLibCheck',
    '--noCheck',
    '--esModuleInterop',
    '--resolveJsonModule',
    '--module',
    'nodenext',
    '--target',
    'es2022',
  ],
  { cwd: root, stdio: 'inherit' },
);
const { INPUTS, OUTPUTS, MODULES } = await import(
  pathToFileURL(join(out, 'vendors', 'registry.js')).href
);
const { flagName, envName } = await import(pathToFileURL(join(out, 'core', 'inputs.js')).href);

const quote = (text) => JSON.stringify(text);
const action = readFileSync(join(root, 'action.yml'), 'utf8');
const head = action.slice(0, action.indexOf('inputs:\n'));
const runs = action.slice(action.indexOf('runs:\n'));
let yaml = `${head}inputs:\n`;
for (const input of INPUTS) {
  yaml += `  ${input.name}:\n    description: ${quote(input.description)}\n    required: false\n`;
  if (input.default !== '') yaml += `    default: ${quote(input.default)}\n`;
}
yaml += 'outputs:\n';
for (const output of OUTPUTS)
  yaml += `  ${output.name}:\n    description: ${quote(output.description)}\n`;
writeFileSync(join(root, 'action.yml'), `${yaml}${runs}`);

const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
writeFileSync(
  join(root, 'azure-task', 'TestRelay', 'task.json'),
  `${JSON.stringify(taskJson({ INPUTS, OUTPUTS, MODULES, version }), null, 2)}\n`,
);

const cell = (text) => text.replace(/\|/g, '\\|');
const groups = { common: 'all' };
for (const module of [...MODULES.sources, ...MODULES.sinks])
  groups[module.name] = module.displayName;
let table =
  '| input | for | default | CLI flag / variable | description |\n| --- | --- | --- | --- | --- |\n';
for (const input of INPUTS) {
  const deflt = input.default ? `\`${input.default}\`` : '';
  table += `| \`${input.name}\` | ${groups[input.group]} | ${deflt} | \`--${flagName(input.name)}\` / \`${envName(input.name)}\` | ${cell(input.description)} |\n`;
}
table += '\n| output | description |\n| --- | --- |\n';
for (const output of OUTPUTS) table += `| \`${output.name}\` | ${cell(output.description)} |\n`;

const readme = readFileSync(join(root, 'README.md'), 'utf8');
const start = '<!-- inputs:start (npm run docs) -->\n';
const end = '<!-- inputs:end -->';
const from = readme.indexOf(start);
const to = readme.indexOf(end);
if (from === -1 || to === -1)
  throw new Error('README.md lacks the inputs:start/inputs:end markers');
writeFileSync(
  join(root, 'README.md'),
  `${readme.slice(0, from + start.length)}\n${table}\n${readme.slice(to)}`,
);
console.log(
  'action.yml, azure-task/TestRelay/task.json and README.md updated from the input table',
);
