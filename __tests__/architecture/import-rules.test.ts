// The rules of the house (DESIGN.md), read off the import lines of every source file:
// core knows no CI and no vendor; a vendor's client knows core and its own folder; CI agents
// know core; simulator code enters only `simulate` and the tests.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../helpers/github-runner.js';

const SRC = path.join(ROOT, 'src');

interface SourceFile {
  /** Path relative to src/, with forward slashes. */
  path: string;
  text: string;
}

const CI_LIBRARIES = /^(@actions\/|azure-pipelines-task-lib)/;

/** The module specifiers a file imports or re-exports (static and dynamic). */
function importsOf(text: string): string[] {
  const found: string[] = [];
  const pattern =
    /(?:^|\n)\s*(?:import|export)\b[^'"`;]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;
  for (const match of text.matchAll(pattern)) found.push(match[1] ?? match[2] ?? match[3]);
  return found;
}

/** `../core/x.js` from `vendors/sofy/index.ts` → `core/x.ts`; packages stay as they are. */
function resolve(from: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier;
  return path.posix
    .normalize(path.posix.join(path.posix.dirname(from), specifier))
    .replace(/\.js$/, '.ts');
}

const isSimulatorCode = (file: string) =>
  file.startsWith('simulator/') ||
  /^vendors\/[^/]+\/sim\//.test(file) ||
  file === 'vendors/simulators.ts';

/** Every broken rule, as "file imports target: why". */
function violations(files: SourceFile[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    for (const specifier of importsOf(file.text)) {
      const target = resolve(file.path, specifier);
      const why = brokenRule(file.path, target);
      if (why) found.push(`${file.path} imports ${specifier}: ${why}`);
    }
  }
  return found;
}

/** Which CI a file or package belongs to: 'github' or 'azure' (undefined for the rest). */
function ciOf(target: string): string | undefined {
  if (/^@actions\//.test(target) || /^(ci|entrypoints)\/github[.-]/.test(target)) return 'github';
  if (/^azure-pipelines-task-lib/.test(target) || /^(ci|entrypoints)\/azure[.-]/.test(target))
    return 'azure';
  return undefined;
}

function brokenRule(file: string, target: string): string | undefined {
  const local = !target.startsWith('node:') && target.includes('/') && target.endsWith('.ts');
  if (file.startsWith('core/')) {
    if (CI_LIBRARIES.test(target)) return 'core imports no CI library';
    if (local && !target.startsWith('core/')) return 'core imports only core';
  }
  if (file.startsWith('ci/')) {
    if (local && !target.startsWith('core/') && !target.startsWith('ci/'))
      return 'a CI agent imports only core';
    // Each CI's library stays in its own agent (and so in its own bundle).
    const ci = ciOf(file);
    const library = ciOf(target);
    if (library && ci !== library) return `the ${ci} agent imports no ${library} code`;
  }
  if (file.startsWith('entrypoints/')) {
    const ci = ciOf(file);
    const other = ciOf(target);
    if (ci && other && ci !== other) return `the ${ci} entrypoint imports no ${other} code`;
  }
  const vendor = /^vendors\/([^/]+)\//.exec(file)?.[1];
  if (vendor && !isSimulatorCode(file)) {
    if (CI_LIBRARIES.test(target)) return 'a vendor imports no CI library';
    if (local && !target.startsWith('core/') && !target.startsWith(`vendors/${vendor}/`)) {
      return 'a vendor imports core and its own folder only';
    }
  }
  if (local && isSimulatorCode(target) && !isSimulatorCode(file) && file !== 'entrypoints/cli.ts') {
    return 'only the CLI (its simulate command) and the tests import simulator code';
  }
  if (file.startsWith('vendors/') && !vendor && file !== 'vendors/simulators.ts') {
    // The registry: modules only, never a simulator.
    if (local && isSimulatorCode(target)) return 'the registry imports no simulator';
  }
  return undefined;
}

function sourceFiles(dir: string): SourceFile[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => ({
      path: name.split(path.sep).join('/'),
      text: fs.readFileSync(path.join(dir, name), 'utf8'),
    }));
}

/** Code (not comments) in core that names a vendor: core must know none. */
function vendorNamesInCore(files: SourceFile[], vendors: string[]): string[] {
  const names = new RegExp(`\\b(${vendors.join('|')})\\b`, 'i');
  return files
    .filter((file) => file.path.startsWith('core/'))
    .flatMap((file) =>
      file.text
        // Comments may use a vendor as an example; code may not.
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .split('\n')
        .map((line, index) => ({ line: line.replace(/\/\/.*$/, ''), index }))
        .filter(({ line }) => names.test(line))
        .map(({ line, index }) => `${file.path}:${index + 1}: ${line.trim()}`),
    );
}

describe('import rules', () => {
  const files = sourceFiles(SRC);

  it('hold for every file in src/', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(violations(files)).toEqual([]);
  });

  it('catch a planted wrong import in each kind of file', () => {
    const planted: SourceFile[] = [
      { path: 'core/relay/index.ts', text: "import * as core from '@actions/core';" },
      { path: 'core/outcome.ts', text: "import { sofyModule } from '../vendors/sofy/index.js';" },
      { path: 'vendors/sofy/source.ts', text: "import { x } from '../spira/wire.js';" },
      { path: 'vendors/sofy/source.ts', text: "import { x } from './sim/index.js';" },
      { path: 'vendors/spira/sink.ts', text: "import { GitHubAgent } from '../../ci/github.js';" },
      { path: 'ci/github.ts', text: "import { MODULES } from '../vendors/registry.js';" },
      {
        path: 'entrypoints/github.ts',
        text: "import { SIMULATORS } from '../vendors/simulators.js';",
      },
      { path: 'vendors/registry.ts', text: "export { x } from './testsigma/sim/index.js';" },
      { path: 'ci/azure.ts', text: "import * as core from '@actions/core';" },
      { path: 'ci/github.ts', text: "import * as tl from 'azure-pipelines-task-lib';" },
      { path: 'entrypoints/azure.ts', text: "import { GitHubAgent } from '../ci/github.js';" },
    ];
    expect(violations(planted)).toHaveLength(planted.length);
  });

  it('let core name no vendor outside comments', () => {
    const vendors = fs
      .readdirSync(path.join(SRC, 'vendors'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect(vendors).toEqual(
      expect.arrayContaining(['testsigma', 'sofy', 'squish', 'testomatio', 'spira']),
    );
    expect(vendorNamesInCore(files, vendors)).toEqual([]);
    expect(
      vendorNamesInCore([{ path: 'core/x.ts', text: "const a = 'sofy'; // sofy" }], vendors),
    ).toHaveLength(1);
  });
});
