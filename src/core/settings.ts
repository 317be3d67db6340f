// The one settings reader for every CI: each input is read, validated and normalized
// here, and every error names the input and the form it expects — before any request.

import { parseDuration } from './duration.js';
import { INPUTS, inputSpec } from './inputs.js';

export const VENDORS = ['testsigma'] as const;
export type VendorName = (typeof VENDORS)[number];

/** What the CI tells us about the job, for defaults and links back from the vendor run. */
export interface CiContext {
  /** 'github', 'azure', 'gitlab' or 'cli'. */
  ci: string;
  repository?: string;
  commit?: string;
  ref?: string;
  runNumber?: string;
  runUrl?: string;
  workflow?: string;
}

export interface TestsigmaSettings {
  apiFlavor: 'cloud' | 'self-hosted';
  runtimeData: Record<string, string>;
  buildNo?: string;
  environmentId?: number;
}

export interface Settings {
  /** 'vendor': trigger or attach to a vendor run; 'files': relay existing JUnit files. */
  mode: 'vendor' | 'files';
  vendor?: VendorName;
  baseUrl?: string;
  apiKey?: string;
  planId?: string;
  runId?: string;
  junitFiles: string[];
  timeoutMs: number;
  /** 'auto' or a fixed interval in ms. */
  pollInterval: 'auto' | number;
  onTimeout: 'fail' | 'neutral';
  cancelOnTimeout: boolean;
  failOnTestFailure: boolean;
  failOnEmpty: boolean;
  junitPath: string;
  summary: boolean;
  maxAnnotations: number;
  artifactName?: string;
  caCertPath?: string;
  dryRun: boolean;
  testsigma: TestsigmaSettings;
  ci: CiContext;
}

/** Returns the raw text of an input, or '' when unset. */
export type InputReader = (name: string) => string;

export class InputError extends Error {
  constructor(
    readonly input: string,
    message: string,
  ) {
    super(message);
    this.name = 'InputError';
  }
}

/** Collects every problem so a user fixes all inputs in one go, not one per run. */
class Problems {
  readonly list: InputError[] = [];
  add(input: string, message: string): void {
    this.list.push(new InputError(input, `${input}: ${message}`));
  }
}

export class SettingsError extends Error {
  constructor(readonly problems: InputError[]) {
    super(problems.map((p) => p.message).join('\n'));
    this.name = 'SettingsError';
  }
}

const MIN_POLL_MS = 1000;
const MAX_TIMEOUT_MS = 72 * 3_600_000;

export function readSettings(read: InputReader, ci: CiContext): Settings {
  const problems = new Problems();
  const text = (name: string): string => {
    const value = (read(name) ?? '').trim();
    return value === '' ? inputSpec(name).default : value;
  };

  const bool = (name: string): boolean => {
    const value = text(name).toLowerCase();
    if (['true', 'yes', '1', 'on'].includes(value)) return true;
    if (['false', 'no', '0', 'off'].includes(value)) return false;
    problems.add(name, `expected true or false, got "${value}"`);
    return false;
  };

  const oneOf = <T extends string>(name: string, allowed: readonly T[]): T | undefined => {
    const value = text(name);
    if (value === '') return undefined;
    const normalized = value.toLowerCase();
    const match = allowed.find((a) => a === normalized);
    if (!match) problems.add(name, `expected one of ${allowed.join(', ')}, got "${value}"`);
    return match;
  };

  const vendor = oneOf('vendor', VENDORS);
  const junitFiles = text('junitFiles')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const mode: Settings['mode'] = vendor || text('vendor') !== '' ? 'vendor' : 'files';
  if (mode === 'files' && junitFiles.length === 0) {
    problems.add(
      'vendor',
      'set a vendor (testsigma) to run a test plan, or junitFiles (a glob of JUnit files) to relay existing results',
    );
  }
  if (vendor && junitFiles.length > 0) {
    problems.add(
      'junitFiles',
      `not used with vendor ${vendor}: the results come from the vendor run`,
    );
  }

  const apiFlavor = oneOf('apiFlavor', ['cloud', 'self-hosted'] as const) ?? 'cloud';
  const baseUrl = readBaseUrl(text('baseUrl'), problems);
  if (vendor === 'testsigma' && apiFlavor === 'self-hosted' && !baseUrl) {
    problems.add(
      'baseUrl',
      'required with apiFlavor self-hosted, e.g. https://testsigma.example.com:9090/api/v1',
    );
  }

  const apiKey = text('apiKey') || undefined;
  const planId = text('planId') || undefined;
  const runId = text('runId') || undefined;
  if (vendor) {
    if (!apiKey) problems.add('apiKey', `required for vendor ${vendor}; pass it from a secret`);
    if (!planId && !runId) {
      problems.add(
        'planId',
        `required to start a ${vendor} run (or set runId to attach to an existing run)`,
      );
    }
    if (planId && !/^\d+$/.test(planId)) {
      problems.add('planId', `expected a numeric ${vendor} test plan id, got "${planId}"`);
    }
    if (runId && !/^\d+$/.test(runId)) {
      problems.add('runId', `expected a numeric ${vendor} run id, got "${runId}"`);
    }
  }

  const timeoutText = text('timeout');
  let timeoutMs = parseDuration(timeoutText) ?? 0;
  if (!timeoutMs || timeoutMs < 1000 || timeoutMs > MAX_TIMEOUT_MS) {
    problems.add(
      'timeout',
      `expected a duration between 1s and 72h such as 30m, 90s or 1h30m, got "${timeoutText}"`,
    );
    timeoutMs = 0;
  }

  const pollText = text('pollInterval');
  let pollInterval: Settings['pollInterval'] = 'auto';
  if (pollText.toLowerCase() !== 'auto') {
    const ms = parseDuration(pollText);
    if (ms === undefined || ms < MIN_POLL_MS) {
      problems.add(
        'pollInterval',
        `expected auto or a duration of at least 1s such as 30s, got "${pollText}"`,
      );
    } else {
      pollInterval = ms;
    }
  }

  const maxAnnotationsText = text('maxAnnotations');
  const maxAnnotations = Number(maxAnnotationsText);
  if (!/^\d+$/.test(maxAnnotationsText) || maxAnnotations > 1000) {
    problems.add(
      'maxAnnotations',
      `expected a whole number from 0 to 1000, got "${maxAnnotationsText}"`,
    );
  }

  const environmentIdText = text('environmentId');
  if (environmentIdText && !/^[1-9]\d*$/.test(environmentIdText)) {
    problems.add('environmentId', `expected a positive integer, got "${environmentIdText}"`);
  }

  const junitPath = text('junitPath');
  if (/[\0]/.test(junitPath)) problems.add('junitPath', 'expected a file path');

  const settings: Settings = {
    mode,
    vendor,
    baseUrl,
    apiKey,
    planId,
    runId,
    junitFiles,
    timeoutMs,
    pollInterval,
    onTimeout: oneOf('onTimeout', ['fail', 'neutral'] as const) ?? 'fail',
    cancelOnTimeout: bool('cancelOnTimeout'),
    failOnTestFailure: bool('failOnTestFailure'),
    failOnEmpty: bool('failOnEmpty'),
    junitPath,
    summary: bool('summary'),
    maxAnnotations: Number.isFinite(maxAnnotations) ? maxAnnotations : 10,
    artifactName: readArtifactName(text('artifactName'), problems),
    caCertPath: text('caCertPath') || undefined,
    dryRun: bool('dryRun'),
    testsigma: {
      apiFlavor,
      runtimeData: withCiRuntimeData(readRuntimeData(text('runtimeData'), problems), ci),
      buildNo: text('buildNo') || ci.runNumber || undefined,
      environmentId: environmentIdText ? Number(environmentIdText) : undefined,
    },
    ci,
  };

  if (problems.list.length > 0) throw new SettingsError(problems.list);
  return settings;
}

function readBaseUrl(value: string, problems: Problems): string | undefined {
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.add(
      'baseUrl',
      `expected an http(s) URL such as https://app.testsigma.com/api/v1, got "${value}"`,
    );
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    problems.add('baseUrl', `expected an http(s) URL, got protocol "${url.protocol}"`);
    return undefined;
  }
  if (url.username || url.password) {
    problems.add('baseUrl', 'must not contain credentials; use apiKey');
    return undefined;
  }
  return value.replace(/\/+$/, '');
}

function readArtifactName(value: string, problems: Problems): string | undefined {
  if (!value) return undefined;
  // The characters actions/upload-artifact refuses in artifact names.
  if (/["':<>|*?\\/\r\n]/.test(value)) {
    problems.add('artifactName', `must not contain " : < > | * ? \\ / or quotes, got "${value}"`);
  }
  return value;
}

/** key=value lines, or a JSON object of strings. */
export function readRuntimeData(value: string, problems?: Problems): Record<string, string> {
  const fail = (message: string): Record<string, string> => {
    if (problems) problems.add('runtimeData', message);
    else throw new InputError('runtimeData', `runtimeData: ${message}`);
    return {};
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
      if (typeof item === 'object' && item !== null) {
        return fail(`expected string values, but "${key}" holds an object`);
      }
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
    if (eq <= 0) return fail(`expected key=value lines, got "${line}"`);
    data[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return data;
}

/** Links back from the vendor run to the CI run, unless the user chose those keys. */
function withCiRuntimeData(data: Record<string, string>, ci: CiContext): Record<string, string> {
  const extra: Record<string, string> = {};
  if (ci.runUrl) extra.ciRunUrl = ci.runUrl;
  if (ci.commit) extra.ciCommit = ci.commit;
  return { ...extra, ...data };
}

/** Inputs that hold credentials, to be masked by the CI before anything is logged. */
export function secretValues(read: InputReader): string[] {
  return INPUTS.filter((input) => input.secret)
    .map((input) => (read(input.name) ?? '').trim())
    .filter((value) => value !== '');
}
