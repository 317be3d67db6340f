// task.json is what Azure Pipelines reads; src/core/inputs.ts is what the code reads. They must
// agree (npm run docs makes one from the other), and task.json must be valid against the
// published task schema (draft-04).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import type AjvDraft04 from 'ajv-draft-04';
import { MODULES, INPUTS, OUTPUTS } from '../../src/vendors/registry.js';
import { TASK_DIR, TASK_JSON } from '../helpers/azure-agent.js';
import { ROOT } from '../helpers/github-runner.js';

// ajv-draft-04 is CommonJS whose module.exports is the class itself.
const Ajv = createRequire(import.meta.url)('ajv-draft-04') as typeof AjvDraft04.default;
const SCHEMA_PATH = path.join(ROOT, '..', 'shared', 'schemas', 'azure-task.schema.json');
const LOCAL_SCHEMA = path.join(ROOT, '__tests__', 'fixtures', 'schemas', 'azure-task.schema.json');

interface TaskInput {
  name: string;
  label: string;
  type: string;
  defaultValue: string;
  helpMarkDown: string;
  groupName?: string;
  options?: Record<string, string>;
  properties?: Record<string, string>;
}

const task = JSON.parse(fs.readFileSync(TASK_JSON, 'utf8')) as {
  id: string;
  inputs: TaskInput[];
  groups: { name: string; visibleRule: string }[];
  outputVariables: { name: string; description: string }[];
  execution: Record<string, { target: string }>;
  instanceNameFormat: string;
  minimumAgentVersion: string;
  version: { Major: number; Minor: number; Patch: number };
};

describe('azure-task/TestRelay/task.json', () => {
  it('is valid against the Azure DevOps task schema', () => {
    const schemaFile = fs.existsSync(SCHEMA_PATH) ? SCHEMA_PATH : LOCAL_SCHEMA;
    const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8')) as Record<string, unknown>;
    // The schema names itself with draft-04's `id`, which ajv-draft-04 reads; its
    // `^connectedService\:.+$` escapes a colon, which only a non-unicode RegExp accepts.
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
    const validate = ajv.compile(schema);
    const valid = validate(task);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // …and the schema is strict enough to refuse a broken one.
    expect(validate({ ...task, id: 'not-a-guid' })).toBe(false);
    expect(validate({ ...task, inputs: [{ name: 'bad name', label: 'x', type: 'x' }] })).toBe(
      false,
    );
  });

  it('keeps its fixed id and runs the committed bundle on Node 20 and Node 24', () => {
    expect(task.id).toBe('d554c670-7c82-4785-aaf6-fc38acd014f7');
    expect(Object.keys(task.execution).sort()).toEqual(['Node20_1', 'Node24']);
    for (const handler of Object.values(task.execution)) {
      expect(handler.target).toBe('index.js');
      expect(fs.existsSync(path.join(TASK_DIR, handler.target))).toBe(true);
    }
    // Node20_1 came with agent 3.232.1; older agents would not find a handler.
    expect(task.minimumAgentVersion).toBe('3.232.1');
    const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
    const { Major, Minor, Patch } = task.version;
    expect(`${Major}.${Minor}.${Patch}`).toBe(version);
    expect(task.instanceNameFormat).toBe('TestRelay: $(vendor) plan $(planId)');
  });

  it('declares exactly the inputs the settings reader knows, with the same defaults and help', () => {
    // Plus the one Azure-only input, the service connection, after the apiKey it can replace.
    const names = INPUTS.map((input) => input.name);
    names.splice(names.indexOf('apiKey') + 1, 0, 'serviceConnection');
    expect(task.inputs.map((input) => input.name)).toEqual(names);
    expect(task.inputs.find((input) => input.name === 'serviceConnection')).toMatchObject({
      type: 'connectedService:Generic',
      required: false,
    });
    for (const input of INPUTS) {
      const declared = task.inputs.find((entry) => entry.name === input.name)!;
      expect({ name: input.name, default: declared.defaultValue, label: declared.label }).toEqual({
        name: input.name,
        default: input.default,
        label: input.label,
      });
      expect(declared.helpMarkDown.startsWith(input.description)).toBe(true);
      if (input.secret) expect(declared.helpMarkDown).toMatch(/secret variable/);
      if (input.type === 'choice') {
        expect(declared.type).toBe('pickList');
        expect(Object.keys(declared.options ?? {})).toEqual(input.options);
      }
      expect(declared.groupName).toBe(input.group === 'common' ? undefined : input.group);
    }
  });

  it('shows each vendor and sink group only when it is chosen', () => {
    const rules = Object.fromEntries(task.groups.map((group) => [group.name, group.visibleRule]));
    for (const source of MODULES.sources)
      expect(rules[source.name]).toBe(`vendor = ${source.name}`);
    for (const sink of MODULES.sinks)
      expect(rules[sink.name]).toBe(`reportTo Contains ${sink.name}`);
    const vendor = task.inputs.find((input) => input.name === 'vendor')!;
    expect(Object.keys(vendor.options ?? {})).toEqual(MODULES.sources.map((m) => m.name));
    const reportTo = task.inputs.find((input) => input.name === 'reportTo')!;
    expect(reportTo.properties).toMatchObject({ MultiSelectFlatList: 'True' });
  });

  it('declares exactly the outputs the relay sets, as output variables', () => {
    expect(task.outputVariables).toEqual(
      OUTPUTS.map((output) => ({ name: output.name, description: output.description })),
    );
  });
});
