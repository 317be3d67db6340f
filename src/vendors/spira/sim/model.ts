// The Spira simulator's data model (vendor-apis/spira.md §3-§6): its scenario knobs, the
// execution statuses and the test runs, builds and documents it stores, in Spira's field
// names, with the status roll-up rules.

import type { Scenario } from '../../../simulator/kit.js';

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

/** A test run as a request describes it, before the store gives it an id. */
export type NewRun = Omit<StoredRun, 'TestRunId' | 'duplicateOf' | 'updates'>;

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

/** EndDate − StartDate in ms, or null when either is missing or does not parse. */
export function durationOf(start: string | null, end: string | null): number | null {
  if (start === null || end === null) return null;
  const ms = Date.parse(end) - Date.parse(start);
  return Number.isFinite(ms) ? ms : null;
}
