// The CLI's help, from the input table: the common flags first, then one section per vendor
// and per sink (what it requires, what the common flags mean for it, its own flags). With
// --vendor or --report-to given, only those sections: `testrelay run --vendor sofy --help`.

import { envName, flagName, type CommandName, type InputSpec } from '../core/inputs.js';
import type { AnyModule, ModuleSet } from '../core/module.js';
import type { CliOption } from './cli-args.js';

export interface CommandHelp {
  name: CommandName;
  summary: string;
  usage: string;
  examples: string[];
  /** CLI-only flags (--json, --verbose, …). */
  options: CliOption[];
}

/** The exit status table, the same for every command (src/ci/terminal.ts's EXIT). */
export const EXIT_STATUS_HELP = [
  'Exit status:',
  '  0    passed, or neutral (no test ran with --fail-on-empty false, a timeout',
  '       with --on-timeout neutral, failures with --fail-on-test-failure false)',
  "  1    tests failed, or the vendor's run failed or was stopped there",
  '  2    bad input or configuration: a flag, or a file it names (JUnit, CA)',
  '  3    the vendor or a reporting system was unreachable or refused a request',
  '  4    timed out (--on-timeout fail, the default)',
  '  5    neutral in a GitLab job (GITLAB_CI=true): the component lets it pass',
  '       with a warning',
  '  130  cancelled (SIGINT or SIGTERM)',
];

const INDENT = '      ';
// Help lines stay readable in an 80-column terminal.
const WIDTH = 80;

export function renderCommandHelp(
  command: CommandHelp,
  inputs: readonly InputSpec[],
  modules: ModuleSet,
  given: Record<string, string>,
): string {
  const mine = inputs.filter((input) => input.commands.includes(command.name));
  const out: string[] = [command.summary, '', `Usage: ${command.usage}`];
  if (command.name === 'run') {
    out.push('       testrelay run --vendor <name> --help   (the flags for one vendor)');
  }
  if (command.examples.length > 0) {
    out.push('', 'Examples:', ...command.examples.map((example) => `  ${example}`));
  }
  out.push(
    '',
    'Every flag can be set as an environment variable instead (shown after it); a flag wins.',
    'Keys belong in the environment (from your CI secrets), not on the command line.',
  );

  const common = mine.filter((input) => input.group === 'common');
  if (common.length > 0) {
    out.push('', command.name === 'cancel' ? 'Flags:' : 'Common flags:');
    for (const input of common) out.push(...flagLines(input, modules));
  }
  for (const module of shownModules(command.name, modules, given, mine)) {
    out.push('', ...moduleLines(module, mine, modules));
  }
  const options = command.name === 'cancel' ? command.options.slice(-1) : command.options;
  out.push('', 'Output:');
  for (const option of options) {
    const value = option.boolean ? '' : ' <path>';
    out.push(
      `  --${option.flag}${value}`,
      ...wrap(option.description, WIDTH - INDENT.length).map((line) => `${INDENT}${line}`),
    );
  }
  out.push('  --help', `${INDENT}Show this help.`, '', ...EXIT_STATUS_HELP);
  return `${out.join('\n')}\n`;
}

/** The modules whose section the help shows: those asked for, else every one with flags here. */
function shownModules(
  command: CommandName,
  modules: ModuleSet,
  given: Record<string, string>,
  inputs: readonly InputSpec[],
): AnyModule[] {
  const vendor = given.vendor?.trim().toLowerCase();
  const sinks = (given.reportTo ?? '')
    .split(/[,\s]+/)
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const sources = modules.sources.filter((module) => !vendor || module.name === vendor);
  const wantedSinks = modules.sinks.filter(
    (module) => sinks.length === 0 || sinks.includes(module.name),
  );
  // Asked for one vendor: its section and only the sinks also asked for.
  const shown: AnyModule[] = [
    ...(command === 'report' ? [] : sources.length > 0 ? sources : modules.sources),
    ...(vendor && sinks.length === 0 ? [] : wantedSinks),
  ];
  return shown.filter((module) =>
    inputs.some(
      (input) => input.group === module.name || module.commonInputNotes?.[input.name] !== undefined,
    ),
  );
}

function moduleLines(
  module: AnyModule,
  inputs: readonly InputSpec[],
  modules: ModuleSet,
): string[] {
  const how = module.kind === 'source' ? `--vendor ${module.name}` : `--report-to ${module.name}`;
  const lines = [`${module.displayName} (${how}):`];
  const required = module.requiredInputs ?? [];
  if (required.length > 0) {
    const named = required.map((entry) =>
      entry
        .split('|')
        .map((name) => `--${flagName(name)}`)
        .join(' or '),
    );
    const [first, ...rest] = wrap(`Required: ${named.join('; ')}.`, WIDTH - 2);
    lines.push(`  ${first}`, ...rest.map((line) => `${INDENT}${line}`));
  }
  // What the common flags mean for this module, one line each.
  for (const [name, note] of Object.entries(module.commonInputNotes ?? {})) {
    if (!inputs.some((input) => input.name === name)) continue;
    const [first, ...rest] = wrap(`--${flagName(name)}: ${note}`, WIDTH - 2);
    lines.push(`  ${first}`, ...rest.map((line) => `${INDENT}${line}`));
  }
  for (const input of inputs.filter((candidate) => candidate.group === module.name)) {
    lines.push(...flagLines(input, modules, isRequired(module, input.name)));
  }
  return lines;
}

function isRequired(module: AnyModule, name: string): boolean {
  return (module.requiredInputs ?? []).some((entry) => entry.split('|').includes(name));
}

function flagLines(input: InputSpec, modules: ModuleSet, required = false): string[] {
  const options =
    input.name === 'vendor' ? modules.sources.map((source) => source.name) : input.options;
  const value =
    input.type === 'boolean' ? ' [true|false]' : options ? ` <${options.join('|')}>` : ' <value>';
  const mark = required ? '  (required)' : '';
  const deflt = input.default ? ` Default: ${input.default}.` : '';
  const description = input.generalDescription ?? input.description;
  return [
    `  --${flagName(input.name)}${value}  ${envName(input.name)}${mark}`,
    ...wrap(`${description}${deflt}`, WIDTH - INDENT.length).map((line) => `${INDENT}${line}`),
  ];
}

/** Words into lines of at most `width` characters (a longer word stays whole). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}
