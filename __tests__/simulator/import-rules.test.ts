// The simulators' import rules (DESIGN.md "Rules of the house"), read from the import lines:
// - a vendor sim (`src/vendors/<name>/sim/`) imports only `node:*`, the simulator kit
//   (`src/simulator/kit.ts`) and files in its own sim/ folder: no core, no vendor client, no
//   other vendor, no other framework file, no package;
// - the framework (`src/simulator/`) imports nothing under `src/vendors/` (it is handed the
//   registry, src/vendors/simulators.ts, by its callers).

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const KIT = 'src/simulator/kit.ts';

interface SourceFile {
  /** Repository-relative, with forward slashes (e.g. `src/vendors/sofy/sim/run.ts`). */
  path: string;
  text: string;
}

interface Violation {
  file: string;
  line: number;
  specifier: string;
  rule: string;
}

/** Every module specifier a file names: static imports and re-exports, side-effect and dynamic imports. */
function importSpecifiers(text: string): Array<{ specifier: string; line: number }> {
  const patterns = [
    /(?:^|[;\s])(?:import|export)\s+(?:type\s+)?[^'";]*?\sfrom\s*['"]([^'"]+)['"]/g,
    /(?:^|[;\s])import\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  const found: Array<{ specifier: string; line: number; at: number }> = [];
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) {
      const at = (match.index ?? 0) + match[0].lastIndexOf(match[1]);
      found.push({ specifier: match[1], line: text.slice(0, at).split('\n').length, at });
    }
  }
  return found.sort((a, b) => a.at - b.at).map(({ specifier, line }) => ({ specifier, line }));
}

/** The repository path a relative specifier points at (`./run.js` → `…/run.ts`). */
function resolveSpecifier(from: string, specifier: string): string {
  return posix.normalize(posix.join(posix.dirname(from), specifier)).replace(/\.js$/, '.ts');
}

function checkImports(files: readonly SourceFile[]): Violation[] {
  const violations: Violation[] = [];
  for (const file of files) {
    const sim = /^src\/vendors\/([^/]+)\/sim\//.exec(file.path);
    const framework = file.path.startsWith('src/simulator/');
    for (const { specifier, line } of importSpecifiers(file.text)) {
      const relativeImport = specifier.startsWith('.');
      const target = relativeImport ? resolveSpecifier(file.path, specifier) : specifier;
      let rule: string | undefined;
      if (sim) {
        const ownFolder = `src/vendors/${sim[1]}/sim/`;
        const allowed =
          specifier.startsWith('node:') ||
          (relativeImport && (target === KIT || target.startsWith(ownFolder)));
        if (!allowed) rule = `a vendor sim imports only node:*, ${KIT} and its own ${ownFolder}`;
      } else if (framework && relativeImport && target.startsWith('src/vendors/')) {
        rule = 'the simulator framework imports nothing under src/vendors/';
      }
      if (rule) violations.push({ file: file.path, line, specifier, rule });
    }
  }
  return violations;
}

function sourceFiles(folder: string): SourceFile[] {
  const files: SourceFile[] = [];
  for (const entry of readdirSync(join(ROOT, folder), { withFileTypes: true })) {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts')) {
      files.push({ path, text: readFileSync(join(ROOT, path), 'utf8') });
    }
  }
  return files;
}

function simulatorFiles(): SourceFile[] {
  const sims = readdirSync(join(ROOT, 'src/vendors'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      const folder = `src/vendors/${entry.name}/sim`;
      try {
        return sourceFiles(folder);
      } catch {
        return []; // a vendor without a simulator
      }
    });
  return [...sims, ...sourceFiles('src/simulator')];
}

describe('simulator import rules', () => {
  const files = simulatorFiles();

  it('reads every vendor sim and the framework', () => {
    const folders = new Set(files.map((file) => posix.dirname(file.path)));
    for (const vendor of ['testsigma', 'sofy', 'squish', 'testomatio', 'spira']) {
      expect(folders).toContain(`src/vendors/${vendor}/sim`);
    }
    expect(folders).toContain('src/simulator');
    expect(files.map((file) => file.path)).toContain(KIT);
  });

  it('holds in the source tree', () => {
    expect(checkImports(files)).toEqual([]);
  });

  it('accepts what a sim and the framework may import', () => {
    const allowed: SourceFile[] = [
      {
        path: 'src/vendors/sofy/sim/index.ts',
        text: [
          "import type { IncomingHttpHeaders } from 'node:http';",
          'import {',
          '  jsonResponse,',
          '  type SimRequest,',
          "} from '../../../simulator/kit.js';",
          "import { GroupStore } from './run.js';",
          "export { devicePool } from './catalog.js';",
        ].join('\n'),
      },
      {
        path: 'src/simulator/server.ts',
        text: "import { createServer } from 'node:http';\nimport { send } from './http-util.js';",
      },
    ];
    expect(checkImports(allowed)).toEqual([]);
  });

  it('catches a planted wrong import, wherever it is', () => {
    const planted: SourceFile[] = [
      {
        path: 'src/vendors/squish/sim/plan.ts',
        text: [
          "import { errorMessage } from '../../../simulator/kit.js';",
          "import { mapStatus } from '../status.js';", // its own client
          "import type { Logger } from '../../../core/logger.js';", // core
          'import {',
          '  VARIANT_FLAGS,',
          "} from '../../sofy/sim/run.js';", // another vendor
          "export { send } from '../../../simulator/http-util.js';", // framework, not the kit
          "import axios from 'axios';", // a package
          "const later = await import('../../testsigma/sim/index.js');",
        ].join('\n'),
      },
      {
        path: 'src/simulator/cli.ts',
        text: "import { parseArgs } from 'node:util';\nimport { SIMULATORS } from '../vendors/simulators.js';",
      },
    ];
    const violations = checkImports(planted);
    expect(violations.map(({ file, line, specifier }) => [file, line, specifier])).toEqual([
      ['src/vendors/squish/sim/plan.ts', 2, '../status.js'],
      ['src/vendors/squish/sim/plan.ts', 3, '../../../core/logger.js'],
      ['src/vendors/squish/sim/plan.ts', 6, '../../sofy/sim/run.js'],
      ['src/vendors/squish/sim/plan.ts', 7, '../../../simulator/http-util.js'],
      ['src/vendors/squish/sim/plan.ts', 8, 'axios'],
      ['src/vendors/squish/sim/plan.ts', 9, '../../testsigma/sim/index.js'],
      ['src/simulator/cli.ts', 2, '../vendors/simulators.js'],
    ]);
    expect(violations[0].rule).toContain('imports only node:*');
    expect(violations[6].rule).toBe('the simulator framework imports nothing under src/vendors/');
  });
});
