// npm run docs: rewrites action.yml's inputs/outputs, the Azure task's task.json, the GitLab
// component and the tables in docs/ and gitlab/README.md from the one input table (src/vendors/registry.ts
// assembles it from core and the vendor modules).
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
const task = taskJson({ INPUTS, OUTPUTS, MODULES, version });
writeFileSync(
  join(root, 'azure-task', 'TestRelay', 'task.json'),
  `${JSON.stringify(task, null, 2)}\n`,
);

const cell = (text) => text.replace(/\|/g, '\\|');
// One table per group (common inputs, then each vendor and sink) keeps the rows short and
// gives every group a heading other pages can link to (docs/inputs.md#sofy).
const groups = [{ name: 'common', displayName: 'Common to every platform' }];
for (const module of [...MODULES.sources, ...MODULES.sinks])
  groups.push({ name: module.name, displayName: module.displayName });
let table = '';
for (const group of groups) {
  const inputs = INPUTS.filter((input) => input.group === group.name);
  if (inputs.length === 0) continue;
  table += `### ${group.displayName}\n\n| input | default | CLI flag / variable | description |\n| --- | --- | --- | --- |\n`;
  for (const input of inputs) {
    const deflt = input.default ? `\`${input.default}\`` : '';
    table += `| \`${input.name}\` | ${deflt} | \`--${flagName(input.name)}\` / \`${envName(input.name)}\` | ${cell(input.description)} |\n`;
  }
  table += '\n';
}
const grouped = groups.flatMap((group) => INPUTS.filter((input) => input.group === group.name));
if (grouped.length !== INPUTS.length) throw new Error('an input belongs to no known group');
table += '### Outputs\n\n| output | description |\n| --- | --- |\n';
for (const output of OUTPUTS) table += `| \`${output.name}\` | ${cell(output.description)} |\n`;

replaceBetweenMarkers(join(root, 'docs', 'inputs.md'), 'inputs', table);
replaceBetweenMarkers(join(root, 'docs', 'azure-pipelines.md'), 'azure-inputs', azureTable(task));
console.log(
  'action.yml, azure-task/TestRelay/task.json, docs/inputs.md and docs/azure-pipelines.md updated from the input table',
);

// The GitLab component and its README's table.
const { renderComponent, renderComponentTable } = await import('./gitlab-component.mjs');
const component = { inputs: INPUTS, outputs: OUTPUTS, envName, version };
writeFileSync(join(root, 'gitlab', 'templates', 'testrelay.yml'), renderComponent(component));
replaceBetweenMarkers(join(root, 'gitlab', 'README.md'), 'inputs', renderComponentTable(component));
console.log('gitlab/templates/testrelay.yml and gitlab/README.md updated from the input table');

/** Replaces what stands between `<!-- <marker>:start (npm run docs) -->` and `<!-- <marker>:end -->`. */
function replaceBetweenMarkers(file, marker, content) {
  const text = readFileSync(file, 'utf8');
  const start = `<!-- ${marker}:start (npm run docs) -->\n`;
  const from = text.indexOf(start);
  const to = text.indexOf(`<!-- ${marker}:end -->`);
  if (from === -1 || to === -1)
    throw new Error(`${file} lacks the ${marker}:start/${marker}:end markers`);
  writeFileSync(file, `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`);
}

/** The task's inputs as the pipeline editor shows them: group, editor, default. */
function azureTable(task) {
  const groupOf = Object.fromEntries(task.groups.map((group) => [group.name, group]));
  let rows = '| input | group (shown when) | editor | default |\n| --- | --- | --- | --- |\n';
  for (const input of task.inputs) {
    const group = groupOf[input.groupName];
    const shown = group ? `${group.displayName} (\`${group.visibleRule}\`)` : 'always shown';
    const editor =
      input.type === 'pickList'
        ? `pick list: ${Object.keys(input.options).join(', ')}`
        : input.type;
    const deflt = input.defaultValue === '' ? '' : `\`${input.defaultValue}\``;
    rows += `| \`${input.name}\` | ${shown} | ${editor} | ${deflt} |\n`;
  }
  rows += '\n| output variable | reference in a later job |\n| --- | --- |\n';
  for (const output of task.outputVariables) {
    rows += `| \`${output.name}\` | \`$[ dependencies.<job>.outputs['<step>.${output.name}'] ]\` |\n`;
  }
  return rows;
}
