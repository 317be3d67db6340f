// How a message names an input: the way the user gave it. A CI with inputs (GitHub, Azure,
// the GitLab component) says `failOnNoMatch: false`; the CLI says `--fail-on-no-match false`
// and its environment variable. Messages are written deep in vendor code that has no agent,
// and a process runs one agent: so the agent sets the naming once, at the start of the job.

import { envName, flagName } from './inputs.js';

export type InputNaming = 'inputs' | 'cli';

let naming: InputNaming = 'inputs';

/** Set by the composition root from its agent, before any setting is read. */
export function useInputNaming(next: InputNaming): void {
  naming = next;
}

/** The input as the user sets it: `apiKey`, or `--api-key (TESTRELAY_API_KEY)` on the CLI. */
export function inputRef(name: string): string {
  return naming === 'cli' ? `--${flagName(name)} (${envName(name)})` : name;
}

/**
 * The input set to a value: `failOnNoMatch: false`, or on the CLI
 * `--fail-on-no-match false (TESTRELAY_FAIL_ON_NO_MATCH=false)`.
 */
export function inputSetting(name: string, value: string): string {
  return naming === 'cli'
    ? `--${flagName(name)} ${value} (${envName(name)}=${value})`
    : `${name}: ${value}`;
}

/**
 * The input with a value in running text: `runId 1234`, or on the CLI
 * `--run-id 1234 (TESTRELAY_RUN_ID=1234)`; for ids and names, where `inputSetting` reads as
 * configuration.
 */
export function inputWithValue(name: string, value: string): string {
  return naming === 'cli' ? inputSetting(name, value) : `${name} ${value}`;
}
