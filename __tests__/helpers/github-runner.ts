// Runs the bundled action (dist/index.js) the way the GitHub runner does: inputs as
// INPUT_* variables with action.yml's defaults applied, GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY files, and a clean environment.

import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
// TESTRELAY_TEST_DIST points the tests at bundles built elsewhere (node scripts/build.mjs --out DIR).
const DIST = process.env.TESTRELAY_TEST_DIST || path.join(ROOT, 'dist');
export const ACTION_BUNDLE = path.join(DIST, 'index.js');
export const CLI_BUNDLE = path.join(DIST, 'cli', 'index.js');
/** The Node that runs the bundles: GitHub runs actions on Node 24; CI also checks with it. */
export const NODE = process.env.TESTRELAY_TEST_NODE || process.execPath;

interface ActionYaml {
  inputs: Record<string, { default?: string }>;
}

export function actionYaml(): ActionYaml & Record<string, unknown> {
  return parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as ActionYaml &
    Record<string, unknown>;
}

export interface StepResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** The step's workspace (cwd); files it wrote are here. */
  workspace: string;
  /** Milliseconds from the signal to the process exit, when a signal was sent. */
  exitAfterSignalMs?: number;
}

export interface StepOptions {
  env?: Record<string, string>;
  /** Send this signal once stdout contains `when` (e.g. the run URL line). */
  sendSignal?: { signal: NodeJS.Signals; when: RegExp };
  timeoutMs?: number;
  /** Called with the fresh workspace before the process starts (e.g. to copy files in). */
  prepare?: (step: { workspace: string }) => void;
}

/** The runner's rule: INPUT_ + name upper-cased with spaces replaced by underscores. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

export async function runAction(
  inputs: Record<string, string>,
  options: StepOptions = {},
): Promise<StepResult> {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'testrelay-step-'));
  const outputFile = path.join(workspace, '..', `${path.basename(workspace)}.output`);
  const summaryFile = path.join(workspace, '..', `${path.basename(workspace)}.summary`);
  fs.writeFileSync(outputFile, '');
  fs.writeFileSync(summaryFile, '');

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: workspace,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_REPOSITORY_OWNER: 'acme',
    GITHUB_RUN_ID: '987654321',
    GITHUB_RUN_NUMBER: '42',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_WORKFLOW: 'e2e',
    GITHUB_JOB: 'tests',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_EVENT_NAME: 'push',
    RUNNER_TEMP: os.tmpdir(),
  };
  for (const [name, spec] of Object.entries(actionYaml().inputs)) {
    env[inputEnvName(name)] = spec.default ?? '';
  }
  for (const [name, value] of Object.entries(inputs)) env[inputEnvName(name)] = value;
  Object.assign(env, options.env ?? {});
  options.prepare?.({ workspace });

  const child = spawn(NODE, [ACTION_BUNDLE], {
    cwd: workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const result = await collect(child, options);
  return {
    ...result,
    outputs: parseOutputFile(fs.readFileSync(outputFile, 'utf8')),
    summary: fs.readFileSync(summaryFile, 'utf8'),
    workspace,
  };
}

export async function collect(
  child: ChildProcess,
  options: StepOptions,
): Promise<Omit<StepResult, 'outputs' | 'summary' | 'workspace'>> {
  let stdout = '';
  let stderr = '';
  let signalledAt: number | undefined;
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (options.sendSignal && signalledAt === undefined && options.sendSignal.when.test(stdout)) {
      signalledAt = Date.now();
      child.kill(options.sendSignal.signal);
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 45_000);
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (code, sig) => resolve([code, sig])),
  );
  clearTimeout(timer);
  return {
    exitCode,
    signal,
    stdout,
    stderr,
    exitAfterSignalMs: signalledAt === undefined ? undefined : Date.now() - signalledAt,
  };
}

/** GITHUB_OUTPUT holds `name<<DELIMITER\nvalue\nDELIMITER` blocks (what @actions/core writes). */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i]);
    if (match) {
      const [, name, delimiter] = match;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]);
      outputs[name] = value.join('\n');
    } else if (lines[i].includes('=')) {
      const eq = lines[i].indexOf('=');
      outputs[lines[i].slice(0, eq)] = lines[i].slice(eq + 1);
    }
  }
  return outputs;
}

/** Runs the bundled CLI with a clean environment. */
export async function runCli(
  args: string[],
  options: StepOptions & { cwd?: string } = {},
): Promise<Omit<StepResult, 'outputs' | 'summary'>> {
  const workspace = options.cwd ?? fs.mkdtempSync(path.join(os.tmpdir(), 'testrelay-cli-'));
  const env = { PATH: process.env.PATH ?? '', HOME: workspace, ...(options.env ?? {}) };
  options.prepare?.({ workspace });
  const child = spawn(NODE, [CLI_BUNDLE, ...args], {
    cwd: workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { ...(await collect(child, options)), workspace };
}
