import { type CiContext, SettingsError } from '../../src/core/settings.js';
import { INPUTS } from '../../src/vendors/registry.js';
import { readRuntimeData } from '../../src/vendors/testsigma/settings.js';
import { readSettingsView as readSettings } from '../helpers/settings.js';

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
      /^vendor: expected one of testsigma, sofy, squish, got "sauce"/,
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

describe('readSettings for Sofy', () => {
  const guid = '0b3c2c4e-9f7a-4d5e-8a1b-2c3d4e5f6a7b';
  const key = '11111111-2222-4333-8444-555555555555';

  it('picks the API generation from the form of planId, and a longer default timeout', () => {
    const current = settingsFrom({ vendor: 'sofy', apiKey: key, planId: guid });
    expect(current.sofy.apiGeneration).toBe('current');
    expect(current.timeoutMs).toBe(150 * 60_000);
    expect(settingsFrom({ vendor: 'sofy', apiKey: key, planId: '1888' }).sofy.apiGeneration).toBe(
      'legacy',
    );
    expect(
      settingsFrom({ vendor: 'sofy', apiKey: key, planId: guid, timeout: '10m' }).timeoutMs,
    ).toBe(600_000);
  });

  it('refuses a key that is not a GUID without echoing it, and ids of the wrong form', () => {
    const problems = problemsOf({
      vendor: 'sofy',
      apiKey: 'not-a-guid-secret',
      planId: 'nightly',
      runId: 'abc',
    });
    expect(problems.join('\n')).not.toContain('not-a-guid-secret');
    expect(problems).toEqual([
      expect.stringMatching(/^apiKey: expected a Sofy API key, which is a GUID/),
      expect.stringMatching(/^planId: expected a Sofy schedule id: a GUID, or a number/),
      expect.stringMatching(/^runId: expected a numeric Sofy test run group id/),
    ]);
    expect(
      problemsOf({ vendor: 'sofy', apiKey: key, planId: '1888', apiFlavor: 'current' }),
    ).toEqual([expect.stringMatching(/^planId: apiFlavor current needs a schedule GUID/)]);
    expect(problemsOf({ vendor: 'sofy', apiKey: key, planId: guid, apiFlavor: 'cloud' })).toEqual([
      expect.stringMatching(/^apiFlavor: expected one of current, legacy, got "cloud"/),
    ]);
  });

  it('checks the build to upload before any request', () => {
    expect(problemsOf({ vendor: 'sofy', apiKey: key, planId: guid, appPath: 'app.aab' })).toEqual([
      expect.stringMatching(/^appPath: expected an \.apk or \.ipa file/),
    ]);
    expect(
      problemsOf({ vendor: 'sofy', apiKey: key, planId: guid, appPath: '/nowhere/app.apk' }),
    ).toEqual([expect.stringMatching(/^appPath: no such file: "\/nowhere\/app\.apk"/)]);
    expect(
      problemsOf({
        vendor: 'sofy',
        apiKey: key,
        planId: guid,
        appPath: 'https://x.example/a.apk',
        appHash: 'h',
      }),
    ).toEqual([expect.stringMatching(/^appPath: set either appPath .* or appHash/)]);
  });
});

describe('readSettings for Squish Test Center', () => {
  const base = { vendor: 'squish', baseUrl: 'http://tc.example.com:8800', apiKey: 'tok-123456' };
  const squishCi: CiContext = {
    ci: 'github',
    workflow: 'e2e',
    runNumber: '42',
    branch: 'main',
    commit: 'abc123',
  };
  const squish = (inputs: Record<string, string>) => readSettings((n) => inputs[n] ?? '', squishCi);

  it('defaults title and batch from the CI run, and reads schedule, repos and capabilities', () => {
    const s = squish({
      ...base,
      planId: '64',
      scheduleTime: '2026-05-01T22:00:00Z',
      linkedRepos: '3\n4=release/1.2',
      capabilities: 'OS=Linux\nQt=6.8',
    });
    expect(s.squish).toMatchObject({
      title: 'e2e #42',
      batch: 'main #42',
      scheduleTime: Date.parse('2026-05-01T22:00:00Z'),
      linkedRepos: [
        { id: 3, branch: 'abc123' },
        { id: 4, branch: 'release/1.2' },
      ],
      capabilities: [
        ['OS', 'Linux'],
        ['Qt', '6.8'],
      ],
    });
    expect(s.timeoutMs).toBe(3_600_000);
    // A re-run of the same CI run gets a batch of its own.
    const rerun = readSettings((n) => ({ ...base, planId: '64' })[n as 'vendor'] ?? '', {
      ...squishCi,
      runAttempt: '2',
    });
    expect(rerun.squish.batch).toBe('main #42.2');
  });

  it('takes a token or a user and password, and a template by id or by project and title', () => {
    expect(
      squish({
        ...base,
        apiKey: '',
        username: 'ci',
        password: 'pw',
        project: 'Shop',
        planTitle: 'Nightly',
      }).squish,
    ).toMatchObject({
      username: 'ci',
      planTitle: 'Nightly',
    });
    const problems = (inputs: Record<string, string>) => {
      try {
        squish(inputs);
      } catch (error) {
        return (error as SettingsError).problems.map((p) => p.message);
      }
      return [];
    };
    expect(problems({ vendor: 'squish', planId: '64' })).toEqual([
      expect.stringMatching(/^baseUrl: required for vendor squish/),
      expect.stringMatching(
        /^apiKey: required for vendor squish: an access token, or set username and password/,
      ),
    ]);
    expect(problems({ ...base, planTitle: 'Nightly' })).toEqual([
      expect.stringMatching(/^project: required with planTitle/),
    ]);
    expect(problems({ ...base, planId: '64', username: 'ci', password: 'pw' })).toEqual([
      expect.stringMatching(/^username: set either apiKey/),
    ]);
    expect(problems({ ...base, planId: '64', scheduleTime: 'tonight' })).toEqual([
      expect.stringMatching(/^scheduleTime: expected now, an ISO 8601 time/),
    ]);
    expect(problems({ ...base, planId: '64', linkedRepos: 'main' })).toEqual([
      expect.stringMatching(/^linkedRepos: expected "<repository id>=<branch or commit>" lines/),
    ]);
  });
});
