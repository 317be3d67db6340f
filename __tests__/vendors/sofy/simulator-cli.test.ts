// `testrelay simulate --vendor sofy` (and `--vendor all`) through runSimulateCommand, in-process
// with captured output: the ready line, Sofy's flags and variants, their validation, and how
// flags are shared out between vendors.

import { createServer } from 'node:net';
import { SIMULATED_VENDORS } from '../../../src/vendors/simulators.js';
import { ready, runToEnd, type Session, start } from '../../helpers/simulate-command.js';

const SCHEDULE = '0CF78E5E-05CE-4971-A954-0E3789140DFD';

async function stop(session: Session): Promise<void> {
  session.abort.abort();
  expect(await session.done).toBe(0);
}

async function scenarioAt(baseUrl: string): Promise<Record<string, unknown>> {
  return (await (await fetch(`${baseUrl}/__sim/scenario`)).json()) as Record<string, unknown>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('testrelay simulate --vendor sofy', () => {
  it('prints "sofy http://127.0.0.1:PORT" (the origin) and applies Sofy flags', async () => {
    const session = start([
      '--vendor',
      'sofy',
      '--devices',
      '3',
      '--platform',
      'IOS',
      '--trigger-shape',
      'testGroupsRunId',
      '--empty-polls',
      '1',
      '--incomplete-device',
      '2',
      '--upload-error',
      'duplicate',
      '--missing-schedule-ids',
      `${SCHEDULE},1888`,
      '--polls-to-complete',
      '3',
      '--variant',
      'ui-labels,stopped-spelling',
    ]);
    const lines = await ready(session);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^sofy http:\/\/127\.0\.0\.1:\d+$/);
    const baseUrl = lines[0].split(' ')[1];
    expect(await scenarioAt(baseUrl)).toMatchObject({
      devices: 3,
      platform: 'IOS',
      triggerShape: 'testGroupsRunId',
      emptyPolls: 1,
      incompleteDevice: 2,
      uploadError: 'duplicate',
      missingScheduleIds: [SCHEDULE, '1888'],
      pollsToComplete: 3,
      variant: 'ui-labels,stopped-spelling',
    });
    // The paths of both hosts hang off the printed origin.
    const trigger = await fetch(
      `${baseUrl}/scheduler-microservice/scheduled-runs/7D1E2F30-4A5B-4C6D-9E7F-8091A2B3C4D5/execute`,
      { method: 'POST', headers: { 'x-sofy-auth-key': SCHEDULE } },
    );
    expect(await trigger.json()).toMatchObject({ testGroupsRunId: '240101' });
    const legacy = await fetch(`${baseUrl}/api/CICD/ScheduleAutomatedTestRun`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ APIKey: SCHEDULE, ScheduledID: 1888 }),
    });
    expect(legacy.status).toBe(400);
    await stop(session);
    expect(session.stdout.text).toBe(`${lines[0]}\n`);
  });

  it('--api-key: the given key is accepted even when it is no GUID', async () => {
    const session = start(['--vendor', 'sofy', '--api-key', 'cli-key']);
    const [line] = await ready(session);
    const baseUrl = line.split(' ')[1];
    const get = (key: string): Promise<Response> =>
      fetch(`${baseUrl}/application-microservice/public/applications`, {
        headers: { 'x-sofy-auth-key': key },
      });
    expect((await get('cli-key')).status).toBe(200);
    expect((await get('other')).status).toBe(500);
    expect((await get(SCHEDULE)).status).toBe(401);
    await stop(session);
  });

  it('--vendor all prints one line per vendor and gives each the flags it knows', async () => {
    const port = await freePort();
    const session = start([
      '--vendor',
      'all',
      '--port',
      String(port),
      '--devices',
      '4',
      '--tests',
      '7',
      '--variant',
      'legacy,docs-spelling,unknown-status',
    ]);
    const lines = await ready(session);
    expect(lines.map((line) => line.split(' ')[0])).toEqual(SIMULATED_VENDORS);
    expect(SIMULATED_VENDORS).toEqual(expect.arrayContaining(['testsigma', 'sofy']));
    const baseUrls = new Map(lines.map((line) => line.split(' ') as [string, string]));
    lines.forEach((line, index) => {
      expect(line.split(' ')[1]).toMatch(
        new RegExp(`^http://127\\.0\\.0\\.1:${port + index}(/|$)`),
      );
    });
    expect(baseUrls.get('sofy')).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(baseUrls.get('testsigma')).toMatch(/\/api\/v1$/);
    const sofy = await scenarioAt(baseUrls.get('sofy')!);
    expect(sofy).toMatchObject({ devices: 4, tests: 7, variant: 'legacy,unknown-status' });
    const testsigma = await scenarioAt(baseUrls.get('testsigma')!);
    expect(testsigma).toMatchObject({ tests: 7, variant: 'docs-spelling,unknown-status' });
    expect(testsigma).not.toHaveProperty('devices');
    await stop(session);
  });

  it('--help lists the Sofy knobs and variants', async () => {
    const { code, stdout } = await runToEnd(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Scenario, Sofy only:');
    for (const flag of [
      '--devices N',
      '--platform PLATFORM',
      '--schedule-name NAME',
      '--empty-polls N',
      '--incomplete-device N',
      '--trigger-shape SHAPE',
      '--upload-error KIND',
      '--missing-schedule-ids ID,…',
    ]) {
      expect(stdout).toContain(flag);
    }
    expect(stdout).toContain('Sofy variants (--variant FLAG,FLAG):');
    for (const variant of [
      'legacy',
      'ui-labels',
      'stopped-spelling',
      'unknown-status',
      'rows-one-device-at-a-time',
    ]) {
      expect(stdout).toMatch(new RegExp(`^  ${variant} `, 'm'));
    }
  });

  it.each([
    [['--vendor', 'testsigma', '--devices', '2'], /--devices: not a knob of testsigma/],
    [['--vendor', 'sofy', '--variant', 'self-hosted'], /--variant: unknown flag "self-hosted"/],
    [
      ['--vendor', 'sofy', '--trigger-shape', 'id'],
      /--trigger-shape: expected one of data, testGroupsRunId/,
    ],
    [['--vendor', 'sofy', '--devices', '0'], /--devices: expected an integer from 1 to 20/],
    [
      ['--vendor', 'sofy', '--devices', '2', '--incomplete-device', '3'],
      /incompleteDevice \(3\) exceeds devices \(2\)/,
    ],
    [
      ['--vendor', 'sofy', '--polls-to-complete', '2', '--empty-polls', '2'],
      /emptyPolls \(2\) must be less than pollsToComplete \(2\)/,
    ],
  ])('exits 2 for %j', async (argv, message) => {
    const { code, stdout, stderr } = await runToEnd(argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
  });
});
