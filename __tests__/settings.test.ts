import { INPUTS } from '../src/core/inputs.js';
import {
  type CiContext,
  readRuntimeData,
  readSettings,
  SettingsError,
} from '../src/core/settings.js';

const ci: CiContext = {
  ci: 'github',
  runNumber: '42',
  runUrl: 'https://github.com/acme/shop/actions/runs/9',
  commit: 'abc123',
};

function settingsFrom(inputs: Record<string, string>) {
  return readSettings((name) => inputs[name] ?? '', ci);
}

function problemsOf(inputs: Record<string, string>): string[] {
  try {
    settingsFrom(inputs);
  } catch (error) {
    if (error instanceof SettingsError) return error.problems.map((p) => p.message);
    throw error;
  }
  throw new Error('expected a SettingsError');
}

const testsigma = { vendor: 'testsigma', apiKey: 'k-123456', planId: '2090' };

describe('readSettings', () => {
  it('applies the documented defaults', () => {
    const s = settingsFrom(testsigma);
    expect(s).toMatchObject({
      mode: 'vendor',
      vendor: 'testsigma',
      timeoutMs: 30 * 60_000,
      pollInterval: 'auto',
      onTimeout: 'fail',
      cancelOnTimeout: false,
      failOnTestFailure: true,
      failOnEmpty: true,
      junitPath: 'testrelay-results/junit.xml',
      summary: true,
      maxAnnotations: 10,
      dryRun: false,
    });
    expect(s.testsigma).toEqual({
      apiFlavor: 'cloud',
      buildNo: '42',
      environmentId: undefined,
      runtimeData: { ciRunUrl: ci.runUrl, ciCommit: 'abc123' },
    });
  });

  it('normalizes case, booleans, durations and trims', () => {
    const s = settingsFrom({
      ...testsigma,
      vendor: ' TestSigma ',
      timeout: '1h30m',
      pollInterval: '15s',
      onTimeout: 'NEUTRAL',
      cancelOnTimeout: 'yes',
      failOnEmpty: 'off',
      environmentId: '10',
      buildNo: '20240529.1',
      baseUrl: 'https://ts.example.com:9090/api/v1/',
      apiFlavor: 'self-hosted',
    });
    expect(s.vendor).toBe('testsigma');
    expect(s.timeoutMs).toBe(90 * 60_000);
    expect(s.pollInterval).toBe(15_000);
    expect(s.onTimeout).toBe('neutral');
    expect(s.cancelOnTimeout).toBe(true);
    expect(s.failOnEmpty).toBe(false);
    expect(s.baseUrl).toBe('https://ts.example.com:9090/api/v1');
    expect(s.testsigma).toMatchObject({
      apiFlavor: 'self-hosted',
      environmentId: 10,
      buildNo: '20240529.1',
    });
  });

  it('names every bad input and the expected form, all at once', () => {
    const problems = problemsOf({
      vendor: 'testsigma',
      planId: 'plan-7',
      timeout: '30',
      pollInterval: '200ms',
      onTimeout: 'ignore',
      failOnTestFailure: 'maybe',
      maxAnnotations: '-1',
      environmentId: 'staging',
      baseUrl: 'ftp://x',
      runtimeData: 'no equals sign here',
    });
    const expected: Array<[string, RegExp]> = [
      ['apiKey', /required for vendor testsigma/],
      ['planId', /expected a numeric testsigma test plan id, got "plan-7"/],
      ['timeout', /expected a duration .* such as 30m/],
      ['pollInterval', /expected auto or a duration of at least 1s/],
      ['onTimeout', /expected one of fail, neutral, got "ignore"/],
      ['failOnTestFailure', /expected true or false, got "maybe"/],
      ['maxAnnotations', /expected a whole number/],
      ['environmentId', /expected a positive integer, got "staging"/],
      ['baseUrl', /expected an http\(s\) URL/],
      ['runtimeData', /expected key=value lines/],
    ];
    for (const [input, pattern] of expected) {
      const message = problems.find((p) => p.startsWith(`${input}:`));
      expect(message).toMatch(pattern);
    }
    expect(problems).toHaveLength(expected.length);
  });

  it('asks for a vendor or JUnit files', () => {
    expect(problemsOf({})).toEqual([
      expect.stringMatching(/^vendor: set a vendor .* or junitFiles/),
    ]);
    expect(problemsOf({ vendor: 'sauce' })[0]).toMatch(
      /^vendor: expected one of testsigma, got "sauce"/,
    );
  });

  it('needs a plan id or a run id, and a base URL for self-hosted', () => {
    expect(problemsOf({ vendor: 'testsigma', apiKey: 'k-123456' })).toEqual([
      expect.stringMatching(/^planId: required/),
    ]);
    expect(settingsFrom({ vendor: 'testsigma', apiKey: 'k-123456', runId: '77' }).runId).toBe('77');
    expect(problemsOf({ ...testsigma, apiFlavor: 'self-hosted' })).toEqual([
      expect.stringMatching(/^baseUrl: required with apiFlavor self-hosted/),
    ]);
  });

  it('reads JUnit file mode with several patterns', () => {
    const s = settingsFrom({ junitFiles: 'a/*.xml\n\n  b/**/*.xml  \n!b/skip.xml' });
    expect(s.mode).toBe('files');
    expect(s.junitFiles).toEqual(['a/*.xml', 'b/**/*.xml', '!b/skip.xml']);
    expect(problemsOf({ ...testsigma, junitFiles: 'x.xml' })[0]).toMatch(
      /^junitFiles: not used with vendor testsigma/,
    );
  });

  it('never puts the API key into an error message', () => {
    const problems = problemsOf({ vendor: 'testsigma', apiKey: 'super-secret-key', planId: 'x' });
    expect(problems.join('\n')).not.toContain('super-secret-key');
  });

  it('has a default in the spec for every input the reader falls back on', () => {
    for (const input of INPUTS) expect(typeof input.default).toBe('string');
  });
});

describe('readRuntimeData', () => {
  it('reads key=value lines and JSON; commas stay in values', () => {
    expect(readRuntimeData('url=https://x.example/login?a=b\n# note\nuser = qa')).toEqual({
      url: 'https://x.example/login?a=b',
      user: 'qa',
    });
    expect(readRuntimeData('url=https://x.example/?tags=a,b')).toEqual({
      url: 'https://x.example/?tags=a,b',
    });
    expect(readRuntimeData('{"url": "https://a.example", "n": 3}')).toEqual({
      url: 'https://a.example',
      n: '3',
    });
  });

  it('refuses JSON that is not an object of plain values', () => {
    expect(() => readRuntimeData('{"a": {"b": 1}}')).toThrow(/runtimeData: expected string values/);
    expect(() => readRuntimeData('{oops')).toThrow(
      /runtimeData: expected a JSON object of strings/,
    );
  });

  it('lets the user override the CI keys', () => {
    const s = readSettings(
      (n) => ({ ...testsigma, runtimeData: 'ciCommit=mine' })[n as 'vendor'] ?? '',
      ci,
    );
    expect(s.testsigma.runtimeData.ciCommit).toBe('mine');
  });
});
