#!/usr/bin/env node
// The testrelay CLI (dist/cli/index.js): run | report | cancel | simulate.

import { GitLabAgent } from '../ci/gitlab.js';
import { EXIT, TerminalAgent } from '../ci/terminal.js';
import type { CommandName } from '../core/inputs.js';
import { errorMessage } from '../core/text.js';
import { VERSION } from '../core/version.js';
import { runSimulateCommand } from '../vendors/simulators.js';
import { INPUTS, MODULES, OUTPUTS } from '../vendors/registry.js';
import { type CliOption, parseArgs, UsageError } from './cli-args.js';
import { type CommandHelp, EXIT_STATUS_HELP, renderCommandHelp } from './cli-help.js';
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

const COMMANDS: Record<CommandName, CommandHelp> = {
  run: {
    name: 'run',
    summary: 'Trigger a test plan (or attach to a run), wait for it, and relay its results.',
    usage: 'testrelay run --vendor <testsigma|sofy|squish> --plan-id <id> [flags]',
    examples: [
      'TESTRELAY_API_KEY=… testrelay run --vendor testsigma --plan-id 2090',
      'TESTRELAY_API_KEY=… testrelay run --vendor sofy --plan-id <schedule GUID> --app-path app.apk',
      'TESTRELAY_API_KEY=… testrelay run --vendor squish --base-url http://testcenter:8800 \\',
      '    --project Shop --plan-title Nightly',
      'TESTRELAY_API_KEY=… testrelay run --vendor squish --base-url http://testcenter:8800 \\',
      "    --mode worker --run-id 105 --capabilities OS=Linux --command './run-test.sh'",
      'testrelay run --vendor testsigma --run-id 1234     (attach to a run started earlier)',
      'testrelay run --vendor testsigma --plan-id 2090 --report-to testomatio \\',
      '    --testomatio-create-tests     (with TESTRELAY_TESTOMATIO_API_KEY set)',
    ],
    options: RELAY_OPTIONS,
  },
  report: {
    name: 'report',
    summary:
      'Relay existing JUnit files: outputs, summary and exit status, as for a vendor run; with --report-to, into Testomat.io or Spira too.',
    usage:
      "testrelay report --junit-files 'results/**/*.xml' [--report-to testomatio,spira] [flags]",
    examples: [
      "testrelay report --junit-files 'results/**/*.xml' --json",
      "TESTRELAY_TESTOMATIO_API_KEY=… testrelay report --junit-files 'results/*.xml' --report-to testomatio",
      'TESTRELAY_SPIRA_API_KEY=… testrelay report --junit-files junit.xml --report-to spira \\',
      '    --spira-url https://example.spiraservice.net --spira-username ci --spira-project-id 24',
    ],
    options: RELAY_OPTIONS,
  },
  cancel: {
    name: 'cancel',
    summary: 'Stop a running vendor run.',
    usage: 'testrelay cancel --vendor <testsigma|sofy|squish> --run-id <id>',
    examples: ['TESTRELAY_API_KEY=… testrelay cancel --vendor testsigma --run-id 1234'],
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
  if (args.help) {
    process.stdout.write(renderCommandHelp(command, INPUTS, MODULES, args.inputs));
    return EXIT.ok;
  }
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
    process.stdout.write(`${JSON.stringify(jsonOutputs(agent.allOutputs()))}\n`);
  }
  return Number(process.exitCode ?? EXIT.ok);
}

/** Counts and seconds as JSON numbers (null while unknown); everything else as text. */
function jsonOutputs(outputs: Record<string, string>): Record<string, string | number | null> {
  const numeric = new Set(OUTPUTS.filter((output) => output.numeric).map((output) => output.name));
  return Object.fromEntries(
    Object.entries(outputs).map(([name, value]) => [
      name,
      numeric.has(name) ? (value === '' ? null : Number(value)) : value,
    ]),
  );
}

function printTopHelp(): number {
  const out = [
    'testrelay — trigger a remote test plan, wait for it, and relay its results into your CI.',
    '',
    'Usage: testrelay <command> [flags]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([key, c]) => `  ${key.padEnd(9)} ${c.summary}`),
    `  ${'simulate'.padEnd(9)} Run local simulators of the vendor APIs (testrelay simulate --help).`,
    '',
    'Run `testrelay <command> --help` for its flags (`testrelay run --vendor sofy --help`',
    "for one vendor's). Every flag can also be set as an environment variable:",
    '--api-key → TESTRELAY_API_KEY.',
    '',
    ...EXIT_STATUS_HELP,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  return EXIT.ok;
}

function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') return printTopHelp();
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
