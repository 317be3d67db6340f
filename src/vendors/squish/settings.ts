// Squish Test Center's settings: its own inputs read and normalized, and the common ones
// checked for what Test Center needs — every problem named by input, before any request.

import type { InputReader, Inputs } from '../../core/input-reader.js';
import type { CiContext, Settings } from '../../core/settings.js';
import {
  readMode,
  readWorkerSettings,
  type SquishMode,
  type WorkerSettings,
} from './worker-settings.js';

export interface SquishSettings {
  project?: string;
  planTitle?: string;
  /** Title of the new plan execution. */
  title: string;
  /** Batch that receives the results. */
  batch: string;
  username?: string;
  password?: string;
  /** Scheduled start, epoch ms. */
  scheduleTime?: number;
  linkedRepos: Array<{ id: number; branch: string }>;
  capabilities: Array<[string, string]>;
  automationToken?: string;
  /** `trigger`: start the plan and end (workers attach with runId); `worker`: run it here. */
  mode: SquishMode;
  /** Set with `mode: worker`: run the plan's executions instead of waiting for them. */
  worker?: WorkerSettings;
}

export function readSquishSettings(inputs: Inputs, common: Settings): SquishSettings {
  const { ci } = common;
  const runName = ci.workflow ? `${ci.workflow} #${ci.runNumber ?? ''}`.trim() : undefined;
  const stamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  // One batch per CI run, so results of different runs never merge into one batch.
  const batch =
    inputs.text('batch') ||
    [ci.branch, ci.runNumber ? `#${ci.runNumber}${attempt(ci)}` : undefined]
      .filter(Boolean)
      .join(' ') ||
    `testrelay-${stamp}`;
  const settings: SquishSettings = {
    project: inputs.optional('project'),
    planTitle: inputs.optional('planTitle'),
    title: inputs.text('title') || runName || `TestRelay ${stamp}`,
    batch,
    username: inputs.optional('username'),
    password: inputs.optional('password'),
    scheduleTime: undefined,
    linkedRepos: [],
    capabilities: inputs.pairs('capabilities'),
    automationToken: inputs.optional('automationToken'),
    mode: readMode(inputs),
  };
  settings.worker = readWorkerSettings(inputs, settings.mode);
  if (settings.username && !settings.password) inputs.problem('password', 'required with username');
  if (settings.password && !settings.username) inputs.problem('username', 'required with password');
  settings.scheduleTime = readScheduleTime(inputs);
  settings.linkedRepos = readLinkedRepos(inputs, ci);
  checkCommon(inputs, common, settings);
  return settings;
}

function checkCommon(inputs: Inputs, common: Settings, squish: SquishSettings): void {
  const { apiKey, planId, runId, baseUrl } = common;
  if (!baseUrl) {
    inputs.problem(
      'baseUrl',
      'required for vendor squish: your Test Center server, e.g. http://testcenter.example.com:8800',
    );
  }
  if (!apiKey && !(squish.username && squish.password)) {
    inputs.problem(
      'apiKey',
      'required for vendor squish: an access token, or set username and password instead',
    );
  }
  if (apiKey && (squish.username || squish.password)) {
    inputs.problem('username', 'set either apiKey (a token) or username and password, not both');
  }
  if (!planId && !squish.planTitle && !runId) {
    inputs.problem(
      'planId',
      'required for vendor squish: a template id, or project and planTitle (or runId to attach)',
    );
  }
  if (squish.mode === 'trigger' && runId) {
    inputs.problem('runId', 'not used with mode: trigger, which starts a new plan execution');
  }
  if (planId && squish.planTitle)
    inputs.problem('planTitle', 'set either planId or planTitle, not both');
  if (squish.planTitle && !squish.project)
    inputs.problem('project', 'required with planTitle, to look the template up');
  if (planId && !/^\d+$/.test(planId)) {
    inputs.problem('planId', `expected a numeric Test Center template id, got "${planId}"`);
  }
  if (runId && !/^\d+$/.test(runId)) {
    inputs.problem('runId', `expected a numeric Test Center plan execution id, got "${runId}"`);
  }
}

/** `now`, an ISO 8601 time, or epoch milliseconds. */
function readScheduleTime(inputs: Inputs): number | undefined {
  const value = inputs.text('scheduleTime');
  if (!value) return undefined;
  if (value.toLowerCase() === 'now') return Date.now();
  if (/^\d{12,}$/.test(value)) return Number(value);
  const parsed = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(parsed)) {
    inputs.problem(
      'scheduleTime',
      `expected now, an ISO 8601 time such as 2026-05-01T22:00:00Z, or epoch ms; got "${value}"`,
    );
    return undefined;
  }
  return parsed;
}

/** `<repository id>=<branch or commit>` lines; a bare id means the CI's own commit. */
function readLinkedRepos(inputs: Inputs, ci: CiContext): SquishSettings['linkedRepos'] {
  const repos: SquishSettings['linkedRepos'] = [];
  for (const line of inputs.lines('linkedRepos')) {
    const [idText, branchText] = line.includes('=') ? line.split(/=(.*)/s) : [line, ''];
    const id = idText.trim();
    const branch = branchText.trim() || ci.commit;
    if (!/^\d+$/.test(id)) {
      inputs.problem(
        'linkedRepos',
        `expected "<repository id>=<branch or commit>" lines, got "${line}"`,
      );
    } else if (!branch) {
      inputs.problem(
        'linkedRepos',
        `repository ${id} has no branch or commit, and the CI gave no commit to default to`,
      );
    } else {
      repos.push({ id: Number(id), branch });
    }
  }
  return repos;
}

/** ".2" for the second attempt of a CI run, so a re-run gets a batch of its own. */
function attempt(ci: CiContext): string {
  return ci.runAttempt && ci.runAttempt !== '1' ? `.${ci.runAttempt}` : '';
}

/** Basic auth sends user:password base64-encoded: that form is a secret too. */
export function basicAuthSecrets(read: InputReader): string[] {
  const username = (read('username') ?? '').trim();
  const password = (read('password') ?? '').trim();
  return username && password ? [basicCredentials(username, password)] : [];
}

export function basicCredentials(username: string, password: string): string {
  return Buffer.from(`${username}:${password}`).toString('base64');
}
