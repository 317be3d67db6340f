import type { RunResult, TestCase, TestSuite } from '../../src/core/result.js';
import type { SinkReport } from '../../src/core/sink.js';
import { DEFAULT_SUMMARY_MAX_BYTES, renderSummary } from '../../src/core/summary.js';

function runResult(suites: TestSuite[], extra: Partial<RunResult> = {}): RunResult {
  return {
    vendor: 'testsigma',
    runId: '812',
    runUrl: 'https://testsigma.example/ui/td/runs/812',
    title: 'Checkout plan',
    state: 'completed',
    verdict: 'failed',
    suites,
    links: [],
    ...extra,
  };
}

const sample = (): TestSuite[] => [
  {
    name: 'Chrome',
    cases: [
      { name: 'login', status: 'passed', durationSeconds: 2 },
      { name: 'refund', status: 'error', message: 'Session lost' },
      { name: 'coupon', status: 'passed', flaky: true },
    ],
  },
  {
    name: 'Safari',
    cases: [
      { name: 'export', status: 'skipped', message: 'not on Safari' },
      {
        name: 'pay',
        classname: 'Smoke',
        status: 'failed',
        message: 'Button missing',
        details: 'at step 3',
        durationSeconds: 5,
      },
    ],
  },
];

/** Lines outside fenced code blocks: what markdown actually interprets. */
function markupLines(markdown: string): string[] {
  const outside: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    if (fence === undefined) {
      const open = /^(`{3,})\s*$/.exec(line);
      if (open) fence = open[1];
      else outside.push(line);
    } else if (line === fence) {
      fence = undefined;
    }
  }
  expect(fence).toBeUndefined();
  return outside;
}

describe('renderSummary: contents', () => {
  test('headline, run link, outcome, totals, notes — in that order', () => {
    const md = renderSummary(runResult(sample(), { message: 'Plan finished with failures' }), {
      outcome: { conclusion: 'failure', reason: '1 test failed, 1 errored' },
      notes: ['Testomat.io upload failed (HTTP 503)'],
      ciRunUrl: 'https://github.com/o/r/actions/runs/1',
    });
    const lines = md.split('\n');
    expect(lines[0]).toBe('## ❌ Failed: Checkout plan');
    expect(md).toContain('**Run:** [812](https://testsigma.example/ui/td/runs/812)');
    expect(md).toContain('[CI run](https://github.com/o/r/actions/runs/1)');
    expect(md).toContain('**Outcome:** ❌ failure: 1 test failed, 1 errored');
    expect(md).toContain('> Plan finished with failures');
    // Failed and errors apart, so the columns add up to the total; flaky counted among passed.
    expect(md).toContain('| 5 | 2 | 1 | 1 | 1 | 1 | 7.0 s |');
    expect(md).toContain('- Testomat.io upload failed &#40;HTTP 503&#41;');
    const order = [
      '## ',
      '**Outcome:**',
      '| Total |',
      '- Testomat.io',
      '### Failed',
      '<details><summary>All tests',
    ];
    const positions = order.map((marker) => md.indexOf(marker));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(md).not.toContain('_Trimmed');
  });

  test('without a verdict the headline shows the state', () => {
    const md = renderSummary(runResult([], { verdict: undefined, state: 'timed_out' }));
    expect(md.split('\n')[0]).toBe('## ⏱️ Timed out: Checkout plan');
    expect(md).toContain('**State:** timed out');
    expect(md).toContain('- No test results were reported.');
  });

  test('headline icons per verdict', () => {
    expect(renderSummary(runResult([], { verdict: 'passed' }))).toMatch(/^## ✅ Passed/);
    expect(renderSummary(runResult([], { verdict: 'stopped' }))).toMatch(/^## ⏹️ Stopped/);
    expect(renderSummary(runResult([], { verdict: 'error' }))).toMatch(/^## ⚠️ Error/);
  });

  test('failed tests first, then errored, before the full list; each with its message', () => {
    const md = renderSummary(runResult(sample()));
    const failed = md.indexOf('<b>pay</b>');
    const errored = md.indexOf('<b>refund</b>');
    const fullList = md.indexOf('All tests by suite');
    expect(failed).toBeGreaterThan(0);
    expect(failed).toBeLessThan(errored);
    expect(errored).toBeLessThan(fullList);
    expect(md).toContain(
      '<details><summary>❌ Safari › Smoke › <b>pay</b>: Button missing</summary>\n\n```\nButton missing\n\nat step 3\n```\n\n</details>',
    );
    expect(md).toContain('💥 Chrome › <b>refund</b>: Session lost');
    // The full list groups by suite and keeps every test.
    expect(md).toContain('#### Chrome\n\n3 tests: 2 passed, 1 error');
    expect(md).toContain('| 🔁 flaky | coupon | — |');
    expect(md).toContain('| ❌ | Smoke › pay | 5.0 s |');
    expect(md.match(/^\| (✅|❌|💥|⏭️|🔁 flaky) \|/gm)).toHaveLength(5);
  });

  test('counts-only results: totals from the vendor, a note, no invented tests', () => {
    const md = renderSummary(
      runResult([], { reportedCounts: { total: 10, passed: 7, failed: 3, errors: 1 } }),
    );
    expect(md).toContain('| 10 | 7 | 2 | 1 | 0 | 0 | — |');
    expect(md).toContain('- The vendor reported counts only');
    expect(md).toContain('per-test results were not available. There are no tests to list');
    expect(md).toContain('one placeholder test case per counted test');
    expect(md).not.toContain('All tests by suite');
    const withReason = renderSummary(
      runResult([], {
        reportedCounts: { total: 2, passed: 2 },
        reportedCountsReason: 'per-test results need automationToken',
      }),
    );
    expect(withReason).toContain(
      '- The vendor reported counts only; per-test results were not available: per-test results need automationToken.',
    );
  });

  test('pure and deterministic', () => {
    const result = runResult(sample());
    expect(renderSummary(result, { notes: ['x'] })).toBe(renderSummary(result, { notes: ['x'] }));
  });
});

describe('renderSummary: untrusted text', () => {
  const hostileName =
    '::error::pwned | `tick` <img src=x onerror=alert(1)> [x](javascript:alert(1)) @octocat ##vso[task.complete]';

  test('hostile names and messages cannot inject markup, commands or table cells', () => {
    const suites: TestSuite[] = [
      {
        name: `Suite ${hostileName}`,
        cases: [
          { name: hostileName, classname: '|a|b|', status: 'passed' },
          {
            name: hostileName,
            status: 'failed',
            message:
              'boom\n```\n</details>\n# injected heading\n<img src=x onerror=alert(1)>\n::error::from message',
            details: '````\n##vso[task.setvariable variable=x]y',
          },
        ],
      },
    ];
    const md = renderSummary(
      runResult(suites, {
        title: `<script>alert(1)</script> ${hostileName}`,
        vendor: '**vendor**',
        runUrl: 'javascript:alert(1)',
        links: [{ label: '<b>x</b>', url: 'data:text/html,hi' }],
      }),
      { notes: [`::warning::${hostileName}`] },
    );
    const markup = markupLines(md);
    const text = markup.join('\n');
    expect(text).not.toMatch(/<(script|img)/i);
    // Quoted inline (after other text) a `#` is harmless; no line may start a heading with it.
    expect(markup.some((line) => /^\s*#+ injected/.test(line))).toBe(false);
    expect(text).not.toContain('](javascript');
    expect(md).not.toContain('javascript:alert(1))');
    expect(md).not.toContain('data:text');
    expect(text).toContain('@\u200Boctocat');
    // Our own HTML is the only HTML.
    for (const tag of text.match(/<\/?[a-z]+/gi) ?? []) {
      expect(['<details', '</details', '<summary', '</summary', '<b', '</b']).toContain(tag);
    }
    // No line of the whole summary (code blocks included) is a CI command.
    for (const line of md.split(/\r\n|\r|\n/)) {
      expect(line).not.toMatch(/^\s*::/);
      expect(line).not.toMatch(/##vso\[|##\[/i);
    }
    // Table rows keep exactly their four cell separators.
    const rows = markup.filter((line) => /^\| (✅|❌|💥|⏭️)/.test(line));
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row.split('|')).toHaveLength(5);
  });
});

describe('renderSummary: size budget', () => {
  const huge = 'x'.repeat(10 * 1024 * 1024);

  function bigRun(tests: number, failed: number, message: string): RunResult {
    const suites: TestSuite[] = [];
    for (let s = 0; s < 100; s += 1) {
      const cases: TestCase[] = [];
      for (let i = 0; i < tests / 100; i += 1) {
        const n = s * (tests / 100) + i;
        // Multi-byte names: the budget is bytes, not string length.
        cases.push(
          n % Math.floor(tests / failed) === 0
            ? { name: `テスト ${n}`, status: 'failed', message, details: message }
            : { name: `テスト ${n}`, status: 'passed', durationSeconds: 0.25 },
        );
      }
      suites.push({ name: `スイート ${s}`, cases });
    }
    return runResult(suites);
  }

  test('100,000 tests with 10 MB messages stay under the default limit, with a trim note', () => {
    const started = Date.now();
    const md = renderSummary(bigRun(100_000, 2_000, huge), {
      notes: ['a note', huge],
      limitName: "GitHub's 1 MiB summary limit",
    });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(Buffer.byteLength(md, 'utf8')).toBeLessThanOrEqual(DEFAULT_SUMMARY_MAX_BYTES);
    expect(Buffer.byteLength(md, 'utf8')).toBeGreaterThan(DEFAULT_SUMMARY_MAX_BYTES - 64 * 1024);
    expect(md).toMatch(
      /\n_Trimmed: [\d,]+ tests are not listed, [\d,]+ messages were shortened and [\d,]+ messages were left out to stay under GitHub's 1 MiB summary limit\. The JUnit file has everything\._\n$/,
    );
    // The failures are there before anything else is dropped.
    expect(md.indexOf('### Failed and errored tests (2,000)')).toBeGreaterThan(0);
    expect(md.match(/<b>テスト \d+<\/b>/g)!.length).toBeGreaterThan(1_000);
    // Whatever was cut, markup stays balanced.
    const markup = markupLines(md).join('\n');
    expect(markup.split('<details>').length).toBe(markup.split('</details>').length);
  });

  test('a small limit: every failure named first, messages left out, note says so', () => {
    // Room for the 200 names (about 38 KB of them) and little more.
    const maxBytes = 48_000;
    const md = renderSummary(bigRun(1_000, 200, 'y'.repeat(5_000)), { maxBytes });
    expect(Buffer.byteLength(md, 'utf8')).toBeLessThanOrEqual(maxBytes);
    const note = md.trimEnd().split('\n').pop();
    expect(note).toMatch(/^_Trimmed: [\d,]+ tests are not listed/);
    expect(note).toMatch(/messages? (was|were) left out to stay under the 46 KiB summary limit/);
    // The names of all 200 failures fit, most of their messages do not.
    const named = md.split('\n').filter((l) => /^(<details><summary>)?❌ スイート/.test(l));
    expect(named).toHaveLength(200);
  });

  test('some room left after the names: messages shortened, still every failure named', () => {
    const maxBytes = 120_000;
    const md = renderSummary(bigRun(1_000, 200, 'y'.repeat(5_000)), { maxBytes });
    expect(Buffer.byteLength(md, 'utf8')).toBeLessThanOrEqual(maxBytes);
    const named = md.split('\n').filter((l) => /^(<details><summary>)?❌ スイート/.test(l));
    expect(named).toHaveLength(200);
    expect(md).toMatch(/messages? (was|were) shortened/);
  });

  test('the budget counts UTF-8 bytes: 4-byte names take four times their length', () => {
    const maxBytes = 100_000;
    const cases: TestCase[] = Array.from({ length: 5_000 }, (_, i) => ({
      name: `${'😀'.repeat(100)} ${i}`,
      status: i % 10 === 0 ? 'failed' : 'passed',
      message: '💥'.repeat(2_000),
    }));
    const md = renderSummary(runResult([{ name: '🧪', cases }]), { maxBytes });
    expect(Buffer.byteLength(md, 'utf8')).toBeLessThanOrEqual(maxBytes);
    // Within the limit by construction, not by the last-resort clip: the note is intact.
    expect(md).toMatch(/The JUnit file has everything\._\n$/);
  });

  test('a single huge message is shortened with a marker and the note', () => {
    const md = renderSummary(
      runResult([{ name: 's', cases: [{ name: 't', status: 'failed', message: huge }] }]),
    );
    expect(Buffer.byteLength(md, 'utf8')).toBeLessThan(64 * 1024);
    expect(md).toMatch(/… \[[\d,]+ more characters\]/);
    expect(md).toContain('_Trimmed: 1 message was shortened to stay under');
  });

  test.each([0, 100, 500, 2_000])('a tiny limit (%i bytes) still holds', (maxBytes) => {
    const md = renderSummary(bigRun(1_000, 100, huge), { maxBytes, notes: [huge] });
    expect(Buffer.byteLength(md, 'utf8')).toBeLessThanOrEqual(maxBytes);
  });
});

describe('renderSummary: reported to', () => {
  const reports: SinkReport[] = [
    {
      sink: 'testomatio',
      displayName: 'Testomat.io',
      status: 'reported',
      message: 'Reported 3 tests to run a0b1c2d3.',
      url: 'https://app.testomat.io/projects/shop/runs/a0b1c2d3',
      id: 'a0b1c2d3',
      total: 3,
      sent: 3,
      unmatched: ['Cart › adds *bold*'],
    },
    {
      sink: 'spira',
      displayName: 'Spira',
      status: 'failed',
      message: 'Spira refused the API key of relay-bot.',
      total: 3,
      sent: 0,
      unmatched: Array.from({ length: 60 }, (_, i) => `T${i}`),
    },
  ];

  it('has a row per system with status, counts and link, its message, and the unmatched tests', () => {
    const markdown = renderSummary(runResult(sample()), { sinks: reports });
    expect(markdown).toContain('### Reported to');
    expect(markdown).toContain(
      '| Testomat.io | ✅ reported | 3 of 3 | 1 | [a0b1c2d3](https://app.testomat.io/projects/shop/runs/a0b1c2d3) |',
    );
    expect(markdown).toContain('| Spira | ❌ failed | 0 of 3 | 60 |  |');
    expect(markdown).toContain('- **Spira:** Spira refused the API key of relay-bot.');
    expect(markdown).toContain('<summary>1 test not matched in Testomat.io</summary>');
    expect(markdown).toContain('- Cart › adds &#42;bold&#42;');
    expect(markdown).toContain('- T49\n- … and 10 more');
    expect(markdown).not.toContain('- T50\n');
  });

  it('says nothing of systems when none was asked for', () => {
    expect(renderSummary(runResult(sample()))).not.toContain('Reported to');
  });
});
