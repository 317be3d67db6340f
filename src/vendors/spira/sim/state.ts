// State of the Spira simulator (vendor-apis/spira.md §3-§6): the seeded catalog (products, test
// cases with steps, releases, test sets), what clients wrote (test runs, builds, attachments,
// manual-run shells), ConcurrencyDate bookkeeping and the in-flight write tracker.
//
// Everything a client sends is KEPT, duplicates included, so tests can assert exactly what
// arrived (see `keptData()`, served at `<baseUrl>/__spira/runs`).

import { performance } from 'node:perf_hooks';
import { createPrng, type Scenario } from '../../../simulator/kit.js';

/** The Spira knobs as they sit in the scenario (names in index.ts). */
export interface SpiraScenario extends Scenario {
  spiraProjectIds: string[];
  spiraTestCaseIds: string[];
  spiraStepsPerTestCase: number;
  spiraReleaseIds: string[];
  spiraTestSetIds: string[];
  spiraUsername: string;
  spiraWriteLimit: number;
  spiraDeadlockProbability: number;
  spiraRecordMultiple: boolean;
  spiraApiVersions: string[];
  spiraLostWrite: number;
  spiraEchoKey: boolean;
}

/** `ExecutionStatusId` values (§4). */
export const STATUS = {
  failed: 1,
  passed: 2,
  notRun: 3,
  notApplicable: 4,
  blocked: 5,
  caution: 6,
} as const;

export const ARTIFACT_TEST_RUN = 5;
export const TESTER_ID = 1;
export const TEST_RUN_TYPE = { manual: 1, automated: 2 } as const;

export interface RunStep {
  TestRunStepId: number;
  TestRunId: number;
  TestStepId: number | null;
  TestCaseId: number;
  ExecutionStatusId: number;
  Position: number;
  Description: string | null;
  ExpectedResult: string | null;
  SampleData: string | null;
  ActualResult: string | null;
  ActualDuration: number | null;
  StartDate: string | null;
  EndDate: string | null;
}

/** One stored test run, in the field names Spira uses, plus simulator bookkeeping. */
export interface StoredRun {
  TestRunId: number;
  Name: string;
  ProjectId: number;
  TestCaseId: number;
  TestRunTypeId: number;
  ExecutionStatusId: number;
  ReleaseId: number | null;
  TestSetId: number | null;
  BuildId: number | null;
  TesterId: number;
  StartDate: string | null;
  EndDate: string | null;
  TestRunFormatId: number | null;
  RunnerName: string | null;
  RunnerTestName: string | null;
  RunnerMessage: string | null;
  RunnerStackTrace: string | null;
  RunnerAssertCount: number | null;
  AutomationHostId: number | null;
  AutomationEngineId: number | null;
  CustomProperties: unknown;
  TestRunSteps: RunStep[];
  ConcurrencyDate: string;
  ArtifactTypeId: number;
  /** Simulator: how it arrived (`record`, `record-multiple`, `manual`). */
  via: 'record' | 'record-multiple' | 'manual';
  /** Simulator: API version of the path it arrived on (`v7_0`, …). */
  apiVersion: string;
  /** Simulator: ISO time it was stored. */
  receivedAt: string;
  /** Simulator: EndDate − StartDate in ms, or null when either is missing. */
  durationMs: number | null;
  /** Simulator: the run-level ExecutionStatusId a manual PUT carried (KB684 says: delete it). */
  sentRunStatus: number | null;
  /** Simulator: the TestRunId of an earlier identical result, or null. */
  duplicateOf: number | null;
  /** Simulator: times it was updated by a PUT of an existing run. */
  updates: number;
}

export interface StoredBuild {
  BuildId: number;
  ProjectId: number;
  ReleaseId: number;
  BuildStatusId: number;
  Name: string;
  Description: string | null;
  CreationDate: string;
  ConcurrencyDate: string;
  apiVersion: string;
}

export interface StoredDocument {
  AttachmentId: number;
  ProjectId: number;
  AttachmentTypeId: number;
  FilenameOrUrl: string;
  /** Decoded size of `BinaryData` (files only). */
  Size: number;
  AttachedArtifacts: Array<{ ArtifactId: number; ArtifactTypeId: number }>;
  UploadDate: string;
}

/** Seeded catalog lookups (ids are shared by every seeded product: a simplification). */
export class Catalog {
  constructor(private readonly scenario: SpiraScenario) {}

  hasProject(id: number): boolean {
    return this.scenario.spiraProjectIds.includes(String(id));
  }

  hasTestCase(id: number): boolean {
    return this.scenario.spiraTestCaseIds.includes(String(id));
  }

  hasRelease(id: number): boolean {
    return this.scenario.spiraReleaseIds.includes(String(id));
  }

  hasTestSet(id: number): boolean {
    return this.scenario.spiraTestSetIds.includes(String(id));
  }

  testCaseIds(): number[] {
    return this.scenario.spiraTestCaseIds.map(Number);
  }

  /** A test set holds every seeded test case and belongs to the first seeded release. */
  testSetRelease(): number | null {
    const first = this.scenario.spiraReleaseIds[0];
    return first === undefined ? null : Number(first);
  }

  testCaseName(id: number): string {
    return `Test case TC:${id}`;
  }

  /** Steps of a test case: ids `testCaseId * 100 + position` (deterministic). */
  steps(testCaseId: number): Array<{ TestStepId: number; Position: number }> {
    return Array.from({ length: this.scenario.spiraStepsPerTestCase }, (_, index) => ({
      TestStepId: testCaseId * 100 + index + 1,
      Position: index + 1,
    }));
  }
}

/** Spira's roll-up of step statuses into the run status (failed > blocked > caution > …). */
export function rollUp(statuses: number[]): number {
  for (const status of [STATUS.failed, STATUS.blocked, STATUS.caution, STATUS.notRun]) {
    if (statuses.includes(status)) return status;
  }
  if (statuses.length > 0 && statuses.every((status) => status === STATUS.notApplicable)) {
    return STATUS.notApplicable;
  }
  return statuses.length === 0 ? STATUS.notRun : STATUS.passed;
}

/** KB684: creation fails when steps are all Not Run, or Not Run mixed only with Passed/N/A. */
export function onlyNotRunMix(statuses: number[]): boolean {
  return (
    statuses.includes(STATUS.notRun) &&
    statuses.every(
      (status) =>
        status === STATUS.notRun || status === STATUS.passed || status === STATUS.notApplicable,
    )
  );
}

/** Tracks writes in flight: each holds the server from arrival until its answer leaves. */
export class WriteTracker {
  private readonly inFlight: Array<{ until: number; project: number }> = [];
  peak = 0;
  readonly peakByProject = new Map<number, number>();
  deadlocks = 0;
  writes = 0;
  private random: () => number = Math.random;
  private seed: number | null = null;

  /**
   * Registers one write arriving now whose answer leaves after `holdMs` (the response
   * latency) and returns how many writes are in flight with it, server-wide.
   */
  enter(project: number, holdMs: number): { total: number; project: number } {
    const now = performance.now();
    for (let i = this.inFlight.length - 1; i >= 0; i -= 1) {
      if (this.inFlight[i].until <= now) this.inFlight.splice(i, 1);
    }
    // Node timers may fire a little early against this clock: shave a margin so that a
    // client that waits for an answer before its next write is never counted twice.
    const margin = Math.min(5, holdMs / 4);
    if (holdMs > 0) this.inFlight.push({ until: now + holdMs - margin, project });
    const total = Math.max(1, this.inFlight.length);
    const inProject = Math.max(1, this.inFlight.filter((w) => w.project === project).length);
    this.writes += 1;
    this.peak = Math.max(this.peak, total);
    this.peakByProject.set(project, Math.max(this.peakByProject.get(project) ?? 0, inProject));
    return { total, project: inProject };
  }

  inFlightNow(): number {
    const now = performance.now();
    return this.inFlight.filter((write) => write.until > now).length;
  }

  /** Whether a write over the limit loses the deadlock (seeded when the scenario has a seed). */
  deadlocked(probability: number, seed: number | null): boolean {
    if (seed !== this.seed) {
      this.seed = seed;
      this.random = seed === null ? Math.random : createPrng(seed);
    }
    if (probability >= 1) return true;
    return probability > 0 && this.random() < probability;
  }

  clear(): void {
    this.inFlight.length = 0;
    this.peak = 0;
    this.peakByProject.clear();
    this.deadlocks = 0;
    this.writes = 0;
  }
}

/** Hands out ConcurrencyDate values: ISO times that strictly increase, so each is unique. */
export class ConcurrencyClock {
  private last = 0;

  next(now: number): string {
    this.last = Math.max(now, this.last + 1);
    return new Date(this.last).toISOString();
  }

  clear(): void {
    this.last = 0;
  }
}

/** Same result recorded again: same product, test case, type, status, name and dates. */
function sameResult(a: StoredRun, b: StoredRun): boolean {
  return (
    a.ProjectId === b.ProjectId &&
    a.TestCaseId === b.TestCaseId &&
    a.TestRunTypeId === b.TestRunTypeId &&
    a.ExecutionStatusId === b.ExecutionStatusId &&
    a.RunnerTestName === b.RunnerTestName &&
    a.StartDate === b.StartDate &&
    a.EndDate === b.EndDate &&
    a.ReleaseId === b.ReleaseId &&
    a.TestSetId === b.TestSetId
  );
}

export function durationOf(start: string | null, end: string | null): number | null {
  if (start === null || end === null) return null;
  const ms = Date.parse(end) - Date.parse(start);
  return Number.isFinite(ms) ? ms : null;
}

export class SpiraStore {
  readonly runs: StoredRun[] = [];
  readonly builds: StoredBuild[] = [];
  readonly documents: StoredDocument[] = [];
  /** Issued shells: `${projectId}:${testCaseId}` → the ConcurrencyDates handed out. */
  private readonly shells = new Map<string, Set<string>>();
  shellsIssued = 0;
  readonly writes = new WriteTracker();
  readonly clock = new ConcurrencyClock();
  private nextRunId = 1;
  private nextBuildId = 1;
  private nextDocumentId = 1;

  addRun(run: Omit<StoredRun, 'TestRunId' | 'duplicateOf' | 'updates'>): StoredRun {
    const stored: StoredRun = { ...run, TestRunId: this.nextRunId, duplicateOf: null, updates: 0 };
    this.nextRunId += 1;
    stored.TestRunSteps = stored.TestRunSteps.map((step, index) => ({
      ...step,
      TestRunId: stored.TestRunId,
      TestRunStepId: stored.TestRunId * 1000 + index + 1,
    }));
    stored.duplicateOf =
      this.runs.find((earlier) => sameResult(earlier, stored))?.TestRunId ?? null;
    this.runs.push(stored);
    return stored;
  }

  run(projectId: number, id: number): StoredRun | undefined {
    return this.runs.find((run) => run.TestRunId === id && run.ProjectId === projectId);
  }

  runById(id: number): StoredRun | undefined {
    return this.runs.find((run) => run.TestRunId === id);
  }

  addBuild(build: Omit<StoredBuild, 'BuildId'>): StoredBuild {
    const stored = { ...build, BuildId: this.nextBuildId };
    this.nextBuildId += 1;
    this.builds.push(stored);
    return stored;
  }

  build(projectId: number, id: number): StoredBuild | undefined {
    return this.builds.find((build) => build.BuildId === id && build.ProjectId === projectId);
  }

  addDocument(document: Omit<StoredDocument, 'AttachmentId'>): StoredDocument {
    const stored = { ...document, AttachmentId: this.nextDocumentId };
    this.nextDocumentId += 1;
    this.documents.push(stored);
    return stored;
  }

  issueShell(projectId: number, testCaseId: number, concurrencyDate: string): void {
    const key = `${projectId}:${testCaseId}`;
    if (!this.shells.has(key)) this.shells.set(key, new Set());
    this.shells.get(key)!.add(concurrencyDate);
    this.shellsIssued += 1;
  }

  /** Whether `concurrencyDate` is one handed out with a shell of that test case. */
  shellIssued(projectId: number, testCaseId: number, concurrencyDate: unknown): boolean {
    return (
      typeof concurrencyDate === 'string' &&
      (this.shells.get(`${projectId}:${testCaseId}`)?.has(concurrencyDate) ?? false)
    );
  }

  clear(): void {
    this.runs.length = 0;
    this.builds.length = 0;
    this.documents.length = 0;
    this.shells.clear();
    this.shellsIssued = 0;
    this.writes.clear();
    this.clock.clear();
    this.nextRunId = 1;
    this.nextBuildId = 1;
    this.nextDocumentId = 1;
  }

  /**
   * What `GET <baseUrl>/__spira/runs` answers:
   * `{ runs: StoredRun[], builds: StoredBuild[], documents: StoredDocument[],
   *    shellsIssued, counts: { runs, automated, manual, duplicates, byStatus: {"2": n, …},
   *    builds, documents },
   *    concurrency: { limit, peak, peakByProject: {"<pid>": n}, inFlight, writes, deadlocks } }`.
   */
  keptData(limit: number): unknown {
    const byStatus: Record<string, number> = {};
    for (const run of this.runs) {
      byStatus[run.ExecutionStatusId] = (byStatus[run.ExecutionStatusId] ?? 0) + 1;
    }
    return {
      runs: this.runs,
      builds: this.builds,
      documents: this.documents,
      shellsIssued: this.shellsIssued,
      counts: {
        runs: this.runs.length,
        automated: this.runs.filter((run) => run.TestRunTypeId === TEST_RUN_TYPE.automated).length,
        manual: this.runs.filter((run) => run.TestRunTypeId === TEST_RUN_TYPE.manual).length,
        duplicates: this.runs.filter((run) => run.duplicateOf !== null).length,
        byStatus,
        builds: this.builds.length,
        documents: this.documents.length,
      },
      concurrency: {
        limit,
        peak: this.writes.peak,
        peakByProject: Object.fromEntries(this.writes.peakByProject),
        inFlight: this.writes.inFlightNow(),
        writes: this.writes.writes,
        deadlocks: this.writes.deadlocks,
      },
    };
  }
}
