// action.yml is what GitHub reads; src/core/inputs.ts is what the code reads. They must agree,
// and action.yml must be valid against the published schema.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Ajv } from 'ajv';
import { INPUTS, OUTPUTS } from '../../src/vendors/registry.js';
import { actionYaml, ROOT } from '../helpers/github-runner.js';

const SCHEMA_PATH = path.join(ROOT, '..', 'shared', 'schemas', 'github-action.json');
const LOCAL_SCHEMA = path.join(ROOT, '__tests__', 'fixtures', 'schemas', 'github-action.json');

describe('action.yml', () => {
  const action = actionYaml() as {
    inputs: Record<string, { description: string; default?: string; required?: boolean }>;
    outputs: Record<string, { description: string }>;
    runs: { using: string; main: string };
  };

  it('is valid against the GitHub Action schema', () => {
    const schemaFile = fs.existsSync(SCHEMA_PATH) ? SCHEMA_PATH : LOCAL_SCHEMA;
    const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8')) as Record<string, unknown>;
    delete schema.$schema;
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    const valid = validate(action);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('runs the committed bundle on node24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(fs.existsSync(path.join(ROOT, 'dist', 'index.js'))).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(ROOT, 'dist', 'package.json'), 'utf8'))).toEqual({
      type: 'module',
    });
  });

  it('declares exactly the inputs the settings reader knows, with the same defaults', () => {
    expect(Object.keys(action.inputs)).toEqual(INPUTS.map((i) => i.name));
    for (const input of INPUTS) {
      expect({ name: input.name, default: action.inputs[input.name].default ?? '' }).toEqual({
        name: input.name,
        default: input.default,
      });
      expect(action.inputs[input.name].description).toBe(input.description);
    }
  });

  it('uses names Azure DevOps also accepts (camelCase, no separators)', () => {
    for (const name of [...Object.keys(action.inputs), ...Object.keys(action.outputs)]) {
      expect(name).toMatch(/^[A-Za-z][A-Za-z0-9]*$/);
    }
  });

  it('declares exactly the outputs the relay sets', () => {
    expect(Object.keys(action.outputs)).toEqual(OUTPUTS.map((o) => o.name));
  });
});

describe('docs/inputs.md', () => {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'inputs.md'), 'utf8');

  // Rows look like "| `name` | `default` | …" (prettier may pad the cells), in one table per
  // group between the generated block's markers.
  const inputTable = doc.slice(
    doc.indexOf('<!-- inputs:start'),
    doc.indexOf('<!-- inputs:end -->'),
  );
  const [inputRows, outputRows] = inputTable.split('### Outputs');
  const rowsOf = (name: string, table = inputRows): string[][] =>
    table
      .split('\n')
      .map((line) => line.split('|').map((cell) => cell.trim()))
      .filter((cells) => cells[1] === `\`${name}\``);

  it('documents every input once, with its default, and every output', () => {
    for (const input of INPUTS) {
      const rows = rowsOf(input.name);
      expect({ input: input.name, rows: rows.length, default: rows[0]?.[2] }).toEqual({
        input: input.name,
        rows: 1,
        default: input.default ? `\`${input.default}\`` : '',
      });
    }
    for (const output of OUTPUTS) {
      expect({ output: output.name, documented: rowsOf(output.name, outputRows).length }).toEqual({
        output: output.name,
        documented: 1,
      });
    }
  });

  it('keeps the README short: the reference lives in docs/', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme.split('\n').length).toBeLessThan(200);
    expect(readme).not.toContain(':start (npm run docs)');
  });
});
