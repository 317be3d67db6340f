// The npm package as a user gets it: `npm pack` of this checkout, installed into an empty
// folder (it has no dependencies, so this works offline), its `testrelay` command run there,
// and run with npx from a folder with nothing in it, as `npx testrelay@<version>` would.

import { execFileSync, spawn, spawnSync } from 'node:child_process';
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

// The policy: the bundles and metadata each distribution needs (the CLI and the action in
// dist/, the GitLab component, the Azure task for `tfx build tasks upload` on servers without
// the Marketplace), the README, LICENSE and CHANGELOG; committed files only, so a stray build
// product or a local file never ships.
it('holds exactly dist/, action.yml, gitlab/, azure-task/, README, LICENSE and CHANGELOG', () => {
  const committed = execFileSync('git', ['ls-files', 'dist', 'gitlab', 'azure-task'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean);
  expect(files).toEqual(
    ['CHANGELOG.md', 'LICENSE', 'README.md', 'action.yml', 'package.json', ...committed].sort(),
  );
  expect(files).toContain('dist/cli/index.js');
  expect(files).toContain('gitlab/templates/testrelay.yml');
  expect(files).toContain('azure-task/TestRelay/task.json');
});

it('says where it comes from and may be published', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  expect({
    private: pkg.private,
    repository: pkg.repository,
    license: pkg.license,
    bin: pkg.bin,
    keywords: Array.isArray(pkg.keywords) && pkg.keywords.length > 0,
  }).toEqual({
    private: undefined,
    repository: { type: 'git', url: 'git+https://github.com/testrelay/testrelay.git' },
    license: 'MIT',
    bin: { testrelay: 'dist/cli/index.js' },
    keywords: true,
  });
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

it('runs with npx from an empty folder: simulate, then run against it', async () => {
  const project = path.join(packDir, 'npx-project');
  fs.mkdirSync(project);
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: project,
    npm_config_cache: path.join(packDir, 'npx-cache'),
    npm_config_offline: 'true',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };
  // `npx --package <tarball>` fetches nothing else: the package has no dependencies.
  const npx = ['--yes', `--package=${tarball}`, '--', 'testrelay'];
  const simulator = spawn('npx', [...npx, 'simulate', '--vendor', 'testsigma', '--tests', '3'], {
    cwd: project,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: npx runs the simulator in a child, and both must stop.
    detached: true,
  });
  try {
    const baseUrl = await new Promise<string>((resolve, reject) => {
      let out = '';
      simulator.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /^testsigma (http:\/\/127\.0\.0\.1:\d+\S*)$/m.exec(out);
        if (match) resolve(match[1]);
      });
      simulator.on('exit', (code) => reject(new Error(`simulate exited ${code}: ${out}`)));
      setTimeout(() => reject(new Error(`simulate not ready: ${out}`)), 60_000).unref();
    });
    const run = spawnSync(
      'npx',
      [
        ...npx,
        'run',
        '--vendor',
        'testsigma',
        '--base-url',
        baseUrl,
        '--plan-id',
        '2090',
        '--outputs-file',
        'outputs.env',
      ],
      {
        cwd: project,
        encoding: 'utf8',
        env: {
          ...env,
          TESTRELAY_API_KEY: 'npx-test-key',
          TESTRELAY_POLL_INTERVAL: '1s',
        },
      },
    );
    expect({
      status: run.status,
      log: run.status === 0 ? '' : `${run.stdout}${run.stderr}`,
    }).toEqual({
      status: 0,
      log: '',
    });
    expect(fs.readFileSync(path.join(project, 'outputs.env'), 'utf8')).toMatch(/^verdict=passed$/m);
    expect(fs.existsSync(path.join(project, 'testrelay-results', 'junit.xml'))).toBe(true);
  } finally {
    try {
      if (simulator.pid !== undefined) process.kill(-simulator.pid, 'SIGTERM');
    } catch {
      // Already gone (it exited early, which the test reported).
    }
  }
}, 120_000);
