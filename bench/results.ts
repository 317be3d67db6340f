// Results processing and start-up, side by side in one run: TestRelay's action bundle
// (dist/index.js) against the published bundles of peer JUnit actions, each run as the runner
// runs an action (INPUT_* with its action.yml defaults, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY).
// The machine is shared and noisy: every figure is the median of several rounds, with the
// tools interleaved within each round, and each row gives its ratio to the best baseline.
//
// Peers: put their published action (action.yml + dist/) under .tmp/peers/<owner>+<repo>/
// (or BENCH_PEERS=<dir>): e.g. `git clone --depth 1 https://github.com/dorny/test-reporter`.
// Without any, a plain xml2js reader is the baseline, and the table says so.
// Node: BENCH_NODE=<path to node> (GitHub runs actions on Node 24); default this node.

import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { writeJunit } from './make-junit.js';

const ROOT = process.cwd();
const NODE = process.env.BENCH_NODE || process.execPath;
const ROUNDS = Number(process.env.BENCH_ROUNDS || 5);
const PEERS_DIR = process.env.BENCH_PEERS || path.join(ROOT, '.tmp', 'peers');
const HOOK = path.join(ROOT, 'bench', 'rss-hook.mjs');

interface Tool {
  name: string;
  entry: string;
  /** Inputs for reading `junit` (the runner's INPUT_* names come from these). */
  inputs(junit: string, dir: string): Record<string, string>;
  baseline: boolean;
}

interface Sample {
  ms: number;
  rssMiB: number;
  /** Bytes of job summary written: proof the tool did the work, not failed early. */
  summaryBytes: number;
  /** The end of its log, to say why when it wrote no summary. */
  logTail: string;
}

const PEER_INPUTS: Record<string, (junit: string) => Record<string, string>> = {
  // Annotations and the job summary only; the check run API is a local stand-in.
  'mikepenz+action-junit-report': (junit) => ({
    report_paths: junit,
    token: 'bench-token',
    annotate_only: 'true',
    job_summary: 'true',
  }),
  'dorny+test-reporter': (junit) => ({
    name: 'bench',
    path: junit,
    reporter: 'java-junit',
    token: 'bench-token',
    'use-actions-summary': 'true',
    'fail-on-error': 'false',
  }),
};

function tools(): Tool[] {
  const list: Tool[] = [
    {
      name: 'TestRelay',
      entry: path.join(ROOT, 'dist', 'index.js'),
      inputs: (junit, dir) => ({
        junitFiles: junit,
        junitPath: path.join(dir, 'out.xml'),
        failOnTestFailure: 'false',
      }),
      baseline: false,
    },
  ];
  for (const [name, inputs] of Object.entries(PEER_INPUTS)) {
    const entry = path.join(PEERS_DIR, name, 'dist', 'index.js');
    if (fs.existsSync(entry))
      list.push({ name: name.replace('+', '/'), entry, inputs, baseline: true });
  }
  if (list.length === 1) {
    list.push({
      name: 'xml2js baseline (no peer action found)',
      entry: path.join(ROOT, 'bench', 'xml2js-baseline.mjs'),
      inputs: (junit) => ({ junitFiles: junit }),
      baseline: true,
    });
  }
  return list;
}

/** The runner's INPUT_* variables: the action.yml defaults, then the inputs given. */
function inputEnv(entry: string, inputs: Record<string, string>): Record<string, string> {
  const actionYml = path.join(path.dirname(entry), '..', 'action.yml');
  const env: Record<string, string> = {};
  if (fs.existsSync(actionYml)) {
    const action = parse(fs.readFileSync(actionYml, 'utf8')) as {
      inputs?: Record<string, { default?: unknown }>;
    };
    for (const [name, spec] of Object.entries(action.inputs ?? {})) {
      if (spec?.default !== undefined && !String(spec.default).includes('${{')) {
        env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = String(spec.default);
      }
    }
  }
  for (const [name, value] of Object.entries(inputs)) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  return env;
}

/** Answers every GitHub API call a peer makes (check runs, annotations) with a plain success. */
async function startGitHubApiStandIn(): Promise<{ url: string; close(): void }> {
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(request.method === 'POST' ? 201 : 200, {
        'content-type': 'application/json',
      });
      response.end(JSON.stringify({ id: 1, html_url: 'http://127.0.0.1/check/1', check_runs: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

async function runOnce(
  tool: Tool,
  junit: string,
  apiUrl: string,
  extraEnv: Record<string, string> = {},
): Promise<Sample> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'testrelay-bench-'));
  try {
    const rssFile = path.join(dir, 'rss');
    const event = path.join(dir, 'event.json');
    fs.writeFileSync(event, '{}');
    // A checkout, as in a real job: dorny/test-reporter lists the tracked files with git.
    spawnSync('git', ['init', '-q', dir]);
    for (const file of ['output', 'summary']) fs.writeFileSync(path.join(dir, file), '');
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      RUNNER_TEMP: dir,
      GITHUB_WORKSPACE: dir,
      GITHUB_OUTPUT: path.join(dir, 'output'),
      GITHUB_STEP_SUMMARY: path.join(dir, 'summary'),
      GITHUB_API_URL: apiUrl,
      GITHUB_REPOSITORY: 'bench/bench',
      GITHUB_SHA: '0'.repeat(40),
      GITHUB_REF: 'refs/heads/main',
      GITHUB_EVENT_NAME: 'push',
      GITHUB_EVENT_PATH: event,
      GITHUB_RUN_ID: '1',
      GITHUB_JOB: 'bench',
      GITHUB_WORKFLOW: 'bench',
      BENCH_RSS_FILE: rssFile,
      ...inputEnv(tool.entry, tool.inputs(junit, dir)),
      ...extraEnv,
    };
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      const log = fs.openSync(path.join(dir, 'log'), 'w');
      const child = spawn(NODE, ['--import', HOOK, tool.entry], {
        cwd: dir,
        env,
        stdio: ['ignore', log, log],
      });
      child.on('error', reject);
      child.on('exit', () => resolve());
    });
    const ms = performance.now() - started;
    const rssKiB = fs.existsSync(rssFile) ? Number(fs.readFileSync(rssFile, 'utf8')) : NaN;
    if (process.env.BENCH_DEBUG)
      console.log(
        tool.name,
        fs.readFileSync(path.join(dir, 'log'), 'utf8').slice(-1500),
        fs.readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8').slice(0, 300),
      );
    const logTail = fs.readFileSync(path.join(dir, 'log'), 'utf8').trim().split('\n').slice(-3);
    return {
      ms,
      rssMiB: rssKiB / 1024,
      summaryBytes: fs.statSync(env.GITHUB_STEP_SUMMARY).size,
      logTail: logTail.join('\n'),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function figure(values: number[], unit: string, digits: number): string {
  const fmt = (v: number): string => v.toFixed(digits);
  return `${fmt(median(values))} ${unit} (${fmt(Math.min(...values))}–${fmt(Math.max(...values))})`;
}

/** Runs every tool ROUNDS times on `junit`, interleaved, and prints one table. */
async function compare(title: string, junit: string, list: Tool[], apiUrl: string): Promise<void> {
  const samples = new Map<string, Sample[]>(list.map((tool) => [tool.name, []]));
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const tool of list) samples.get(tool.name)?.push(await runOnce(tool, junit, apiUrl));
  }
  const medians = (tool: Tool, key: 'ms' | 'rssMiB' | 'summaryBytes'): number =>
    median((samples.get(tool.name) ?? []).map((s) => s[key]));
  const baselines = list.filter((tool) => tool.baseline);
  const bestMs = Math.min(...baselines.map((tool) => medians(tool, 'ms')));
  const bestRss = Math.min(...baselines.map((tool) => medians(tool, 'rssMiB')));
  console.log(`\n### ${title}\n`);
  console.log(
    row([
      'Tool',
      'Wall time, median (min–max)',
      '× best baseline',
      'Peak RSS, median (min–max)',
      '× best baseline',
      'Summary written',
    ]),
  );
  console.log(row(['---', '---:', '---:', '---:', '---:', '---:']));
  for (const tool of list) {
    const runs = samples.get(tool.name) ?? [];
    console.log(
      row([
        tool.name,
        figure(
          runs.map((s) => s.ms / 1000),
          's',
          2,
        ),
        (medians(tool, 'ms') / bestMs).toFixed(2),
        figure(
          runs.map((s) => s.rssMiB),
          'MiB',
          0,
        ),
        (medians(tool, 'rssMiB') / bestRss).toFixed(2),
        `${Math.round(medians(tool, 'summaryBytes') / 1024)} KiB`,
      ]),
    );
  }
  for (const tool of list) {
    const failed = (samples.get(tool.name) ?? []).find((s) => s.summaryBytes === 0);
    if (failed) console.log(`\n> ${tool.name} wrote no summary; its log ended: ${failed.logTail}`);
  }
}

/** Milliseconds from spawning the action to its first request to the vendor (a local server). */
async function timeToFirstRequest(): Promise<number[]> {
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    let started = 0;
    let firstAt = 0;
    const server = http.createServer((_request, response) => {
      firstAt ||= performance.now();
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end('{"message":"bench"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const tool = tools()[0];
    started = performance.now();
    await runOnce(
      { ...tool, inputs: () => ({}) },
      '',
      'http://127.0.0.1:9',
      inputEnv(tool.entry, {
        vendor: 'testsigma',
        apiKey: 'bench-key',
        planId: '1',
        baseUrl: `http://127.0.0.1:${port}`,
      }),
    );
    server.close();
    times.push(firstAt - started);
  }
  return times;
}

function bundleSizes(list: Tool[]): void {
  console.log('\n### Bundle sizes (what a run loads at start)\n');
  console.log(row(['Tool', 'Entry file', 'Lazily loaded chunks']));
  console.log(row(['---', '---:', '---:']));
  for (const tool of list) {
    const dir = path.dirname(tool.entry);
    const chunks = fs
      .readdirSync(dir)
      .filter((name) => /^\d+\.index\.js$/.test(name))
      .reduce((sum, name) => sum + fs.statSync(path.join(dir, name)).size, 0);
    const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(2)} MB`;
    console.log(row([tool.name, mb(fs.statSync(tool.entry).size), chunks ? mb(chunks) : '—']));
  }
}

async function main(): Promise<void> {
  const list = tools();
  const inputDir = path.join(ROOT, '.tmp', 'bench-input');
  fs.mkdirSync(inputDir, { recursive: true });
  const sizes = [
    { label: '1k', suites: 10, casesPerSuite: 100 },
    { label: '10k', suites: 100, casesPerSuite: 100 },
    { label: '100k', suites: 100, casesPerSuite: 1000 },
  ];
  const only = process.env.BENCH_SIZES?.split(',');
  const api = await startGitHubApiStandIn();
  const nodeVersion = await new Promise<string>((resolve) => {
    const child = spawn(NODE, ['--version']);
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('exit', () => resolve(out.trim()));
  });
  console.log(
    `## Results processing and start-up — ${new Date().toISOString().slice(0, 10)}, Node ${nodeVersion}, ` +
      `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${ROUNDS} rounds`,
  );
  try {
    const one = path.join(inputDir, 'junit-1.xml');
    writeJunit(one, { suites: 1, casesPerSuite: 1 });
    await compare('Start-up: a one-test JUnit file, to exit', one, list, api.url);
    for (const size of sizes.filter((s) => !only || only.includes(s.label))) {
      const file = path.join(inputDir, `junit-${size.label}.xml`);
      const bytes = writeJunit(file, size);
      await compare(
        `Results processing: ${size.label} cases (${(bytes / 1e6).toFixed(1)} MB, 5 % failed with stack traces)`,
        file,
        list,
        api.url,
      );
    }
  } finally {
    api.close();
  }
  const first = await timeToFirstRequest();
  console.log(`\n### Start-up: spawn to the first vendor request (TestRelay, Testsigma)\n`);
  console.log(`${figure(first, 'ms', 0)}`);
  bundleSizes(list);
}

void main();
