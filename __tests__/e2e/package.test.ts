// The npm package as a user gets it: `npm pack` of this checkout, installed into an empty
// folder (it has no dependencies, so this works offline), its `testrelay` command run there.

import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from '../helpers/github-runner.js';

let packDir: string;
let files: string[];
let tarball: string;

beforeAll(() => {
  packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'testrelay-package-'));
  const [report] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', packDir], {
      cwd: ROOT,
      encoding: 'utf8',
    }),
  ) as { filename: string; files: { path: string }[] }[];
  tarball = path.join(packDir, report.filename);
  files = report.files.map((file) => file.path).sort();
});

afterAll(() => fs.rmSync(packDir, { recursive: true, force: true }));

it('holds the CLI bundle, its license notices, the README and LICENSE, and nothing else', () => {
  expect(files).toEqual(
    [
      'LICENSE',
      'README.md',
      'package.json',
      ...fs.readdirSync(path.join(ROOT, 'dist', 'cli')).map((name) => `dist/cli/${name}`),
    ].sort(),
  );
});

it('keeps the committed CLI bundle executable, so `npm link` and ./dist/cli/index.js run it', () => {
  expect(fs.statSync(path.join(ROOT, 'dist', 'cli', 'index.js')).mode & 0o111).toBe(0o111);
  expect(fs.readFileSync(path.join(ROOT, 'dist', 'cli', 'index.js'), 'utf8')).toMatch(
    /^#!\/usr\/bin\/env node\n/,
  );
});

it('installs into an empty folder and runs there: help, simulate, and a report of a JUnit file', () => {
  const project = path.join(packDir, 'project');
  fs.mkdirSync(project);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', tarball], {
    cwd: project,
    env: { ...process.env, npm_config_cache: path.join(packDir, 'cache') },
  });
  const bin = path.join(project, 'node_modules', '.bin', 'testrelay');
  const help = spawnSync(bin, ['--help'], { cwd: project, encoding: 'utf8' });
  expect({ status: help.status, usage: help.stdout.includes('Usage: testrelay') }).toEqual({
    status: 0,
    usage: true,
  });
  const simulate = spawnSync(bin, ['simulate', '--help'], { cwd: project, encoding: 'utf8' });
  expect({ status: simulate.status, testsigma: simulate.stdout.includes('testsigma') }).toEqual({
    status: 0,
    testsigma: true,
  });
  fs.writeFileSync(
    path.join(project, 'results.xml'),
    '<testsuite name="s" tests="2" failures="1"><testcase name="a"/><testcase name="b"><failure message="boom"/></testcase></testsuite>',
  );
  const report = spawnSync(bin, ['report', '--junit-files', 'results.xml'], {
    cwd: project,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: project },
  });
  // One test failed: exit 1, and the failure is named.
  expect(report.status).toBe(1);
  expect(`${report.stdout}${report.stderr}`).toContain('boom');
});
