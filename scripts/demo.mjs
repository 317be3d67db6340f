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

// The CLI as a user types it from here, and a shell-quoted argument.
const cliCommand = `node ${relative(process.cwd(), cli) || cli}`;
const quote = (arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);
/** A command to copy: the keys as environment variables, one flag (and its value) per line. */
function shown(env, args) {
  const lines = [];
  const prefix = Object.entries(env).map(([name, value]) => `${name}=${quote(value)}`);
  lines.push([...prefix, cliCommand, args[0]].join(' '));
  for (let i = 1; i < args.length; i++) {
    const next = args[i + 1];
    const pair = next !== undefined && !next.startsWith('--') ? [args[i], args[++i]] : [args[i]];
    lines.push(`  ${pair.map(quote).join(' ')}`);
  }
  return lines.join(' \\\n');
}
const exitOf = (child) => new Promise((resolve) => child.on('exit', (code) => resolve(code)));

// 1. The simulated vendors; Testsigma's plan: 12 tests, 2 of which fail, done about 12 s after it starts.
const simulateArgs = [
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
];
say(`\n▶ The simulated vendors (they print their base URLs):\n${shown({}, simulateArgs)}`);
// Its stderr (a "ready" line) is kept out of the demo's output unless it fails.
const simulator = spawn(process.execPath, [cli, ...simulateArgs], {
  stdio: ['ignore', 'pipe', 'pipe'],
});
let simulatorErrors = '';
simulator.stderr.on('data', (chunk) => (simulatorErrors += chunk));
// One "<vendor> <baseUrl>" line per vendor, then a ready line.
const baseUrls = await new Promise((resolve, reject) => {
  const urls = {};
  simulator.once('exit', (code) =>
    reject(new Error(`the simulators exited early (${code}): ${simulatorErrors}`)),
  );
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

// Keys come from the environment, as in a CI job (from its secrets), never from flags.
const keys = {
  TESTRELAY_API_KEY: 'demo-api-key',
  TESTRELAY_TESTOMATIO_API_KEY: 'tstmt_demo-project-token',
  TESTRELAY_SPIRA_API_KEY: '{00000000-0000-4000-8000-000000000001}',
};
// Report on into both test-management simulators. The simulated test names carry no
// Testomat.io ids, so Testomat.io creates the tests; in Spira every test records into test
// case 1.
const reportFlags = [
  '--report-to',
  'testomatio,spira',
  '--testomatio-url',
  baseUrls.testomatio,
  '--testomatio-create-tests',
  '--spira-url',
  baseUrls.spira,
  '--spira-username',
  'demo',
  '--spira-project-id',
  '1',
  '--spira-mapping',
  'default = 1',
];
const junitPath = join(relative(process.cwd(), results) || '.', 'junit.xml');

// 2. What a CI step runs: trigger the plan, wait for it, relay the results.
const runArgs = [
  'run',
  '--vendor',
  'testsigma',
  '--base-url',
  baseUrls.testsigma,
  '--plan-id',
  '2090',
  // Faster than a real Testsigma should be polled: fine for a simulator on this machine.
  '--poll-interval',
  '2s',
  '--timeout',
  '2m',
  '--junit-path',
  junitPath,
  '--outputs-file',
  join(relative(process.cwd(), results) || '.', 'outputs.env'),
  ...reportFlags,
];
say(`\n▶ Trigger → wait → collect → report (what a CI step runs):\n${shown(keys, runArgs)}\n`);
const run = spawn(process.execPath, [cli, ...runArgs], {
  stdio: 'inherit',
  env: { ...process.env, ...keys },
});
const exitCode = await exitOf(run);

// What the two systems received, read back from the simulators' kept data.
const kept = async (url) => (await globalThis.fetch(`${url}/__sim/runs`)).json();
const testomatio = await kept(baseUrls.testomatio);
const spira = await kept(baseUrls.spira);
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

// 3. The same results from the JUnit file, as a later CI step (or another CI) would relay them.
const reportArgs = [
  'report',
  '--junit-files',
  junitPath,
  // Beside the run's summary, not over it.
  '--summary-file',
  join(relative(process.cwd(), results) || '.', 'report-summary.md'),
  ...reportFlags,
];
const reportKeys = {
  TESTRELAY_TESTOMATIO_API_KEY: keys.TESTRELAY_TESTOMATIO_API_KEY,
  TESTRELAY_SPIRA_API_KEY: keys.TESTRELAY_SPIRA_API_KEY,
};
say(
  `\n▶ The same results from the JUnit file, as a later step would relay them:\n${shown(reportKeys, reportArgs)}\n`,
);
const report = spawn(process.execPath, [cli, ...reportArgs], {
  stdio: 'inherit',
  env: { ...process.env, ...reportKeys },
});
const reportExit = await exitOf(report);
simulator.kill('SIGTERM');

const where = relative(process.cwd(), results) || '.';
say(
  `\n▶ testrelay exited ${exitCode}${exitCode === 1 ? ': the plan ran and 2 tests failed, so a CI job fails here too.' : '.'}`,
);
say(
  `▶ Written: ${where}/junit.xml (JUnit), ${where}/summary.md (job summary), ${where}/outputs.env (outputs).`,
);
say(
  `▶ testrelay report exited ${reportExit}${reportExit === 1 ? ': the same 2 failed tests.' : '.'}`,
);
// The demo itself succeeds when TestRelay did its job: exit 1 is the right answer for failed tests.
process.exit(exitCode === 1 && reportExit === 1 ? 0 : 1);
