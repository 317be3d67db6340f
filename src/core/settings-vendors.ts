// Each platform's own inputs, read and normalized for the one settings reader
// (settings.ts). Input names are TestRelay's contract; the vendor's URLs, payloads and
// enums stay in src/vendors/<name>/.

import * as fs from 'node:fs';
import type { Inputs } from './input-reader.js';
import { InputError } from './input-reader.js';
import type { CiContext } from './settings.js';

export const VENDOR_DEFAULT_TIMEOUT = {
  testsigma: '30m',
  // Sofy may wait up to 2 hours for a backup device before a run even starts.
  sofy: '2h30m',
  squish: '1h',
} as const;

export interface TestsigmaSettings {
  apiFlavor: 'cloud' | 'self-hosted';
  runtimeData: Record<string, string>;
  buildNo?: string;
  environmentId?: number;
}

export interface SofySettings {
  /** 'current' (public.sofy.ai, schedule GUID) or 'legacy' (api.sofy.ai, numeric ScheduledID). */
  apiGeneration: 'current' | 'legacy';
  appHash?: string;
  /** A local .apk/.ipa, or an http(s) URL downloaded first; uploaded before the trigger. */
  appPath?: string;
}

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
}

export function readTestsigmaSettings(
  inputs: Inputs,
  ci: CiContext,
  active: boolean,
): TestsigmaSettings {
  const flavor = active ? inputs.oneOf('apiFlavor', ['cloud', 'self-hosted'] as const) : undefined;
  let runtimeData: Record<string, string> = {};
  try {
    runtimeData = readRuntimeData(inputs.text('runtimeData'));
  } catch (error) {
    inputs.problems.push(error as InputError);
  }
  return {
    apiFlavor: flavor ?? 'cloud',
    runtimeData: withCiRuntimeData(runtimeData, ci),
    buildNo: inputs.optional('buildNo') ?? ci.runNumber,
    environmentId: inputs.positiveInteger('environmentId'),
  };
}

export function readSofySettings(inputs: Inputs, active: boolean): SofySettings {
  const explicit = active ? inputs.oneOf('apiFlavor', ['current', 'legacy'] as const) : undefined;
  // By the form of the schedule id unless told: a GUID is the current API, a number the legacy one.
  const planId = inputs.text('planId');
  const apiGeneration = explicit ?? (/^\d+$/.test(planId) ? 'legacy' : 'current');
  const appHash = inputs.optional('appHash');
  const appPath = inputs.optional('appPath');
  if (active && appHash && appPath) {
    inputs.problem(
      'appPath',
      'set either appPath (upload this build first) or appHash (an uploaded build), not both',
    );
  }
  if (active && appPath) checkAppPath(inputs, appPath);
  return { apiGeneration, appHash, appPath };
}

function checkAppPath(inputs: Inputs, appPath: string): void {
  if (/^https?:\/\//i.test(appPath)) return;
  if (!/\.(apk|ipa)$/i.test(appPath)) {
    inputs.problem(
      'appPath',
      `expected an .apk or .ipa file (Sofy accepts no other kind), got "${appPath}"`,
    );
  } else if (!fs.existsSync(appPath) || !fs.statSync(appPath).isFile()) {
    inputs.problem('appPath', `no such file: "${appPath}"`);
  }
}

export function readSquishSettings(inputs: Inputs, ci: CiContext, active: boolean): SquishSettings {
  const runName = ci.workflow ? `${ci.workflow} #${ci.runNumber ?? ''}`.trim() : undefined;
  const stamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const title = inputs.text('title') || runName || `TestRelay ${stamp}`;
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
    title,
    batch,
    username: inputs.optional('username'),
    password: inputs.optional('password'),
    scheduleTime: undefined,
    linkedRepos: [],
    capabilities: active ? inputs.pairs('capabilities') : [],
    automationToken: inputs.optional('automationToken'),
  };
  if (!active) return settings;
  if (settings.username && !settings.password) inputs.problem('password', 'required with username');
  if (settings.password && !settings.username) inputs.problem('username', 'required with password');
  settings.scheduleTime = readScheduleTime(inputs);
  settings.linkedRepos = readLinkedRepos(inputs, ci);
  return settings;
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

/** key=value lines, or a JSON object of strings. */
export function readRuntimeData(value: string): Record<string, string> {
  const fail = (message: string): never => {
    throw new InputError('runtimeData', `runtimeData: ${message}`);
  };
  if (!value) return {};
  if (value.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch (error) {
      return fail(
        `expected a JSON object of strings, but it is not valid JSON (${(error as Error).message})`,
      );
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return fail('expected a JSON object such as {"url": "https://staging.example.com"}');
    }
    const data: Record<string, string> = {};
    for (const [key, item] of Object.entries(parsed)) {
      if (typeof item === 'object' && item !== null)
        fail(`expected string values, but "${key}" holds an object`);
      data[key] = String(item);
    }
    return data;
  }
  const data: Record<string, string> = {};
  // One pair per line: values (URLs, lists) may hold commas.
  for (const raw of value.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) fail(`expected key=value lines, got "${line}"`);
    data[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return data;
}

/** Links back from the Testsigma run to the CI run, unless the user chose those keys. */
function withCiRuntimeData(data: Record<string, string>, ci: CiContext): Record<string, string> {
  const extra: Record<string, string> = {};
  if (ci.runUrl) extra.ciRunUrl = ci.runUrl;
  if (ci.commit) extra.ciCommit = ci.commit;
  return { ...extra, ...data };
}

/** ".2" for the second attempt of a CI run, so a re-run gets a batch of its own. */
function attempt(ci: CiContext): string {
  return ci.runAttempt && ci.runAttempt !== '1' ? `.${ci.runAttempt}` : '';
}
