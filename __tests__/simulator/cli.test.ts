// `testrelay simulate` (runSimulateCommand) in-process, with captured stdout/stderr and an
// injected signal source: the ready-line contract, --help, flag validation (exit 2) and a
// clean stop on SIGINT/SIGTERM. End-to-end runs through the bundle live elsewhere.

import { createServer } from 'node:net';
import { COMMON_KNOBS, SIMULATED_VENDORS } from '../../src/vendors/simulators.js';
import { ready, runToEnd, start } from '../helpers/simulate-command.js';

describe('testrelay simulate', () => {
  it('prints exactly one "<vendor> <baseUrl>" line, applies scenario flags, stops on abort', async () => {
    const session = start([
      '--vendor',
      'testsigma',
      '--tests',
      '3',
      '--failed',
      '1',
      '--polls-to-complete',
      '2',
      '--test-names',
      'Login works, Checkout,Search',
      '--reject-parallel',
      '--faults',
      '503:0.1,reset:0.05',
      '--variant',
      'docs-spelling',
    ]);
    const lines = await ready(session);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^testsigma http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
    const baseUrl = lines[0].split(' ')[1];

    const scenario = (await (await fetch(`${baseUrl}/__sim/scenario`)).json()) as Record<
      string,
      unknown
    >;
    expect(scenario).toMatchObject({
      tests: 3,
      failed: 1,
      pollsToComplete: 2,
      testNames: ['Login works', 'Checkout', 'Search'],
      rejectParallel: true,
      faults: '503:0.1,reset:0.05',
      variant: 'docs-spelling',
    });

    session.abort.abort();
    expect(await session.done).toBe(0);
    expect(session.stdout.text).toBe(`${lines[0]}\n`);
    await expect(fetch(`${baseUrl}/__sim`)).rejects.toThrow();
  });

  it.each(['SIGTERM', 'SIGINT'])(
    'stops cleanly on %s, keep-alive connections included',
    async (signal) => {
      const session = start(['--vendor', 'testsigma']);
      const [line] = await ready(session);
      const baseUrl = line.split(' ')[1];
      // Leave a keep-alive connection open.
      expect((await fetch(`${baseUrl}/__sim`)).status).toBe(200);
      const started = Date.now();
      session.signals.emit(signal);
      expect(await session.done).toBe(0);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(
        session.signals.listenerCount('SIGINT') + session.signals.listenerCount('SIGTERM'),
      ).toBe(0);
      await expect(fetch(`${baseUrl}/__sim`)).rejects.toThrow();
    },
  );

  it('--vendor all starts every simulated vendor on consecutive ports', async () => {
    const free = await freePort();
    const session = start(['--vendor', 'all', '--port', String(free)]);
    const lines = await ready(session);
    expect(lines.map((line) => line.split(' ')[0])).toEqual(SIMULATED_VENDORS);
    lines.forEach((line, index) => {
      // A base URL may be the bare origin (Squish Test Center) or carry an API path.
      expect(line.split(' ')[1]).toMatch(
        new RegExp(`^http://127\\.0\\.0\\.1:${free + index}(/|$)`),
      );
    });
    session.abort.abort();
    expect(await session.done).toBe(0);
  });

  it('--api-key sets the accepted key', async () => {
    const session = start(['--vendor', 'testsigma', '--api-key', 'cli-key']);
    const [line] = await ready(session);
    const baseUrl = line.split(' ')[1];
    const wrong = await fetch(`${baseUrl}/execution_results/1`, {
      headers: { Authorization: 'Bearer other' },
    });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${baseUrl}/execution_results/1`, {
      headers: { Authorization: 'Bearer cli-key' },
    });
    expect(right.status).toBe(404);
    session.abort.abort();
    await session.done;
  });

  it('--help lists every flag and the control endpoints', async () => {
    const { code, stdout, stderr } = await runToEnd(['--help']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    for (const flag of ['--vendor', '--port', '--host', '--api-key', '--help'])
      expect(stdout).toContain(flag);
    for (const knob of COMMON_KNOBS) {
      expect(stdout).toContain(`--${knob.name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    }
    for (const flag of [
      '--machines',
      '--result',
      '--junit-lag-seconds',
      '--[no-]reject-parallel',
      '--missing-plan-ids',
    ]) {
      expect(stdout).toContain(flag);
    }
    for (const variant of [
      'self-hosted',
      'docs-spelling',
      'null-counts',
      'unknown-status',
      'control-chars',
      'rerun',
    ]) {
      expect(stdout).toContain(variant);
    }
    for (const endpoint of ['/__sim/scenario', '/__sim/requests', '/__sim/reset'])
      expect(stdout).toContain(endpoint);
    expect((await runToEnd(['-h'])).stdout).toBe(stdout);
  });

  it.each([
    [['--tests', '3'], /--vendor is required/],
    [
      ['--vendor', 'nope'],
      new RegExp(
        `--vendor: unknown vendor "nope" \\(expected one of: ${SIMULATED_VENDORS.join(', ')}, all\\)`,
      ),
    ],
    [
      ['--vendor', 'testsigma', '--tests', 'abc'],
      /--tests: expected a non-negative integer, got "abc"/,
    ],
    [
      ['--vendor', 'testsigma', '--duration-seconds=-1'],
      /--duration-seconds: expected a non-negative number/,
    ],
    [
      ['--vendor', 'testsigma', '--port', '70000'],
      /--port: expected a port number from 0 to 65535/,
    ],
    [
      ['--vendor', 'testsigma', '--faults', '503:2'],
      /--faults: probability in "503:2" must be from 0 to 1/,
    ],
    [['--vendor', 'testsigma', '--variant', 'legacy'], /--variant: unknown flag "legacy"/],
    [
      ['--vendor', 'testsigma', '--tests', '2', '--failed', '3'],
      /failed \+ skipped \+ errored \(3\) exceeds tests \(2\)/,
    ],
    [['--vendor', 'testsigma', '--reject-parallel', '--no-reject-parallel'], /contradict/],
    [['--vendor', 'testsigma', '--nope'], /Unknown option '--nope'/],
    [['--vendor', 'testsigma', 'extra'], /positional/i],
    [['--vendor', 'testsigma', '--tests'], /argument missing/],
  ])('exits 2 for %j', async (argv, message) => {
    const { code, stdout, stderr } = await runToEnd(argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr).toContain('testrelay simulate --help');
  });

  it('exits 1 with a short message when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { code, stdout, stderr } = await runToEnd([
        '--vendor',
        'testsigma',
        '--port',
        String(port),
      ]);
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/cannot start: .*EADDRINUSE/);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
