// The one settings reader for every CI: each input is read, validated and normalized
// here (common inputs) and in settings-vendors.ts (each platform's own), and every error
// names the input and the form it expects — before any request.

import { INPUTS } from './inputs.js';
import { type InputReader, Inputs, SettingsError } from './input-reader.js';
import {
  readSofySettings,
  readSquishSettings,
  readTestsigmaSettings,
  type SofySettings,
  type SquishSettings,
  type TestsigmaSettings,
  VENDOR_DEFAULT_TIMEOUT,
} from './settings-vendors.js';
import {
  readReportTo,
  readSpiraSettings,
  readTestomatioSettings,
  type SpiraSettings,
  type TestomatioSettings,
} from './settings-sinks.js';
import type { SinkName } from './sink.js';

export { InputError, type InputReader, SettingsError } from './input-reader.js';
export type { SofySettings, SquishSettings, TestsigmaSettings } from './settings-vendors.js';
export type {
  SpiraMapping,
  SpiraMappingEntry,
  SpiraSettings,
  TestomatioSettings,
} from './settings-sinks.js';
export { readRuntimeData } from './settings-vendors.js';

export const VENDORS = ['testsigma', 'sofy', 'squish'] as const;
export type VendorName = (typeof VENDORS)[number];

/** What the CI tells us about the job, for defaults and links back from the vendor run. */
export interface CiContext {
  /** 'github', 'azure', 'gitlab' or 'cli'. */
  ci: string;
  repository?: string;
  commit?: string;
  ref?: string;
  /** Branch name, when the job runs on one. */
  branch?: string;
  runNumber?: string;
  /** Re-runs of the same CI run count up from 1 (GitHub's "Re-run jobs"). */
  runAttempt?: string;
  runUrl?: string;
  workflow?: string;
}

export interface Settings {
  /**
   * 'vendor': trigger or attach to a vendor run; 'files': relay existing JUnit files;
   * 'close': nothing to relay, only close the shared Testomat.io run testomatioRunId.
   */
  mode: 'vendor' | 'files' | 'close';
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
  sofy: SofySettings;
  squish: SquishSettings;
  /** Systems that receive the results after the run (or the files), in the order given. */
  reportTo: SinkName[];
  /** Fail when a sink matched none of the tests. */
  failOnNoMatch: boolean;
  testomatio: TestomatioSettings;
  spira: SpiraSettings;
  ci: CiContext;
}

const MIN_POLL_MS = 1000;
const MAX_TIMEOUT_MS = 72 * 3_600_000;

export function readSettings(read: InputReader, ci: CiContext): Settings {
  const inputs = new Inputs(read);

  const vendor = inputs.oneOf('vendor', VENDORS);
  const junitFiles = inputs.lines('junitFiles');
  const reportTo = readReportTo(inputs);
  const mode = readMode(inputs, junitFiles, reportTo);
  if (vendor && junitFiles.length > 0) {
    inputs.problem(
      'junitFiles',
      `not used with vendor ${vendor}: the results come from the vendor run`,
    );
  }

  // Sofy's device queue alone can take up to two hours: each vendor has its own default.
  const timeoutMs = inputs.duration(
    'timeout',
    1000,
    MAX_TIMEOUT_MS,
    'a duration between 1s and 72h such as 30m, 90s or 1h30m',
    {
      fallback: vendor ? VENDOR_DEFAULT_TIMEOUT[vendor] : '30m',
    },
  );

  let pollInterval: Settings['pollInterval'] = 'auto';
  if (inputs.text('pollInterval').toLowerCase() !== 'auto') {
    pollInterval =
      inputs.duration(
        'pollInterval',
        MIN_POLL_MS,
        MAX_TIMEOUT_MS,
        'auto or a duration of at least 1s such as 30s',
      ) ?? 'auto';
  }

  const maxAnnotationsText = inputs.text('maxAnnotations');
  const maxAnnotations = Number(maxAnnotationsText);
  if (!/^\d+$/.test(maxAnnotationsText) || maxAnnotations > 1000) {
    inputs.problem(
      'maxAnnotations',
      `expected a whole number from 0 to 1000, got "${maxAnnotationsText}"`,
    );
  }

  const settings: Settings = {
    mode,
    vendor,
    baseUrl: readBaseUrl(inputs),
    apiKey: inputs.optional('apiKey'),
    planId: inputs.optional('planId'),
    runId: inputs.optional('runId'),
    junitFiles,
    timeoutMs: timeoutMs ?? 0,
    pollInterval,
    onTimeout: inputs.oneOf('onTimeout', ['fail', 'neutral'] as const) ?? 'fail',
    cancelOnTimeout: inputs.bool('cancelOnTimeout'),
    failOnTestFailure: inputs.bool('failOnTestFailure'),
    failOnEmpty: inputs.bool('failOnEmpty'),
    junitPath: inputs.text('junitPath'),
    summary: inputs.bool('summary'),
    maxAnnotations: Number.isFinite(maxAnnotations) ? maxAnnotations : 10,
    artifactName: readArtifactName(inputs),
    caCertPath: inputs.optional('caCertPath'),
    dryRun: inputs.bool('dryRun'),
    testsigma: readTestsigmaSettings(inputs, ci, vendor === 'testsigma'),
    sofy: readSofySettings(inputs, vendor === 'sofy'),
    squish: readSquishSettings(inputs, ci, vendor === 'squish'),
    reportTo,
    failOnNoMatch: inputs.bool('failOnNoMatch'),
    testomatio: readTestomatioSettings(inputs, reportTo.includes('testomatio')),
    spira: readSpiraSettings(inputs, reportTo.includes('spira') && mode !== 'close'),
    ci,
  };

  checkClose(settings, inputs);
  if (vendor === 'testsigma') checkTestsigma(settings, inputs);
  if (vendor === 'sofy') checkSofy(settings, inputs);
  if (vendor === 'squish') checkSquish(settings, inputs);

  if (inputs.problems.length > 0) throw new SettingsError(inputs.problems);
  return settings;
}

function readMode(inputs: Inputs, junitFiles: string[], reportTo: SinkName[]): Settings['mode'] {
  if (inputs.text('vendor') !== '') return 'vendor';
  if (junitFiles.length > 0) return 'files';
  // The last job of a sharded pipeline: the parts reported into one Testomat.io run; this closes it.
  if (reportTo.includes('testomatio') && inputs.text('testomatioRunId') !== '') return 'close';
  inputs.problem(
    'vendor',
    `set a vendor (${VENDORS.join(', ')}) to run a test plan, or junitFiles (a glob of JUnit files) to relay existing results` +
      ' (or, to close a shared Testomat.io run, reportTo testomatio with testomatioRunId)',
  );
  return 'files';
}

/** What only the closing job of a shared Testomat.io run takes, and what it cannot take. */
function checkClose(settings: Settings, inputs: Inputs): void {
  if (settings.mode === 'close') {
    const others = settings.reportTo.filter((name) => name !== 'testomatio');
    if (others.length > 0) {
      inputs.problem(
        'reportTo',
        `with no vendor and no junitFiles this job only closes Testomat.io run ${settings.testomatio.runId}; ` +
          `${others.join(', ')} has nothing to receive: use reportTo: testomatio`,
      );
    }
  } else if (settings.testomatio.closeStatus !== 'finish') {
    inputs.problem(
      'testomatioRunStatus',
      'only for the job that closes a shared Testomat.io run (reportTo testomatio with testomatioRunId, no vendor, no junitFiles); ' +
        'a job that reports results closes its run with pass or fail from its own verdict',
    );
  }
}

function checkTestsigma(settings: Settings, inputs: Inputs): void {
  const { apiKey, planId, runId, baseUrl } = settings;
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
  if (settings.testsigma.apiFlavor === 'self-hosted' && !baseUrl) {
    inputs.problem(
      'baseUrl',
      'required with apiFlavor self-hosted, e.g. https://testsigma.example.com:9090/api/v1',
    );
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function checkSofy(settings: Settings, inputs: Inputs): void {
  const { apiKey, planId, runId } = settings;
  if (!apiKey) inputs.problem('apiKey', 'required for vendor sofy; pass it from a secret');
  // Sofy answers a malformed key with a bare 500; say it plainly instead (and never echo the key).
  else if (!GUID.test(apiKey)) {
    inputs.problem(
      'apiKey',
      'expected a Sofy API key, which is a GUID (Account › Account Settings › API Key)',
    );
  }
  if (!planId) {
    inputs.problem(
      'planId',
      'required for vendor sofy: the scheduled run id (a GUID, or a number for the legacy API), also to attach with runId',
    );
  } else if (!GUID.test(planId) && !/^\d+$/.test(planId)) {
    inputs.problem(
      'planId',
      `expected a Sofy schedule id: a GUID, or a number for the legacy API; got "${planId}"`,
    );
  } else if (settings.sofy.apiGeneration === 'current' && !GUID.test(planId)) {
    inputs.problem('planId', `apiFlavor current needs a schedule GUID, got "${planId}"`);
  } else if (settings.sofy.apiGeneration === 'legacy' && !/^\d+$/.test(planId)) {
    inputs.problem('planId', `apiFlavor legacy needs a numeric ScheduledID, got "${planId}"`);
  }
  if (runId && !/^\d+$/.test(runId)) {
    inputs.problem('runId', `expected a numeric Sofy test run group id, got "${runId}"`);
  }
}

function checkSquish(settings: Settings, inputs: Inputs): void {
  const { apiKey, planId, runId, baseUrl, squish } = settings;
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

function readBaseUrl(inputs: Inputs): string | undefined {
  const value = inputs.text('baseUrl');
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    inputs.problem(
      'baseUrl',
      `expected an http(s) URL such as https://api.example.com, got "${value}"`,
    );
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    inputs.problem('baseUrl', `expected an http(s) URL, got protocol "${url.protocol}"`);
    return undefined;
  }
  if (url.username || url.password) {
    inputs.problem('baseUrl', 'must not contain credentials; use apiKey');
    return undefined;
  }
  return value.replace(/\/+$/, '');
}

function readArtifactName(inputs: Inputs): string | undefined {
  const value = inputs.text('artifactName');
  if (!value) return undefined;
  // The characters actions/upload-artifact refuses in artifact names.
  if (/["':<>|*?\\/\r\n]/.test(value)) {
    inputs.problem('artifactName', `must not contain " : < > | * ? \\ / or quotes, got "${value}"`);
  }
  return value;
}

/** Inputs that hold credentials, to be masked by the CI before anything is logged. */
export function secretValues(read: InputReader): string[] {
  const values = INPUTS.filter((input) => input.secret)
    .map((input) => (read(input.name) ?? '').trim())
    .filter((value) => value !== '');
  // Basic auth sends user:password base64-encoded: that form is a secret too.
  const username = (read('username') ?? '').trim();
  const password = (read('password') ?? '').trim();
  if (username && password) values.push(Buffer.from(`${username}:${password}`).toString('base64'));
  // A build URL may be signed (?X-Amz-Signature=…, ?sig=…): its query values are secrets.
  const appPath = (read('appPath') ?? '').trim();
  if (/^https?:\/\//i.test(appPath)) {
    try {
      for (const value of new URL(appPath).searchParams.values())
        if (value.length >= 8) values.push(value);
    } catch {
      // not a URL after all: nothing to mask
    }
  }
  return values;
}
