// npm run demo: a Testsigma test plan triggered, waited on and reported by the bundled CLI,
// with its results reported on into Testomat.io and Spira, all against the built-in
// simulators. Needs no install and no account: dist/ is self-contained.
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

// 1. The simulated vendors; Testsigma's plan: 12 tests, 2 of which fail, done about 12 s after it starts.
const simulator = spawn(
  process.execPath,
  [
    cli,
    'simulate',
    '--vendor',
    'all',
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
// One "<vendor> <baseUrl>" line per vendor, then a ready line.
const baseUrls = await new Promise((resolve, reject) => {
  const urls = {};
  simulator.once('exit', (code) => reject(new Error(`the simulators exited early (${code})`)));
  const lines = createInterface({ input: simulator.stdout });
  lines.on('line', (line) => {
    const [vendor, url] = line.split(' ');
    urls[vendor] = url;
    if (urls.testsigma && urls.testomatio && urls.spira) {
      lines.removeAllListeners('line');
      resolve(urls);
    }
  });
});

say(
  `\n▶ Simulators listening: Testsigma ${baseUrls.testsigma}, Testomat.io ${baseUrls.testomatio}, Spira ${baseUrls.spira}`,
);
say('▶ testrelay run --vendor testsigma --plan-id 2090 --report-to testomatio,spira …');
say('  (trigger → wait → collect → report)\n');

// 2. What a CI step runs: trigger the plan, wait for it, relay the results.
const run = spawn(
  process.execPath,
  [
    cli,
    'run',
    '--vendor',
    'testsigma',
    '--base-url',
    baseUrls.testsigma,
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
    // Report on into both test-management simulators. The simulated test names carry no
    // Testomat.io ids, so Testomat.io creates the tests; in Spira every test records into
    // test case 1.
    '--report-to',
    'testomatio,spira',
    '--testomatio-url',
    baseUrls.testomatio,
    '--testomatio-api-key',
    'tstmt_demo-project-token',
    '--testomatio-create-tests',
    '--spira-url',
    baseUrls.spira,
    '--spira-username',
    'demo',
    '--spira-api-key',
    '{00000000-0000-4000-8000-000000000001}',
    '--spira-project-id',
    '1',
    '--spira-mapping',
    'default = 1',
  ],
  { stdio: 'inherit' },
);
const exitCode = await new Promise((resolve) => run.on('exit', (code) => resolve(code)));

// What the two systems received, read back from the simulators' kept data.
const kept = async (url) => (await globalThis.fetch(`${url}/__sim/runs`)).json();
const testomatio = await kept(baseUrls.testomatio);
const spira = await kept(baseUrls.spira);
simulator.kill('SIGTERM');
const tRun = testomatio.runs[0];
say(
  `\n▶ Testomat.io received ${tRun?.counts.held ?? 0} test results in run ${tRun?.uid ?? '(none)'} (${tRun?.status ?? 'no run'}, ${tRun?.result ?? 'no result'}).`,
);
const spiraStatus = {
  1: 'Failed',
  2: 'Passed',
  3: 'Not Run',
  4: 'N/A',
  5: 'Blocked',
  6: 'Caution',
};
const byStatus = Object.entries(spira.counts.byStatus)
  .map(([id, count]) => `${count} ${spiraStatus[id] ?? `status ${id}`}`)
  .join(', ');
say(`▶ Spira recorded ${spira.counts.runs} test runs in test case 1: ${byStatus || 'none'}.`);

const where = relative(process.cwd(), results) || '.';
say(
  `\n▶ testrelay exited ${exitCode}${exitCode === 1 ? ': the plan ran and 2 tests failed, so a CI job fails here too.' : '.'}`,
);
say(
  `▶ Written: ${where}/junit.xml (JUnit), ${where}/summary.md (job summary), ${where}/outputs.env (outputs).`,
);
// The demo itself succeeds when TestRelay did its job: exit 1 is the right answer for failed tests.
process.exit(exitCode === 1 ? 0 : 1);
