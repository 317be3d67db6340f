// The composition root: what every CI needs, once. Signals → cancel, the modules of the
// registry, the relay, and the end of the step the agent's way. An entrypoint is this call
// with its CI's agent.

import type { CiAgent } from '../core/agent.js';
import { useInputNaming } from '../core/input-names.js';
import type { Outcome } from '../core/outcome.js';
import { relay, type RelayCommand } from '../core/relay/index.js';
import { InputError, SettingsError } from '../core/settings.js';
import { errorMessage } from '../core/text.js';
import { INPUTS, MODULES } from '../vendors/registry.js';
import { cancelOnSignals } from './cancel-signal.js';

export async function runInCi(agent: CiAgent, command: RelayCommand = 'relay'): Promise<Outcome> {
  const signal = cancelOnSignals(agent.limits.cancelGraceMs, () => {
    agent.logger.error('Stopping took too long; exiting.');
    process.exit(1);
  });
  useInputNaming(agent.inputNaming ?? 'inputs');
  let outcome: Outcome;
  try {
    outcome = await relay({ agent, modules: MODULES, inputs: INPUTS, signal }, command);
  } catch (error) {
    outcome = failureOf(error);
  }
  agent.finish(outcome);
  return outcome;
}

/** What stopped the relay before it had an outcome of its own: bad inputs, mostly. */
function failureOf(error: unknown): Outcome {
  if (error instanceof SettingsError) {
    return {
      conclusion: 'failure',
      reason: `Invalid inputs:\n${error.message}`,
      inputProblems: error.problems,
      cause: 'input',
    };
  }
  if (error instanceof InputError) {
    return { conclusion: 'failure', reason: error.message, inputProblems: [error], cause: 'input' };
  }
  return { conclusion: 'failure', reason: errorMessage(error) };
}
