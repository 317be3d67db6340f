// Runs the bundled Azure Pipelines task (azure-task/TestRelay/index.js) the way the agent
// does: inputs as INPUT_* variables with task.json's defaults applied, the agent's and the
// build's predefined variables, and stdout read back as logging commands with task-lib's own
// parser (the one its MockTestRunner uses), so every `##vso[` line is proven well-formed.

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { collect, NODE, ROOT, type StepOptions } from './github-runner.js';

export const TASK_DIR = path.join(
  process.env.TESTRELAY_TEST_DIST
    ? path.join(process.env.TESTRELAY_TEST_DIST, 'azure-task')
    : path.join(ROOT, 'azure-task'),
  'TestRelay',
);
export const TASK_JSON = path.join(ROOT, 'azure-task', 'TestRelay', 'task.json');

export interface TaskCommand {
  command: string;
  properties: Record<string, string>;
  message: string;
}

const { commandFromString } = createRequire(import.meta.url)(
  'azure-pipelines-task-lib/taskcommand',
) as { commandFromString(line: string): TaskCommand };

/** Every command the task may send; anything else is a mistake (or an injected command). */
const KNOWN_COMMANDS = new Set([
  'task.debug',
  'task.issue',
  'task.logissue',
  'task.setsecret',
  'task.setvariable',
  'task.setprogress',
  'task.uploadsummary',
  'task.complete',
  'results.publish',
  'artifact.upload',
]);

export interface TaskRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  commands: TaskCommand[];
  /** Output variables (task.setvariable … isOutput=true). */
  outputs: Record<string, string>;
  /** The one task.complete: its result and reason. */
  result: { result: string; message: string };
  /** task.issue and task.logissue commands. */
  issues: TaskCommand[];
  /** The markdown of the uploaded summary ('' when none). */
  summary: string;
  workspace: string;
  exitAfterSignalMs?: number;
}

export interface Task {
  inputs: { name: string; defaultValue?: string | boolean }[];
  [key: string]: unknown;
}

export function taskJson(): Task {
  return JSON.parse(fs.readFileSync(TASK_JSON, 'utf8')) as Task;
}

/** The agent's rule: INPUT_ + name upper-cased, '.' and ' ' replaced by '_'. */
export function taskInputEnvName(name: string): string {
  return `INPUT_${name.replace(/[. ]/g, '_').toUpperCase()}`;
}

export async function runTask(
  inputs: Record<string, string>,
  options: StepOptions = {},
): Promise<TaskRun> {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'testrelay-azure-'));
  const temp = path.join(workspace, '_temp');
  fs.mkdirSync(temp);
  const env: Record<string, string> = { ...agentVariables(workspace, temp) };
  for (const input of taskJson().inputs) {
    env[taskInputEnvName(input.name)] = String(input.defaultValue ?? '');
  }
  for (const [name, value] of Object.entries(inputs)) env[taskInputEnvName(name)] = value;
  Object.assign(env, options.env ?? {});
  options.prepare?.({ workspace });

  const child = spawn(NODE, [path.join(TASK_DIR, 'index.js')], {
    cwd: workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run = await collect(child, options);
  const commands = parseCommands(run.stdout);
  const completes = commands.filter((c) => c.command === 'task.complete');
  if (completes.length !== 1)
    throw new Error(`expected one task.complete, got ${completes.length}`);
  const summaries = commands.filter((c) => c.command === 'task.uploadsummary');
  return {
    ...run,
    commands,
    outputs: Object.fromEntries(
      commands
        .filter((c) => c.command === 'task.setvariable' && c.properties.isOutput === 'true')
        .map((c) => [c.properties.variable, c.message]),
    ),
    result: { result: completes[0].properties.result, message: completes[0].message },
    issues: commands.filter((c) => c.command === 'task.issue' || c.command === 'task.logissue'),
    summary: summaries.map((c) => fs.readFileSync(c.message, 'utf8')).join('\n'),
    workspace,
  };
}

/** The variables an agent job gives every task (a few of them, as the agent spells them). */
function agentVariables(workspace: string, temp: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: workspace,
    TF_BUILD: 'True',
    AGENT_VERSION: '4.266.2',
    AGENT_NAME: 'Azure Pipelines 3',
    AGENT_OS: 'Linux',
    AGENT_TEMPDIRECTORY: temp,
    AGENT_WORKFOLDER: workspace,
    AGENT_BUILDDIRECTORY: workspace,
    SYSTEM_DEFAULTWORKINGDIRECTORY: workspace,
    BUILD_SOURCESDIRECTORY: workspace,
    SYSTEM_COLLECTIONURI: 'https://dev.azure.com/acme/',
    SYSTEM_TEAMPROJECT: 'Shop App',
    SYSTEM_JOBATTEMPT: '1',
    SYSTEM_CULTURE: 'en-US',
    BUILD_BUILDID: '4711',
    BUILD_BUILDNUMBER: '20261207.3',
    BUILD_DEFINITIONNAME: 'e2e',
    BUILD_REPOSITORY_NAME: 'shop',
    BUILD_SOURCEVERSION: '0123456789abcdef0123456789abcdef01234567',
    BUILD_SOURCEBRANCH: 'refs/heads/main',
  };
}

/**
 * Every line holding `##vso[` must be one well-formed command of a known kind, starting the
 * line: vendor text that made a second command, or a broken one, fails the test here.
 */
export function parseCommands(stdout: string): TaskCommand[] {
  const commands: TaskCommand[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    if (!line.includes('##vso[')) continue;
    if (!line.startsWith('##vso[') || line.indexOf('##vso[', 1) !== -1) {
      throw new Error(`a command not alone at the start of its line: ${line}`);
    }
    const command = commandFromString(line);
    if (!KNOWN_COMMANDS.has(command.command)) throw new Error(`unexpected command: ${line}`);
    commands.push(command);
  }
  return commands;
}

/** The lines the agent would print: stdout without the commands it consumes for masking. */
export function printedText(run: TaskRun): string {
  const printed = run.stdout
    .split(/\r?\n/)
    .filter((line) => !line.startsWith('##vso[task.setsecret]'))
    .join('\n');
  return `${printed}\n${run.stderr}`;
}
