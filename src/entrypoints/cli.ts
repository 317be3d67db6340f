#!/usr/bin/env node
// The testrelay CLI (dist/cli/index.js): run | report | cancel | simulate.

import { TerminalAgent } from '../ci/terminal.js';
import { envName, flagName, INPUTS } from '../core/inputs.js';
import { type Outcome } from '../core/outcome.js';
import { errorMessage, relay } from '../core/relay.js';
import { Redactor } from '../core/redact.js';
import { InputError, readSettings, secretValues, SettingsError } from '../core/settings.js';
import { runSimulateCommand } from '../vendors/simulators.js';
import { VERSION } from '../core/version.js';
import { createSource } from '../vendors/index.js';
import { closeSharedRun, createSinks } from '../vendors/sinks.js';
import { cancelOnSignals } from './cancel-signal.js';
import { type CliOption, parseArgs, UsageError } from './cli-args.js';

const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

const COMMON_OPTIONS: CliOption[] = [
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
  { flag: 'verbose', description: 'Show debug logs.', boolean: true },
];

interface Command {
  summary: string;
  usage: string;
  inputs: string[];
  run(argv: string[]): Promise<number>;
}

const ALL_INPUTS = INPUTS.map((i) => i.name);
// Results from files need no vendor inputs, but may go on to the reportTo systems.
const FILE_INPUTS = [
  'junitFiles',
  'failOnTestFailure',
  'failOnEmpty',
  'junitPath',
  'summary',
  'maxAnnotations',
  'caCertPath',
  'dryRun',
  'reportTo',
  'failOnNoMatch',
  ...INPUTS.filter((i) => i.group === 'testomatio' || i.group === 'spira').map((i) => i.name),
];
// What stopping a run needs: the vendor, its address and credentials, the run (and for Sofy,
// its schedule: planId).
const CANCEL_INPUTS = [
  'vendor',
  'baseUrl',
  'apiKey',
  'planId',
  'runId',
  'apiFlavor',
  'caCertPath',
  'username',
  'password',
];

const COMMANDS: Record<string, Command> = {
  run: {
    summary: 'Trigger a test plan (or attach to a run), wait for it, and relay its results.',
    usage: 'testrelay run --vendor testsigma --api-key KEY --plan-id 2090 [flags]',
    inputs: ALL_INPUTS,
    run: (argv) => runRelay(argv, ALL_INPUTS, COMMANDS.run),
  },
  report: {
    summary:
      'Relay existing JUnit files: outputs, summary and exit status, as for a vendor run; with --report-to, into Testomat.io or Spira too.',
    usage:
      "testrelay report --junit-files 'results/**/*.xml' [--report-to testomatio,spira] [flags]",
    inputs: FILE_INPUTS,
    run: (argv) => runRelay(argv, FILE_INPUTS, COMMANDS.report),
  },
  cancel: {
    summary: 'Stop a running vendor run.',
    usage: 'testrelay cancel --vendor testsigma --api-key KEY --run-id 1234',
    inputs: CANCEL_INPUTS,
    run: runCancel,
  },
};

async function runRelay(argv: string[], inputs: string[], command: Command): Promise<number> {
  const args = parseArgs(argv, inputs, COMMON_OPTIONS);
  if (args.help) return printHelp(command);
  const agent = new TerminalAgent({
    flags: args.inputs,
    env: process.env,
    outputsFile: args.options['outputs-file'],
    summaryFile: args.options['summary-file'],
    verbose: args.options.verbose === 'true',
    logToStderr: args.options.json === 'true',
  });
  const signal = cancelOnSignals(4500, () => {
    agent.logger.error('Stopping took too long; exiting.');
    process.exit(EXIT.failed);
  });
  let outcome: Outcome;
  try {
    outcome = await relay({
      agent,
      signal,
      createSource: (settings, redactor) =>
        createSource(settings, {
          logger: agent.logger,
          redactor,
          downloadFile: (url) => agent.downloadFile(url),
        }),
      createSinks: (settings, redactor) =>
        createSinks(settings, { logger: agent.logger, redactor }),
      closeSharedRun: (settings, redactor, closeSignal) =>
        closeSharedRun(settings, { logger: agent.logger, redactor }, closeSignal),
    });
  } catch (error) {
    return reportError(agent, error);
  }
  if (args.options.json === 'true') process.stdout.write(`${JSON.stringify(agent.allOutputs())}\n`);
  if (outcome.conclusion === 'failure') {
    agent.logger.error(outcome.reason);
    return EXIT.failed;
  }
  if (outcome.conclusion === 'neutral') agent.logger.warn(outcome.reason);
  else agent.logger.info(outcome.reason);
  return EXIT.ok;
}

async function runCancel(argv: string[]): Promise<number> {
  const args = parseArgs(argv, CANCEL_INPUTS, [COMMON_OPTIONS[3]]);
  if (args.help) return printHelp(COMMANDS.cancel);
  const agent = new TerminalAgent({
    flags: args.inputs,
    env: process.env,
    verbose: args.options.verbose === 'true',
  });
  try {
    const redactor = new Redactor();
    for (const secret of secretValues((name) => agent.input(name))) {
      redactor.add(secret);
      agent.maskSecret(secret);
    }
    const settings = readSettings((name) => agent.input(name), agent.context());
    if (!settings.vendor)
      throw new InputError('vendor', 'vendor: required to cancel a run, e.g. --vendor testsigma');
    if (!settings.runId)
      throw new InputError('runId', 'runId: required, the id of the run to stop');
    const source = createSource(settings, {
      logger: agent.logger,
      redactor,
      downloadFile: (url) => agent.downloadFile(url),
    });
    const report = await source.cancel({ runId: settings.runId }, AbortSignal.timeout(30_000));
    agent.logger.info(report.message);
    return EXIT.ok;
  } catch (error) {
    return reportError(agent, error);
  }
}

function reportError(agent: TerminalAgent, error: unknown): number {
  if (error instanceof SettingsError) {
    for (const problem of error.problems) {
      agent.logger.error(
        `${problem.message} (flag --${flagName(problem.input)} or ${envName(problem.input)})`,
      );
    }
    return EXIT.usage;
  }
  agent.logger.error(errorMessage(error));
  return error instanceof InputError || error instanceof UsageError ? EXIT.usage : EXIT.failed;
}

function printHelp(command?: Command): number {
  const out: string[] = [];
  if (!command) {
    out.push(
      'testrelay — trigger a remote test plan, wait for it, and relay its results into your CI.',
      '',
      'Usage: testrelay <command> [flags]',
      '',
      'Commands:',
      ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`),
      `  ${'simulate'.padEnd(9)} Run local simulators of the vendor APIs (testrelay simulate --help).`,
      '',
      'Run `testrelay <command> --help` for its flags. Every flag can also be set as an',
      'environment variable: --api-key → TESTRELAY_API_KEY.',
      '',
      'Exit status: 0 passed (or neutral), 1 tests failed / run failed / timed out, 2 bad input.',
    );
  } else {
    out.push(
      command.summary,
      '',
      `Usage: ${command.usage}`,
      '',
      'Flags (environment variable in brackets):',
    );
    for (const input of INPUTS.filter((i) => command.inputs.includes(i.name))) {
      const deflt = input.default ? ` Default: ${input.default}.` : '';
      out.push(
        `  --${flagName(input.name)} [${envName(input.name)}]`,
        `      ${input.description}${deflt}`,
      );
    }
    if (command !== COMMANDS.cancel) {
      for (const option of COMMON_OPTIONS)
        out.push(`  --${option.flag}`, `      ${option.description}`);
    }
    out.push('  --help', '      Show this help.');
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return EXIT.ok;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') return printHelp();
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  if (name === 'simulate') return runSimulateCommand(rest);
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(
      `error: unknown command "${name}". Commands: run, report, cancel, simulate.\n`,
    );
    return EXIT.usage;
  }
  try {
    return await command.run(rest);
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
