// reportTo and the Testomat.io / Spira inputs: defaults, normalization, and errors that name
// the input and the expected form, all before any request.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CiContext, SettingsError } from '../../src/core/settings.js';
import { secretValues } from '../../src/vendors/registry.js';
import { readSettingsView as readSettings } from '../helpers/settings.js';

const ci: CiContext = { ci: 'github', workflow: 'Nightly', runNumber: '42' };
const KEY = '6C8E0C1A-2B3D-4E5F-8A9B-0C1D2E3F4A5B';
const files = { junitFiles: 'results/*.xml' };
const testomatio = { reportTo: 'testomatio', testomatioApiKey: 'tstmt_project-token' };
const spira = {
  reportTo: 'spira',
  spiraUrl: 'https://acme.spiraservice.net/',
  spiraUsername: 'relay-bot',
  spiraApiKey: `{${KEY}}`,
  spiraProjectId: '24',
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

describe('reportTo', () => {
  it('is empty by default: no sink, failOnNoMatch on', () => {
    const s = settingsFrom(files);
    expect(s.reportTo).toEqual([]);
    expect(s.failOnNoMatch).toBe(true);
  });

  it('takes a comma- or space-separated list, each system once, in order', () => {
    const s = settingsFrom({
      ...files,
      ...testomatio,
      ...spira,
      reportTo: 'Spira, testomatio spira',
    });
    expect(s.reportTo).toEqual(['spira', 'testomatio']);
  });

  it('names an unknown system', () => {
    expect(problemsOf({ ...files, reportTo: 'testrail' })).toEqual([
      'reportTo: expected a list of testomatio, spira; got "testrail"',
    ]);
  });

  it('does not ask for sink inputs of a system not listed', () => {
    expect(() => settingsFrom({ ...files, spiraProjectId: 'nonsense' })).toThrow(
      /spiraProjectId: expected a Spira id/,
    );
    expect(settingsFrom({ ...files, testomatioRunId: 'a0b1' }).reportTo).toEqual([]);
  });
});

describe('Testomat.io inputs', () => {
  it('has the documented defaults', () => {
    const s = settingsFrom({ ...files, ...testomatio });
    expect(s.testomatio).toEqual({
      apiKey: 'tstmt_project-token',
      url: 'https://app.testomat.io',
      runId: undefined,
      title: undefined,
      env: undefined,
      tags: [],
      group: undefined,
      sharedRun: false,
      createTests: false,
      runTimeUnit: 'ms',
      closeStatus: 'finish',
    });
  });

  it('reads every input', () => {
    const s = settingsFrom({
      ...files,
      ...testomatio,
      testomatioUrl: 'https://beta.testomat.io/',
      testomatioRunId: 'a0b1c2d3',
      testomatioTitle: 'Nightly',
      testomatioEnv: 'Linux, Chrome',
      testomatioTags: 'nightly, smoke\nci',
      testomatioGroup: 'Release 1.0/RC',
      testomatioSharedRun: 'true',
      testomatioCreateTests: 'yes',
      testomatioRunTimeUnit: 's',
    });
    expect(s.testomatio).toMatchObject({
      url: 'https://beta.testomat.io',
      runId: 'a0b1c2d3',
      tags: ['nightly', 'smoke', 'ci'],
      group: 'Release 1.0/RC',
      sharedRun: true,
      createTests: true,
      runTimeUnit: 's',
    });
  });

  it('needs the project token, and a sane URL and run id', () => {
    expect(
      problemsOf({
        ...files,
        reportTo: 'testomatio',
        testomatioUrl: 'ftp://x',
        testomatioRunId: 'a b',
        testomatioRunTimeUnit: 'minutes',
      }),
    ).toEqual([
      'testomatioRunTimeUnit: expected one of ms, s, got "minutes"',
      'testomatioUrl: expected an http(s) URL, got protocol "ftp:"',
      'testomatioApiKey: required to report to testomatio: the project token (tstmt_…) from a secret',
      'testomatioRunId: expected a Testomat.io run id (letters, digits, - or _), got "a b"',
    ]);
  });

  it('refuses a key in the URL', () => {
    expect(
      problemsOf({ ...files, ...testomatio, testomatioUrl: 'https://app.testomat.io/?api_key=x' }),
    ).toEqual([
      'testomatioUrl: must not contain credentials or a query; the key has its own input',
    ]);
  });

  it('closes a shared run when there is nothing else to relay', () => {
    expect(settingsFrom({ ...testomatio, testomatioRunId: 'a0b1c2d3' }).mode).toBe('close');
    expect(settingsFrom({ ...files, ...testomatio, testomatioRunId: 'a0b1c2d3' }).mode).toBe(
      'files',
    );
    expect(problemsOf({ ...testomatio })[0]).toMatch(/^vendor: set a vendor .* testomatioRunId\)$/);
  });

  it('closes with testomatioRunStatus, which only the closing job takes', () => {
    const close = { ...testomatio, testomatioRunId: 'a0b1c2d3' };
    expect(settingsFrom({ ...close, testomatioRunStatus: 'fail' }).testomatio.closeStatus).toBe(
      'fail',
    );
    expect(problemsOf({ ...close, testomatioRunStatus: 'failed' })).toEqual([
      'testomatioRunStatus: expected one of finish, pass, fail, got "failed"',
    ]);
    expect(problemsOf({ ...files, ...testomatio, testomatioRunStatus: 'pass' })).toEqual([
      'testomatioRunStatus: only for the job that closes a shared Testomat.io run (reportTo testomatio with ' +
        'testomatioRunId, no vendor, no junitFiles); a job that reports results closes its run with pass or fail ' +
        'from its own verdict',
    ]);
  });

  it('a closing job takes no other system, and none of its inputs', () => {
    expect(
      problemsOf({ ...testomatio, testomatioRunId: 'a0b1c2d3', reportTo: 'testomatio,spira' }),
    ).toEqual([
      'reportTo: with no vendor and no junitFiles this job only closes Testomat.io run a0b1c2d3; ' +
        'spira has nothing to receive: use reportTo: testomatio',
    ]);
  });

  it('masks the token', () => {
    expect(secretValues((name) => ({ ...testomatio, ...spira })[name] ?? '')).toEqual(
      expect.arrayContaining(['tstmt_project-token', `{${KEY}}`]),
    );
  });
});

describe('Spira inputs', () => {
  it('normalizes the URL, the ids and the key', () => {
    const s = settingsFrom({
      ...files,
      ...spira,
      spiraUrl: 'https://host/Spira/Services/v7_0/RestService.svc/',
      spiraApiKey: KEY,
      spiraProjectId: 'PR:24',
      spiraReleaseId: 'RL:155',
      spiraTestSetId: 'tx2',
    });
    expect(s.spira).toMatchObject({
      url: 'https://host/Spira',
      apiKey: `{${KEY}}`,
      projectId: 24,
      releaseId: 155,
      testSetId: 2,
      statuses: { passed: 2, failed: 1, error: 5, skipped: 3 },
    });
    expect(s.spira.mapping.entries.size).toBe(0);
  });

  it('needs the instance, the user, a GUID key and the product', () => {
    expect(problemsOf({ ...files, reportTo: 'spira', spiraApiKey: 'not-a-guid' })).toEqual([
      'spiraUrl: required to report to spira: your instance, e.g. https://example.spiraservice.net',
      'spiraUsername: required to report to spira',
      'spiraApiKey: expected a Spira API key: a GUID such as {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX} (My Profile › RSS Token)',
      'spiraProjectId: required to report to spira: the product id, e.g. 24 or PR:24',
    ]);
  });

  it('needs a release for a build', () => {
    expect(problemsOf({ ...files, ...spira, spiraBuildName: 'CI 42' })).toEqual([
      'spiraBuildName: needs spiraReleaseId: Spira keeps builds under a release',
    ]);
  });

  it('reads inline mapping lines: TC: prefixes, manual, default, "=" in names', () => {
    const s = settingsFrom({
      ...files,
      ...spira,
      spiraMapping: [
        '# login tests',
        'LoginTests.valid login = 1',
        'Checkout.pays by card = TC:290 manual',
        'Search.a=b works = tc:3 automated',
        'default = 5',
      ].join('\n'),
    });
    expect([...s.spira.mapping.entries]).toEqual([
      ['LoginTests.valid login', { testCaseId: 1, manual: false }],
      ['Checkout.pays by card', { testCaseId: 290, manual: true }],
      ['Search.a=b works', { testCaseId: 3, manual: false }],
    ]);
    expect(s.spira.mapping.fallback).toEqual({ testCaseId: 5, manual: false });
  });

  it('reads a mapping file and names the bad line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spira-map-'));
    const file = join(dir, 'spira.cfg');
    writeFileSync(file, 'A.b = 2\nA.c = two\n');
    expect(problemsOf({ ...files, ...spira, spiraMapping: file })).toEqual([
      `spiraMapping: spiraMapping file ${file}, line 2: expected "classname.name = 123" (or TC:123, optionally "manual"), got "A.c = two"`,
    ]);
    writeFileSync(file, 'A.b = 2\n');
    expect([
      ...settingsFrom({ ...files, ...spira, spiraMapping: file }).spira.mapping.entries,
    ]).toEqual([['A.b', { testCaseId: 2, manual: false }]]);
    expect(problemsOf({ ...files, ...spira, spiraMapping: join(dir, 'missing.cfg') })[0]).toMatch(
      /^spiraMapping: no such file: ".*missing\.cfg"/,
    );
  });

  it('overrides status ids within 1–6', () => {
    expect(
      settingsFrom({ ...files, ...spira, spiraStatuses: 'skipped=4, error=1' }).spira.statuses,
    ).toEqual({
      passed: 2,
      failed: 1,
      error: 1,
      skipped: 4,
    });
    expect(problemsOf({ ...files, ...spira, spiraStatuses: 'skipped=7' })[0]).toMatch(
      /^spiraStatuses: expected status=id pairs .* got "skipped=7"$/,
    );
  });
});
