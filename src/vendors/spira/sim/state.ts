// State of the Spira simulator (vendor-apis/spira.md §3-§6): what clients wrote (test runs,
// builds, attachments, manual-run shells), ConcurrencyDate bookkeeping and the in-flight write
// tracker. The seeded catalog is in catalog.ts, the shapes in model.ts.
//
// Everything a client sends is KEPT, duplicates included, so tests can assert exactly what
// arrived (see `keptData()`, served at `<baseUrl>/__spira/runs`).

import { performance } from 'node:perf_hooks';
import { createPrng } from '../../../simulator/kit.js';
import {
  TEST_RUN_TYPE,
  type NewRun,
  type StoredBuild,
  type StoredDocument,
  type StoredRun,
} from './model.js';

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

  addRun(run: NewRun): StoredRun {
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
