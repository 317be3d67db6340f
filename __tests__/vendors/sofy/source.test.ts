// The Sofy source's set-up: base URLs per API generation, the portal link, and the dry-run
// preview (which must never show the key the legacy API carries in its body).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Redactor } from '../../../src/core/redact.js';
import { createSource, readSettings } from '../../../src/vendors/registry.js';
import { type SofySettings, sofyBaseUrl, sofyPortalUrl } from '../../../src/vendors/sofy/index.js';

const KEY = '5B0D9C2A-7E41-4F3B-9A6D-1C8E2F4A6B0D';
const GUID = '0CF78E5E-05CE-4971-A954-0E3789140DFD';
const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

function settings(inputs: Record<string, string>) {
  return readSettings((name) => ({ vendor: 'sofy', apiKey: KEY, ...inputs })[name] ?? '', {
    ci: 'test',
  });
}

/** The base URL for these inputs, as the Sofy module works it out. */
function baseUrlOf(inputs: Record<string, string>): string {
  const s = settings(inputs);
  return sofyBaseUrl(s, s.vendorSettings as SofySettings);
}

function source(inputs: Record<string, string>) {
  return createSource(settings(inputs), { logger, redactor: new Redactor() });
}

describe('Sofy base URLs', () => {
  it('defaults to public.sofy.ai for a GUID and api.sofy.ai for a numeric ScheduledID', () => {
    expect(baseUrlOf({ planId: GUID })).toBe('https://public.sofy.ai');
    expect(baseUrlOf({ planId: '1888' })).toBe('https://api.sofy.ai');
    expect(baseUrlOf({ planId: GUID, baseUrl: 'http://127.0.0.1:9' })).toBe('http://127.0.0.1:9');
  });

  it("refuses Sofy's host of the other generation, before any request", () => {
    expect(() => source({ planId: GUID, baseUrl: 'https://api.sofy.ai' })).toThrow(
      /baseUrl: https:\/\/api\.sofy\.ai is Sofy's legacy API.*use https:\/\/public\.sofy\.ai/,
    );
    expect(() => source({ planId: '1888', baseUrl: 'https://public.sofy.ai/' })).toThrow(
      /current API, which takes a schedule GUID.*use https:\/\/api\.sofy\.ai/,
    );
  });

  it('links to the portal for Sofy hosts, else to the origin of the base URL', () => {
    expect(sofyPortalUrl('https://public.sofy.ai')).toBe('https://portal.sofy.ai');
    expect(sofyPortalUrl('https://api.sofy.ai/')).toBe('https://portal.sofy.ai');
    expect(sofyPortalUrl('http://127.0.0.1:4010/some/path')).toBe('http://127.0.0.1:4010');
  });

  it('polls no faster than every 15 s', () => {
    expect(source({ planId: GUID }).minPollIntervalMs).toBe(15_000);
  });
});

describe('Sofy dry-run preview', () => {
  it('current: the execute URL, with the app hash', () => {
    expect(source({ planId: GUID }).previewTrigger()).toEqual({
      method: 'POST',
      url: `https://public.sofy.ai/scheduler-microservice/scheduled-runs/${GUID}/execute`,
    });
    expect(source({ planId: GUID, appHash: 'abc123' }).previewTrigger().url).toMatch(
      /\/execute\?appHash=abc123$/,
    );
  });

  it('legacy: the body with the key masked', () => {
    const preview = source({ planId: '1888', appHash: 'abc123' }).previewTrigger();
    expect(preview).toEqual({
      method: 'POST',
      url: 'https://api.sofy.ai/api/CICD/ScheduleAutomatedTestRun',
      body: { APIKey: '***', ScheduledID: 1888, AppHash: 'abc123' },
    });
    expect(JSON.stringify(preview)).not.toContain(KEY);
  });

  it('a build uploaded first shows as a placeholder hash, URLs without their query', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sofy-preview-'));
    const apk = path.join(dir, 'app-release.apk');
    fs.writeFileSync(apk, 'apk');
    expect(source({ planId: GUID, appPath: apk }).previewTrigger().url).toMatch(
      /\/execute\?appHash=<app hash from uploading app-release\.apk first>$/,
    );
    const legacy = source({
      planId: '1888',
      appPath: 'https://builds.example.com/Shop.ipa?token=secret',
    }).previewTrigger();
    expect(legacy.body).toMatchObject({ AppHash: '<app hash from uploading Shop.ipa first>' });
  });
});
