// Spira's settings: its inputs read, normalized and checked, every problem named by input,
// before any request.

import * as fs from 'node:fs';
import type { Inputs } from '../../core/input-reader.js';
import type { CaseStatus } from '../../core/result.js';
import { GUID } from '../../core/text.js';

export interface SpiraMappingEntry {
  testCaseId: number;
  /** Record through the manual-run flow (shells → steps → PUT) instead of an automated run. */
  manual: boolean;
}

export interface SpiraMapping {
  /** `classname.name` (or a bare name) → test case. */
  entries: Map<string, SpiraMappingEntry>;
  /** Test case for tests that match no entry and carry no id of their own. */
  fallback?: SpiraMappingEntry;
}

export interface SpiraSettings {
  /** Instance URL without the service path, e.g. https://example.spiraservice.net (no trailing slash). */
  url: string;
  username?: string;
  /** API key with its curly braces (added when the input has none). */
  apiKey?: string;
  projectId?: number;
  releaseId?: number;
  testSetId?: number;
  mapping: SpiraMapping;
  /** Create a build of this name under the release first, and record the runs in it. */
  buildName?: string;
  /** ExecutionStatusId per test status. */
  statuses: Record<CaseStatus, number>;
}

export const DEFAULT_SPIRA_STATUSES: Readonly<Record<CaseStatus, number>> = {
  passed: 2,
  failed: 1,
  error: 5, // Blocked
  skipped: 3, // Not Run
};

export function readSpiraSettings(inputs: Inputs, active: boolean): SpiraSettings {
  const settings: SpiraSettings = {
    url: readSpiraUrl(inputs) ?? '',
    username: inputs.optional('spiraUsername'),
    apiKey: braced(inputs.optional('spiraApiKey')),
    projectId: readArtifactId(inputs, 'spiraProjectId', 'PR'),
    releaseId: readArtifactId(inputs, 'spiraReleaseId', 'RL'),
    testSetId: readArtifactId(inputs, 'spiraTestSetId', 'TX'),
    mapping: { entries: new Map() },
    buildName: inputs.optional('spiraBuildName'),
    statuses: { ...DEFAULT_SPIRA_STATUSES },
  };
  if (!active) return settings;
  settings.mapping = readSpiraMapping(inputs);
  settings.statuses = readSpiraStatuses(inputs);
  if (!settings.url) {
    inputs.problem(
      'spiraUrl',
      'required to report to spira: your instance, e.g. https://example.spiraservice.net',
    );
  }
  if (!settings.username) inputs.problem('spiraUsername', 'required to report to spira');
  if (!settings.apiKey) {
    inputs.problem(
      'spiraApiKey',
      "required to report to spira: the user's API key (RSS token) from a secret",
    );
  } else if (!GUID.test(settings.apiKey.slice(1, -1))) {
    inputs.problem(
      'spiraApiKey',
      'expected a Spira API key: a GUID such as {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX} (My Profile › RSS Token)',
    );
  }
  if (settings.projectId === undefined) {
    inputs.problem(
      'spiraProjectId',
      'required to report to spira: the product id, e.g. 24 or PR:24',
    );
  }
  if (settings.buildName && settings.releaseId === undefined) {
    inputs.problem('spiraBuildName', 'needs spiraReleaseId: Spira keeps builds under a release');
  }
  return settings;
}

/** Spira wants the key in curly braces; people often copy it without. */
function braced(key: string | undefined): string | undefined {
  if (!key) return undefined;
  return key.startsWith('{') ? key : `{${key}}`;
}

/** The instance URL; a pasted service URL (…/Services/v7_0/RestService.svc) is cut back to it. */
function readSpiraUrl(inputs: Inputs): string | undefined {
  const url = inputs.httpUrl('spiraUrl', { noQuery: true });
  return url?.replace(/\/Services\/v\d+_\d+\/RestService\.svc.*$/i, '');
}

/** A positive integer, or the same with Spira's UI prefix (`RL:5`, `TX:2`, `PR:24`). */
function readArtifactId(inputs: Inputs, name: string, prefix: string): number | undefined {
  const value = inputs.text(name);
  if (!value) return undefined;
  const match = new RegExp(`^(?:${prefix}:?)?\\s*([1-9]\\d*)$`, 'i').exec(value);
  if (!match) {
    inputs.problem(name, `expected a Spira id such as 5 or ${prefix}:5, got "${value}"`);
    return undefined;
  }
  return Number(match[1]);
}

/**
 * `spiraMapping`: a file, or the same lines inline. One `classname.name = <test case>` per
 * line (`#` starts a comment); the test case is `123` or `TC:123`, optionally followed by
 * `manual`; the key `default` names the test case for every other test.
 */
function readSpiraMapping(inputs: Inputs): SpiraMapping {
  const value = inputs.text('spiraMapping');
  const mapping: SpiraMapping = { entries: new Map() };
  if (!value) return mapping;
  let text = value;
  let where = 'spiraMapping';
  if (!value.includes('=')) {
    // No "=" at all: a path to the mapping file.
    try {
      text = fs.readFileSync(value, 'utf8');
      where = `spiraMapping file ${value}`;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      inputs.problem(
        'spiraMapping',
        code === 'ENOENT'
          ? `no such file: "${value}" (expected a mapping file, or "classname.name = 123" lines)`
          : `cannot read "${value}": ${(error as Error).message}`,
      );
      return mapping;
    }
  }
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    // Test names may hold "=", test case ids never: split at the last one.
    const eq = line.lastIndexOf('=');
    const key = eq > 0 ? line.slice(0, eq).trim() : '';
    const entry = eq > 0 ? parseMappingTarget(line.slice(eq + 1).trim()) : undefined;
    if (!key || !entry) {
      inputs.problem(
        'spiraMapping',
        `${where}, line ${index + 1}: expected "classname.name = 123" (or TC:123, optionally "manual"), got "${line}"`,
      );
      continue;
    }
    if (key.toLowerCase() === 'default') mapping.fallback = entry;
    else mapping.entries.set(key, entry);
  }
  return mapping;
}

function parseMappingTarget(value: string): SpiraMappingEntry | undefined {
  const match = /^(?:TC:?)?\s*([1-9]\d*)(?:\s+(manual|automated))?$/i.exec(value);
  if (!match) return undefined;
  return { testCaseId: Number(match[1]), manual: match[2]?.toLowerCase() === 'manual' };
}

/** `spiraStatuses`: `skipped=4, error=1` (comma- or line-separated), over the defaults. */
function readSpiraStatuses(inputs: Inputs): Record<CaseStatus, number> {
  const statuses = { ...DEFAULT_SPIRA_STATUSES };
  const value = inputs.text('spiraStatuses');
  for (const item of value
    .split(/[,\n]/)
    .map((part) => part.trim())
    .filter(Boolean)) {
    const match = /^(passed|failed|error|skipped)\s*=\s*([1-6])$/i.exec(item);
    if (!match) {
      inputs.problem(
        'spiraStatuses',
        `expected status=id pairs such as "skipped=4, error=1" (statuses passed, failed, error, skipped; ids 1 Failed, 2 Passed, 3 Not Run, 4 N/A, 5 Blocked, 6 Caution), got "${item}"`,
      );
      continue;
    }
    statuses[match[1].toLowerCase() as CaseStatus] = Number(match[2]);
  }
  return statuses;
}
