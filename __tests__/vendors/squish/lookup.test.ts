// Squish Test Center: finding the template (by id or by project and title), attaching, the
// request bodies, the auth header and the errors, against a scripted HTTP client.
import { type HttpClient, type HttpRequest, VendorHttpError } from '../../../src/core/http.js';
import { Redactor } from '../../../src/core/redact.js';
import type { Settings } from '../../../src/core/settings.js';
import { readSettings } from '../../../src/vendors/registry.js';
import {
  squishAuthHeaders,
  squishBaseUrl,
  type SquishSettings,
} from '../../../src/vendors/squish/index.js';
import { SquishSource } from '../../../src/vendors/squish/source.js';

type Answer = unknown | VendorHttpError;

/** Answers requests by "METHOD path" from a table; records what was asked. */
class ScriptedHttp implements HttpClient {
  readonly requests: HttpRequest[] = [];
  constructor(private readonly answers: Record<string, Answer>) {}
  async request(): Promise<never> {
    throw new Error('not used');
  }
  async download(): Promise<never> {
    throw new Error('not used');
  }
  async json<T>(request: HttpRequest): Promise<T> {
    this.requests.push(request);
    const answer = this.answers[`${request.method} ${request.path}`];
    if (answer === undefined) throw new Error(`unexpected ${request.method} ${request.path}`);
    if (answer instanceof VendorHttpError) throw answer;
    return answer as T;
  }
  url(path: string): string {
    return `https://tc.example.com:8800${path}`;
  }
}

function httpError(status: number, message: string): VendorHttpError {
  const body = JSON.stringify({ code: status, message });
  return new VendorHttpError(`Squish Test Center: HTTP ${status}: ${body}`, status, body, false);
}

const TEMPLATE = { id: 64, title: 'CI Tests master', type: 'template', project: 'Shop' };
const INSTANCE = {
  id: 105,
  title: 'e2e #42',
  type: 'instance',
  project: 'Shop',
  batch_name: 'main #42',
  server_dt: 1_000,
};

function source(inputs: Record<string, string>, answers: Record<string, Answer>) {
  const settings = readSettings(
    (name) =>
      ({
        vendor: 'squish',
        baseUrl: 'https://tc.example.com:8800',
        apiKey: 'token-abcdef-123456',
        timeout: '1h',
        pollInterval: 'auto',
        onTimeout: 'fail',
        maxAnnotations: '10',
        junitPath: 'junit.xml',
        ...inputs,
      })[name] ?? '',
    { ci: 'test', workflow: 'e2e', runNumber: '42', branch: 'main', commit: 'abc123' },
  );
  const http = new ScriptedHttp(answers);
  const lines: string[] = [];
  const logger = {
    debug: () => undefined,
    info: (m: string) => lines.push(m),
    warn: (m: string) => lines.push(`warning: ${m}`),
    error: (m: string) => lines.push(`error: ${m}`),
  };
  const own = settings.vendorSettings as SquishSettings;
  return { source: new SquishSource(settings, own, http, logger, new Redactor()), http, lines };
}

const signal = new AbortController().signal;

describe('Squish template lookup and trigger', () => {
  it('by planId: checks the template, then posts executeplan once with the CI defaults', async () => {
    const { source: s, http } = source(
      { planId: '64', linkedRepos: '7\n8=release/2.0', scheduleTime: '1767225600000' },
      {
        'GET /execution/v1/testplans/64': TEMPLATE,
        'POST /execution/v1/executeplan': INSTANCE,
      },
    );
    const handle = await s.trigger(signal);
    expect(handle).toEqual({
      runId: '105',
      runUrl: 'https://tc.example.com:8800/project/Shop',
      title: 'e2e #42',
    });
    const post = http.requests.find((r) => r.method === 'POST')!;
    expect(post.idempotent).toBe(false);
    expect(post.body).toEqual({
      templateId: 64,
      title: 'e2e #42',
      batch: 'main #42',
      time: 1767225600000,
      linkedRepos: [
        { id: 7, branch: 'abc123' },
        { id: 8, branch: 'release/2.0' },
      ],
    });
  });

  it('by project and title: one lookup, type=template', async () => {
    const {
      source: s,
      http,
      lines,
    } = source(
      { project: 'Shop', planTitle: 'CI-Tests-master' },
      {
        'GET /execution/v1/testplans': TEMPLATE,
        'POST /execution/v1/executeplan': INSTANCE,
      },
    );
    await s.trigger(signal);
    expect(http.requests[0].query).toEqual({
      project: 'Shop',
      title: 'CI-Tests-master',
      type: 'template',
    });
    expect(lines.join('\n')).toContain('planTitle "CI-Tests-master" matched template 64');
  });

  it.each([
    [
      'no template with the title (404)',
      httpError(404, "Test plan template 'X' not found"),
      /no test plan template titled "X" in project "Shop" \(HTTP 404: Test plan template 'X' not found\)\. Check project and planTitle/,
    ],
    [
      'several templates, refused by the server (400, passed on verbatim)',
      httpError(400, 'More than one test plan template matches (ids 65, 66)'),
      /could not look up template "X" in project "Shop" \(HTTP 400: More than one test plan template matches \(ids 65, 66\)\)\. If several templates share that title, set planId/,
    ],
    [
      'several templates, answered as a list',
      [{ id: 65 }, { id: 66 }],
      /Several Test Center templates are titled "X" in project "Shop" \(ids 65, 66\): set planId/,
    ],
    [
      'an instance instead of a template',
      { ...INSTANCE },
      /found test plan 105 of type "instance", not a template/,
    ],
    [
      'the AutomationToken-style refusal',
      httpError(403, 'Only known clients permitted for REST access'),
      /refused looking up template "X": "Only known clients permitted for REST access" \(HTTP 403\)/,
    ],
  ])('lookup: %s', async (_label, answer, message) => {
    const { source: s, http } = source(
      { project: 'Shop', planTitle: 'X' },
      { 'GET /execution/v1/testplans': answer },
    );
    await expect(s.trigger(signal)).rejects.toThrow(message);
    expect(http.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  it('by planId: an unknown id (400) or an instance is refused before executeplan', async () => {
    const unknown = source(
      { planId: '9' },
      { 'GET /execution/v1/testplans/9': httpError(400, 'Invalid test plan ID: 9') },
    );
    await expect(unknown.source.trigger(signal)).rejects.toThrow(
      /has no test plan 9 \(HTTP 400: Invalid test plan ID: 9\)\. Check planId: it takes a test plan template id/,
    );
    const instance = source({ planId: '105' }, { 'GET /execution/v1/testplans/105': INSTANCE });
    await expect(instance.source.trigger(signal)).rejects.toThrow(
      /is an instance \(a plan execution\), not a template.*runId 105/,
    );
  });

  it('explains auth failures by the credentials in use', async () => {
    const byToken = source(
      { planId: '64' },
      { 'GET /execution/v1/testplans/64': httpError(401, 'Invalid access token') },
    );
    await expect(byToken.source.trigger(signal)).rejects.toThrow(
      'Test Center rejected the access token (HTTP 401: Invalid access token). Check apiKey (a Test Center access token).',
    );
    const byPassword = source(
      { planId: '64', apiKey: '', username: 'bot', password: 'secret-pw-1' },
      { 'GET /execution/v1/testplans/64': httpError(401, 'Invalid username or password') },
    );
    await expect(byPassword.source.trigger(signal)).rejects.toThrow(
      /rejected the user name and password \(HTTP 401: Invalid username or password\)\. Check username and password\./,
    );
  });

  it('attach: refuses a template id, remembers the batch of an instance', async () => {
    const template = source({ runId: '64' }, { 'GET /execution/v1/testplans/64': TEMPLATE });
    await expect(template.source.attach('64', signal)).rejects.toThrow(
      /test plan 64 is a template, not a plan execution: set planId 64 to start it/,
    );
    const instance = source({ runId: '105' }, { 'GET /execution/v1/testplans/105': INSTANCE });
    expect(await instance.source.attach('105', signal)).toMatchObject({
      runId: '105',
      runUrl: 'https://tc.example.com:8800/project/Shop',
    });
  });

  it('polls with the capabilities as query parameters', async () => {
    const { source: s, http } = source(
      { runId: '105', capabilities: 'OS=Linux\nbrowser=chrome' },
      { 'GET /execution/v1/status/105': { open: 1, reserved: 1, done: 2 } },
    );
    const snapshot = await s.poll({ runId: '105' }, signal);
    expect(snapshot.detail).toBe('1 open, 1 running, 2 done');
    expect(http.requests[0].query).toEqual({ OS: 'Linux', browser: 'chrome' });
  });

  it('cancel: says there is no stop API, with the link, and sends nothing to stop', async () => {
    const { source: s, http } = source(
      { runId: '105' },
      { 'GET /execution/v1/testplans/105': INSTANCE },
    );
    const report = await s.cancel({ runId: '105' }, signal);
    expect(report).toEqual({
      stopped: false,
      message:
        'Squish Test Center has no API to stop a plan execution: test plan 105 goes on there (https://tc.example.com:8800/project/Shop).',
    });
    expect(http.requests.every((r) => r.method === 'GET')).toBe(true);
  });
});

describe('Squish auth and address', () => {
  it('sends a token, or Basic user:password', () => {
    const settings = (inputs: Record<string, string>) =>
      readSettings(
        (name) =>
          ({
            vendor: 'squish',
            baseUrl: 'http://tc:8800',
            planId: '1',
            timeout: '1h',
            pollInterval: 'auto',
            onTimeout: 'fail',
            maxAnnotations: '10',
            ...inputs,
          })[name] ?? '',
        { ci: 'test' },
      );
    const headersOf = (s: Settings) => squishAuthHeaders(s, s.vendorSettings as SquishSettings);
    expect(headersOf(settings({ apiKey: 'tok-123456' }))).toEqual({
      Authorization: 'Token tok-123456',
    });
    expect(headersOf(settings({ username: 'a@b.c', password: 'p:w' }))).toEqual({
      Authorization: `Basic ${Buffer.from('a@b.c:p:w').toString('base64')}`,
    });
  });

  it('takes a base URL given with an API prefix as the server', () => {
    expect(squishBaseUrl('http://tc:8800/')).toBe('http://tc:8800');
    expect(squishBaseUrl('http://tc:8800/execution/v1/')).toBe('http://tc:8800');
    expect(squishBaseUrl('https://host/testcenter/api/v1')).toBe('https://host/testcenter');
  });
});
