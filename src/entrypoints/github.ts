// GitHub Action entrypoint (dist/index.js): the runner passes inputs as INPUT_* variables.

import * as core from '@actions/core';
import { GitHubAgent } from '../ci/github.js';
import { relay } from '../core/relay.js';
import { SettingsError } from '../core/settings.js';
import { createSource } from '../vendors/index.js';
import { closeSharedRun, createSinks } from '../vendors/sinks.js';
import { cancelOnSignals } from './cancel-signal.js';

// GitHub gives a cancelled step a few seconds before it kills it.
const GRACE_MS = 4500;

async function main(): Promise<void> {
  const signal = cancelOnSignals(GRACE_MS, () => {
    core.error('Stopping took too long; exiting.');
    process.exit(1);
  });
  const agent = new GitHubAgent();
  try {
    const outcome = await relay({
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
    if (outcome.conclusion === 'failure') core.setFailed(outcome.reason);
    else if (outcome.conclusion === 'neutral') core.warning(outcome.reason);
    else core.info(outcome.reason);
  } catch (error) {
    if (error instanceof SettingsError) {
      core.setFailed(`Invalid inputs:\n${error.message}`);
    } else {
      core.setFailed(error instanceof Error ? error.message : String(error));
    }
  }
}

void main();
