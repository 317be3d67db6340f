// Which rows belong to the run: the legacy API's rows of earlier runs of the schedule are
// left out by their ScheduledAt (legacy-rows.ts), and the current API's group list may only
// hold the end back while it says the group is running (group-list.ts).
import { VendorHttpError } from '../../../src/core/http.js';
import { silentLogger } from '../../../src/core/logger.js';
import { Redactor } from '../../../src/core/redact.js';
import type { CancelReport, TriggerPreview } from '../../../src/core/source.js';
import { readSettings } from '../../../src/vendors/registry.js';
import type { GroupRead, SofyApi } from '../../../src/vendors/sofy/api.js';
import { GroupList, moreRowsMayCome } from '../../../src/vendors/sofy/group-list.js';
import {
  CLOCK_SKEW_MS,
  scheduledAtMs,
  splitEarlierRows,
} from '../../../src/vendors/sofy/legacy-rows.js';
import type { SofySettings } from '../../../src/vendors/sofy/settings.js';
import { SofySource } from '../../../src/vendors/sofy/source.js';
import { groupKind } from '../../../src/vendors/sofy/status.js';
import type { SofyRow } from '../../../src/vendors/sofy/wire.js';

const KEY = 'C7D1E2F3-4A5B-4C6D-8E7F-9A0B1C2D3E4F';

/** .NET's zone-less DateTime, as the legacy API writes ScheduledAt. */
function dotNet(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '');
}

function row(scenario: string, status: string, scheduledAt?: string, device = 'Apple iPhone13,2') {
  return { scenario, device, status, scheduledAt };
}

describe('legacy rows: ScheduledAt', () => {
  it('reads a time without a zone as UTC, and one with a zone as it says', () => {
    expect(scheduledAtMs('2022-10-07T20:39:26.02')).toBe(Date.UTC(2022, 9, 7, 20, 39, 26, 20));
    expect(scheduledAtMs('2022-10-07T20:39:26')).toBe(Date.UTC(2022, 9, 7, 20, 39, 26));
    expect(scheduledAtMs('2023-10-24T06:14:39.200Z')).toBe(Date.UTC(2023, 9, 24, 6, 14, 39, 200));
    expect(scheduledAtMs('2023-10-24T08:14:39+02:00')).toBe(Date.UTC(2023, 9, 24, 6, 14, 39));
    for (const unreadable of [undefined, '', 'yesterday', '2022-13-45T99:00:00']) {
      expect(scheduledAtMs(unreadable)).toBeUndefined();
    }
  });

  it('puts rows scheduled before the trigger (beyond the clock skew) apart; unreadable times stay', () => {
    const triggeredAt = Date.UTC(2024, 4, 1, 12, 0, 0);
    const rows = [
      row('old', 'Failed', dotNet(triggeredAt - 3600_000)),
      row('just before', 'Passed', dotNet(triggeredAt - CLOCK_SKEW_MS - 1)),
      row('within the skew', 'Passed', dotNet(triggeredAt - CLOCK_SKEW_MS + 1000)),
      row('ours', 'Running', dotNet(triggeredAt + 2000)),
      row('no time', 'Running'),
      row('garbled', 'Running', 'soon'),
    ];
    const { current, earlier } = splitEarlierRows(rows, triggeredAt);
    expect(earlier.map((r) => r.scenario)).toEqual(['old', 'just before']);
    expect(current.map((r) => r.scenario)).toEqual([
      'within the skew',
      'ours',
      'no time',
      'garbled',
    ]);
  });
});

/** A legacy API that answers each read from a script: the group's status and the rows. */
class ScriptedLegacyApi implements SofyApi {
  readonly generation = 'legacy';
  reads = 0;
  constructor(private readonly script: GroupRead[]) {}
  previewTrigger(): TriggerPreview {
    return { method: 'POST', url: 'http://sofy.invalid/api/CICD/ScheduleAutomatedTestRun' };
  }
  async trigger(): Promise<unknown> {
    return { Message: 'Test runs are scheduled and in queue', ScheduleTestRunsGroupID: 4711 };
  }
  async read(): Promise<GroupRead> {
    const answer = this.script[Math.min(this.reads, this.script.length - 1)];
    this.reads += 1;
    return answer;
  }
  async abort(): Promise<CancelReport> {
    return { stopped: false, message: 'no abort' };
  }
  async upload(): Promise<unknown> {
    throw new Error('no upload in this test');
  }
}

function legacySource(api: SofyApi, lines: string[]) {
  const inputs: Record<string, string> = { vendor: 'sofy', apiKey: KEY, planId: '1888' };
  const settings = readSettings((name) => inputs[name] ?? '', { ci: 'test' });
  const logger = { ...silentLogger, info: (message: string) => lines.push(message) };
  return new SofySource(
    settings,
    settings.vendorSettings as SofySettings,
    api,
    { logger, redactor: new Redactor() },
    'http://sofy.invalid',
    'https://portal.sofy.ai',
  );
}

describe('legacy rows of earlier runs of the schedule', () => {
  const signal = new AbortController().signal;
  const earlier = dotNet(Date.now() - 6 * 3600_000);
  const ours = () => dotNet(Date.now());

  it('are left out: a scenario only the earlier run had, and its results, do not count', async () => {
    const lines: string[] = [];
    const previous: SofyRow[] = [
      row('Login flow', 'Failed', earlier),
      row('Old checkout', 'Failed', earlier),
    ];
    const api = new ScriptedLegacyApi([
      // The newest group is not listed as running yet: the rows are all the earlier run's.
      { groupStatus: 'Queued', rows: previous },
      // A group that Sofy already calls complete, with nothing of its own yet.
      { groupStatus: 'Complete', rows: previous },
      { groupStatus: 'Complete', rows: [row('Login flow', 'Passed', ours()), ...previous] },
    ]);
    const source = legacySource(api, lines);
    const handle = await source.trigger(signal);
    expect(handle.runId).toBe('4711');

    const first = await source.poll(handle, signal);
    expect(first.rows).toEqual([]);
    expect(first.done).toBe(false);
    const second = await source.poll(handle, signal);
    // Earlier results never finish this run, even when the group's status says it is done.
    expect(second.done).toBe(false);
    const third = await source.poll(handle, signal);
    expect(third.done).toBe(true);
    expect(third.rows.map((r) => [r.scenario, r.status])).toEqual([['Login flow', 'Passed']]);

    const result = await source.collect(handle, third, signal);
    expect(result.verdict).toBe('passed');
    expect(result.suites.flatMap((s) => s.cases.map((c) => c.name))).toEqual(['Login flow']);
    const notes = lines.filter((line) =>
      /scheduled before test run group 4711 was triggered/.test(line),
    );
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/gave 2 test run\(s\) .*earlier run of the schedule and are left out/);
  });

  it('stay when TestRelay attached to the group: it does not know when that run started', async () => {
    const api = new ScriptedLegacyApi([
      { groupStatus: 'Complete', rows: [row('Login flow', 'Passed', earlier)] },
    ]);
    const source = legacySource(api, []);
    const handle = await source.attach('4711', signal);
    const snapshot = await source.poll(handle, signal);
    expect(snapshot.done).toBe(true);
    expect(snapshot.rows).toHaveLength(1);
  });
});

describe('current API: the group list only holds the end back', () => {
  it('while it calls the group running (queued, waiting …); nothing else it says does', () => {
    for (const status of ['Running', 'In Queue', 'Queued', 'Waiting for Device', 'Finalizing']) {
      expect(moreRowsMayCome(groupKind(status))).toBe(true);
    }
    for (const status of ['Complete', 'Complete with Errors', 'Stopped by User', 'Rebooting']) {
      expect(moreRowsMayCome(groupKind(status))).toBe(false);
    }
    expect(moreRowsMayCome(undefined)).toBe(false);
  });

  it('a refusal stops asking for good; a passing fault only for this poll; an abort goes on up', async () => {
    const signal = new AbortController().signal;
    const answers: Array<string | Error> = [
      new VendorHttpError('Sofy GET …/test-run-groups: HTTP 503', 503, '', true),
      'Running',
      new VendorHttpError('Sofy GET …/test-run-groups: HTTP 404', 404, '', false),
      'Running',
    ];
    let calls = 0;
    const list = new GroupList(async () => {
      const answer = answers[calls++];
      if (answer instanceof Error) throw answer;
      return answer;
    }, silentLogger);
    expect(await list.statusOf('7', signal)).toBeUndefined();
    expect(await list.statusOf('7', signal)).toBe('Running');
    expect(await list.statusOf('7', signal)).toBeUndefined();
    expect(await list.statusOf('7', signal)).toBeUndefined();
    expect(calls).toBe(3);

    const cancel = new AbortController();
    const aborting = new GroupList(async () => {
      cancel.abort();
      throw Object.assign(new Error('aborted'), { name: 'AbortError' });
    }, silentLogger);
    await expect(aborting.statusOf('7', cancel.signal)).rejects.toThrow('aborted');
    expect(await new GroupList(undefined, silentLogger).statusOf('7', signal)).toBeUndefined();
  });
});
