// Testsigma's settings: its own inputs read and normalized, and the common ones checked for
// what Testsigma needs — every problem named by input, before any request.

import { InputError, type Inputs } from '../../core/input-reader.js';
import type { CiContext, Settings } from '../../core/settings.js';
import type { ApiFlavor } from './wire.js';

export interface TestsigmaSettings {
  apiFlavor: ApiFlavor;
  runtimeData: Record<string, string>;
  buildNo?: string;
  environmentId?: number;
}

export function readTestsigmaSettings(inputs: Inputs, common: Settings): TestsigmaSettings {
  let runtimeData: Record<string, string> = {};
  try {
    runtimeData = readRuntimeData(inputs.text('runtimeData'));
  } catch (error) {
    inputs.problems.push(error as InputError);
  }
  const settings: TestsigmaSettings = {
    apiFlavor: inputs.oneOf('apiFlavor', ['cloud', 'self-hosted'] as const) ?? 'cloud',
    runtimeData: withCiRuntimeData(runtimeData, common.ci),
    buildNo: inputs.optional('buildNo') ?? common.ci.runNumber,
    environmentId: inputs.positiveInteger('environmentId'),
  };
  checkCommon(inputs, common, settings);
  return settings;
}

function checkCommon(inputs: Inputs, common: Settings, own: TestsigmaSettings): void {
  const { apiKey, planId, runId, baseUrl } = common;
  if (!apiKey) inputs.problem('apiKey', 'required for vendor testsigma; pass it from a secret');
  if (!planId && !runId) {
    inputs.problem(
      'planId',
      'required to start a testsigma run (or set runId to attach to an existing run)',
    );
  }
  if (planId && !/^\d+$/.test(planId)) {
    inputs.problem('planId', `expected a numeric testsigma test plan id, got "${planId}"`);
  }
  if (runId && !/^\d+$/.test(runId)) {
    inputs.problem('runId', `expected a numeric testsigma run id, got "${runId}"`);
  }
  if (own.apiFlavor === 'self-hosted' && !baseUrl) {
    inputs.problem(
      'baseUrl',
      'required with apiFlavor self-hosted, e.g. https://testsigma.example.com:9090/api/v1',
    );
  }
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
