#!/usr/bin/env node
// The testrelay CLI (dist/cli/index.js): run | report | cancel | simulate.

import { GitLabAgent } from '../ci/gitlab.js';
import { EXIT, TerminalAgent } from '../ci/terminal.js';
import { type CommandName, envName, flagName } from '../core/inputs.js';
import { errorMessage } from '../core/text.js';
import { VERSION } from '../core/version.js';
import { runSimulateCommand } from '../vendors/simulators.js';
import { INPUTS } from '../vendors/registry.js';
import { type CliOption, parseArgs, UsageError } from './cli-args.js';
import { runInCi } from './run-in-ci.js';

const VERBOSE: CliOption = { flag: 'verbose', description: 'Show debug logs.', boolean: true };
const RELAY_OPTIONS: CliOption[] = [
  {
    flag: 'outputs-file',
    description: 'Write the outputs as KEY=value lines (a dotenv file) to this path.',
  },
  {
    flag: 'summary-file',
    description: 'Write the markdown summary here (default: summary.md next to the JUnit file).',
  },
  {
    flag: 'json',
    description: 'Print the outputs as one JSON object on stdout at the end.',
    boolean: true,
  },
  VERBOSE,
];

interface Command {
  summary: string;
  usage: string;
  options: CliOption[];
}

const COMMANDS: Record<CommandName, Command> = {
  run: {
    summary: 'Trigger a test plan (or attach to a run), wait for it, and relay its results.',
    usage: 'testrelay run --vendor testsigma --api-key KEY --plan-id 2090 [flags]',
    options: RELAY_OPTIONS,
  },
  report: {
    summary:
      'Relay existing JUnit files: outputs, summary and exit status, as for a vendor run; with --report-to, into Testomat.io or Spira too.',
    usage:
      "testrelay report --junit-files 'results/**/*.xml' [--report-to testomatio,spira] [flags]",
    options: RELAY_OPTIONS,
  },
  cancel: {
    summary: 'Stop a running vendor run.',
    usage: 'testrelay cancel --vendor testsigma --api-key KEY --run-id 1234',
    options: [VERBOSE],
  },
};

/** The inputs a command takes, from the input table. */
function inputsOf(name: CommandName): string[] {
  return INPUTS.filter((input) => input.commands.includes(name)).map((input) => input.name);
}

async function runCommand(name: CommandName, argv: string[]): Promise<number> {
  const command = COMMANDS[name];
  const args = parseArgs(argv, inputsOf(name), command.options);
  if (args.help) return printHelp(name);
  const json = args.options.json === 'true';
  const options = {
    flags: args.inputs,
    env: process.env,
    summaryFile: args.options['summary-file'],
    verbose: args.options.verbose === 'true',
    logToStderr: json,
  };
  // In a GitLab job the outputs file is a dotenv report: TESTRELAY_* keys, GitLab's limits.
  const agent =
    process.env.GITLAB_CI === 'true'
      ? new GitLabAgent({ ...options, dotenvFile: args.options['outputs-file'] })
      : new TerminalAgent({ ...options, outputsFile: args.options['outputs-file'] });
  const outcome = await runInCi(agent, name === 'cancel' ? 'cancel' : 'relay');
  if (json && !outcome.inputProblems) {
    process.stdout.write(`${JSON.stringify(agent.allOutputs())}\n`);
  }
  return Number(process.exitCode ?? EXIT.ok);
}

function printHelp(name?: CommandName): number {
  const out: string[] = [];
  if (!name) {
    out.push(
      'testrelay — trigger a remote test plan, wait for it, and relay its results into your CI.',
      '',
      'Usage: testrelay <command> [flags]',
      '',
      'Commands:',
      ...Object.entries(COMMANDS).map(([key, c]) => `  ${key.padEnd(9)} ${c.summary}`),
      `  ${'simulate'.padEnd(9)} Run local simulators of the vendor APIs (testrelay simulate --help).`,
      '',
      'Run `testrelay <command> --help` for its flags. Every flag can also be set as an',
      'environment variable: --api-key → TESTRELAY_API_KEY.',
      '',
      'Exit status: 0 passed (or neutral), 1 tests failed / run failed / timed out, 2 bad input;',
      'in a GitLab job (GITLAB_CI=true) a neutral outcome exits 3 (the component allows it).',
    );
  } else {
    const command = COMMANDS[name];
    out.push(
      command.summary,
      '',
      `Usage: ${command.usage}`,
      '',
      'Flags (environment variable in brackets):',
    );
    for (const input of INPUTS.filter((i) => i.commands.includes(name))) {
      const deflt = input.default ? ` Default: ${input.default}.` : '';
      out.push(
        `  --${flagName(input.name)} [${envName(input.name)}]`,
        `      ${input.description}${deflt}`,
      );
    }
    if (name !== 'cancel') {
      for (const option of command.options)
        out.push(`  --${option.flag}`, `      ${option.description}`);
    }
    out.push('  --help', '      Show this help.');
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return EXIT.ok;
}

function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') return printHelp();
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  if (name === 'simulate') return runSimulateCommand(rest);
  if (!isCommand(name)) {
    process.stderr.write(
      `error: unknown command "${name}". Commands: run, report, cancel, simulate.\n`,
    );
    return EXIT.usage;
  }
  try {
    return await runCommand(name, rest);
  } catch (error) {
    process.stderr.write(`error: ${errorMessage(error)}\n`);
    return error instanceof UsageError ? EXIT.usage : EXIT.failed;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${errorMessage(error)}\n`);
    process.exitCode = EXIT.failed;
  },
);
