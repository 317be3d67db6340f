// The neutral result model every source produces and every output (JUnit, summary,
// CI outputs, sinks) is computed from. Totals are derived from the cases, never stored.

/** How the wait ended. */
export type RunState = 'completed' | 'timed_out' | 'cancelled' | 'error';

/** What the tests say; undefined while unknown (e.g. after a timeout). */
export type Verdict = 'passed' | 'failed' | 'error' | 'stopped';

export type CaseStatus = 'passed' | 'failed' | 'error' | 'skipped';

export interface TestCase {
  name: string;
  classname?: string;
  status: CaseStatus;
  /** Seconds. */
  durationSeconds?: number;
  /** Failure, error or skip reason (untrusted vendor text). */
  message?: string;
  /** Stack trace or failure body (untrusted vendor text). */
  details?: string;
  /** Passed only after one or more failed attempts (JUnit flakyFailure/rerunFailure). */
  flaky?: boolean;
  file?: string;
  line?: number;
  properties?: Record<string, string>;
  /** The case's own system-out (untrusted, cut to 8 KB): sinks read test ids from it (tid://…). */
  output?: string;
}

export interface TestSuite {
  name: string;
  cases: TestCase[];
  /** Seconds, as reported; undefined when unknown. */
  durationSeconds?: number;
  timestamp?: string;
  properties?: Record<string, string>;
}

export interface EvidenceLink {
  label: string;
  url: string;
}

export interface RunResult {
  /** The source module's name (`testsigma`, …), or `junit` for results from files. */
  vendor: string;
  /** The vendor as people write it ("Squish Test Center"); `vendor` when not given. */
  vendorName?: string;
  runId?: string;
  runUrl?: string;
  /** Plan or source name for display. */
  title?: string;
  state: RunState;
  verdict?: Verdict;
  suites: TestSuite[];
  /** Human-readable note on how the run ended (untrusted when it comes from a vendor). */
  message?: string;
  /** Seconds the remote run took, when known. */
  durationSeconds?: number;
  links: EvidenceLink[];
  /**
   * Counts the vendor reported when no per-test results could be had. Used only
   * when `suites` is empty, so the totals are never counted twice.
   */
  reportedCounts?: Partial<Totals>;
  /**
   * Why there are counts only, in a few words ("per-test results need automationToken"), when
   * the source knows. Shown with the JUnit file's placeholder test cases and in the summary.
   */
  reportedCountsReason?: string;
  /** Set when TestRelay stopped the remote run (on cancel or timeout). */
  remoteStopped?: boolean;
  /**
   * With state `error`: 'input' when an input or local file was the problem (a build file
   * that cannot be read), not the vendor or the network.
   */
  errorCause?: 'input' | 'vendor';
}

export interface Totals {
  total: number;
  passed: number;
  /** Failures and errors together. */
  failed: number;
  errors: number;
  skipped: number;
  flaky: number;
}

export function allCases(result: Pick<RunResult, 'suites'>): TestCase[] {
  return result.suites.flatMap((suite) => suite.cases);
}

/** True when the vendor gave counts but no test case: the totals come from its counts. */
export function isCountsOnly<T extends Pick<RunResult, 'suites' | 'reportedCounts'>>(
  result: T,
): result is T & { reportedCounts: Partial<Totals> } {
  return (
    result.reportedCounts !== undefined && result.suites.every((suite) => suite.cases.length === 0)
  );
}

export function totalsOf(result: Pick<RunResult, 'suites' | 'reportedCounts'>): Totals {
  if (isCountsOnly(result)) {
    const counts = result.reportedCounts;
    const passed = counts.passed ?? 0;
    const failed = counts.failed ?? 0;
    const skipped = counts.skipped ?? 0;
    return {
      total: counts.total ?? passed + failed + skipped,
      passed,
      failed,
      errors: counts.errors ?? 0,
      skipped,
      flaky: counts.flaky ?? 0,
    };
  }
  // One pass: the relay asks for the totals several times, and a report may hold 100k cases.
  const byStatus: Record<CaseStatus, number> = { passed: 0, failed: 0, error: 0, skipped: 0 };
  let flaky = 0;
  for (const suite of result.suites) {
    for (const testCase of suite.cases) {
      byStatus[testCase.status] += 1;
      if (testCase.flaky) flaky += 1;
    }
  }
  const { passed, failed, error, skipped } = byStatus;
  return {
    total: passed + failed + error + skipped,
    passed,
    failed: failed + error,
    errors: error,
    skipped,
    flaky,
  };
}

/**
 * The verdict a set of cases implies, for sources (like JUnit files) that have no verdict of
 * their own; undefined when no test ran (none, or all skipped): the failOnEmpty rule decides.
 */
export function verdictFromCases(
  result: Pick<RunResult, 'suites' | 'reportedCounts'>,
): Verdict | undefined {
  const totals = totalsOf(result);
  if (totals.failed > totals.errors) return 'failed';
  if (totals.errors > 0) return 'error';
  if (totals.passed > 0) return 'passed';
  return undefined;
}

/** Failed and errored cases, failures first: what a reader needs to see first. */
export function problemCases(result: Pick<RunResult, 'suites'>): TestCase[] {
  const cases = allCases(result);
  return [
    ...cases.filter((c) => c.status === 'failed'),
    ...cases.filter((c) => c.status === 'error'),
  ];
}

/** Sum of the known values, or undefined when none is known. */
export function sumKnown(values: Array<number | undefined>): number | undefined {
  const known = values.filter((value): value is number => value !== undefined);
  return known.length === 0 ? undefined : known.reduce((sum, value) => sum + value, 0);
}

/** Seconds of one suite: as reported, else the sum of its cases. */
export function suiteDurationSeconds(suite: TestSuite): number | undefined {
  return suite.durationSeconds ?? sumKnown(suite.cases.map((testCase) => testCase.durationSeconds));
}

/**
 * Seconds of the run: as the vendor reported; else from the suites' start times to the end
 * of the last (suites run in parallel on devices or workers, so their sum overstates it);
 * else the sum of the suites' times.
 */
export function runDurationSeconds(
  result: Pick<RunResult, 'durationSeconds' | 'suites'>,
): number | undefined {
  return wallSeconds(result) ?? sumKnown(result.suites.map(suiteDurationSeconds));
}

/** The run's wall time, when known: reported, or spanned by timestamped suites. */
export function wallSeconds(
  result: Pick<RunResult, 'durationSeconds' | 'suites'>,
): number | undefined {
  if (result.durationSeconds !== undefined) return result.durationSeconds;
  if (result.suites.length === 0) return undefined;
  let first = Infinity;
  let last = -Infinity;
  for (const suite of result.suites) {
    const start = suite.timestamp ? Date.parse(suite.timestamp) : NaN;
    const seconds = suiteDurationSeconds(suite);
    if (!Number.isFinite(start) || seconds === undefined) return undefined;
    first = Math.min(first, start);
    last = Math.max(last, start + seconds * 1000);
  }
  return (last - first) / 1000;
}

/** The vendor's name as people write it, for messages and summaries. */
export function vendorTitle(result: Pick<RunResult, 'vendor' | 'vendorName'>): string {
  return result.vendorName ?? result.vendor;
}

/** How a test is named in messages: "classname › name", or the name alone. */
export function caseLabel(testCase: { name: string; classname?: string }): string {
  return testCase.classname ? `${testCase.classname} › ${testCase.name}` : testCase.name;
}
