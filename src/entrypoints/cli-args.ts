// Flags for the CLI: every input as a kebab-case flag (apiKey → --api-key), plus a few
// CLI-only options. Kept apart from the entrypoint so it can be unit-tested.

import { flagName } from '../core/inputs.js';
import { INPUTS } from '../vendors/registry.js';

export interface ParsedArgs {
  /** Input values by camelCase input name. */
  inputs: Record<string, string>;
  /** CLI-only options by flag name. */
  options: Record<string, string>;
  help: boolean;
}

export interface CliOption {
  flag: string;
  description: string;
  boolean?: boolean;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const BOOLEAN_INPUTS = new Set(INPUTS.filter((i) => i.type === 'boolean').map((i) => i.name));
// Inputs that may hold several lines; a repeated flag adds a line.
const MULTI_LINE_INPUTS = new Set(INPUTS.filter((i) => i.type === 'multiline').map((i) => i.name));

export function parseArgs(
  argv: string[],
  allowedInputs: string[],
  cliOptions: CliOption[],
): ParsedArgs {
  const byFlag = new Map(allowedInputs.map((name) => [flagName(name), name]));
  const optionByFlag = new Map(cliOptions.map((o) => [o.flag, o]));
  const parsed: ParsedArgs = { inputs: {}, options: {}, help: false };

  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === '--help' || token === '-h') {
      parsed.help = true;
      continue;
    }
    if (!token.startsWith('--'))
      throw new UsageError(`unexpected argument "${token}"; flags look like --plan-id 123`);
    const split = splitFlag(token, (name) => byFlag.has(name) || optionByFlag.has(name));
    const { flag, negated } = split;
    let value = split.value;

    const input = byFlag.get(flag);
    const option = optionByFlag.get(flag);
    if (!input && !option)
      throw new UsageError(
        `unknown flag --${flag}${suggest(flag, [...byFlag.keys(), ...optionByFlag.keys()])}`,
      );
    const isBoolean = input ? BOOLEAN_INPUTS.has(input) : !!option?.boolean;

    if (negated) {
      if (!isBoolean) throw new UsageError(`--no-${flag}: --${flag} is not a true/false flag`);
      value = 'false';
    } else if (value === undefined) {
      const next = argv[i + 1];
      if (isBoolean) {
        // `--dry-run` alone means true; `--dry-run false` is accepted too.
        if (next !== undefined && /^(true|false|yes|no|on|off|1|0)$/i.test(next)) value = argv[++i];
        else value = 'true';
      } else {
        if (next === undefined || next.startsWith('--'))
          throw new UsageError(`--${flag} needs a value`);
        value = argv[++i];
      }
    }

    if (input) {
      const previous = parsed.inputs[input];
      parsed.inputs[input] =
        previous !== undefined && MULTI_LINE_INPUTS.has(input) ? `${previous}\n${value}` : value;
    } else {
      parsed.options[flag] = value;
    }
  }
  return parsed;
}

/** "--plan-id=1" → plan-id and 1; "--no-dry-run" → dry-run, negated (unless a flag is named so). */
function splitFlag(
  token: string,
  known: (flag: string) => boolean,
): { flag: string; value: string | undefined; negated: boolean } {
  const eq = token.indexOf('=');
  const flag = token.slice(2, eq === -1 ? undefined : eq);
  const value = eq === -1 ? undefined : token.slice(eq + 1);
  if (value === undefined && flag.startsWith('no-') && !known(flag)) {
    return { flag: flag.slice(3), value, negated: true };
  }
  return { flag, value, negated: false };
}

function suggest(flag: string, known: string[]): string {
  const close = known.find(
    (k) =>
      k.includes(flag) ||
      flag.includes(k) ||
      k.replace(/-/g, '') === flag.replace(/-/g, '').toLowerCase(),
  );
  return close ? ` (did you mean --${close}?)` : '';
}
