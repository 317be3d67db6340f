// npm run demo: a Testsigma test plan triggered, waited on and reported by the bundled CLI,
// against the built-in simulator. Needs no install and no account: dist/ is self-contained.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli', 'index.js');
const results = join(process.cwd(), 'demo-results');

if (!existsSync(cli)) {
  console.error('dist/cli/index.js is missing: run `npm ci && npm run build` first.');
  process.exit(1);
}

const say = (text) => console.log(process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);

// 1. A simulated Testsigma: 12 tests, 2 of which fail, done about 12 s after it starts.
const simulator = spawn(
  process.execPath,
  [
    cli,
    'simulate',
    '--vendor',
    'testsigma',
    '--queued-seconds',
    '2',
    '--duration-seconds',
    '10',
    '--tests',
    '12',
    '--failed',
    '2',
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const baseUrl = await new Promise((resolve, reject) => {
  simulator.once('exit', (code) => reject(new Error(`the simulator exited early (${code})`)));
  createInterface({ input: simulator.stdout }).once('line', (line) => resolve(line.split(' ')[1]));
});

say(`\n▶ Testsigma simulator listening at ${baseUrl}`);
say('▶ testrelay run --vendor testsigma --plan-id 2090 …  (trigger → wait → collect)\n');

// 2. What a CI step runs: trigger the plan, wait for it, relay the results.
const run = spawn(
  process.execPath,
  [
    cli,
    'run',
    '--vendor',
    'testsigma',
    '--base-url',
    baseUrl,
    '--api-key',
    'demo-api-key',
    '--plan-id',
    '2090',
    '--poll-interval',
    '2s',
    '--timeout',
    '2m',
    '--junit-path',
    join(results, 'junit.xml'),
    '--outputs-file',
    join(results, 'outputs.env'),
  ],
  { stdio: 'inherit' },
);
const exitCode = await new Promise((resolve) => run.on('exit', (code) => resolve(code)));
simulator.kill('SIGTERM');

const where = relative(process.cwd(), results) || '.';
say(
  `\n▶ testrelay exited ${exitCode}${exitCode === 1 ? ': the plan ran and 2 tests failed, so a CI job fails here too.' : '.'}`,
);
say(
  `▶ Written: ${where}/junit.xml (JUnit), ${where}/summary.md (job summary), ${where}/outputs.env (outputs).`,
);
// The demo itself succeeds when TestRelay did its job: exit 1 is the right answer for failed tests.
process.exit(exitCode === 1 ? 0 : 1);
