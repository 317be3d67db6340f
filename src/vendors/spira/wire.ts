// Spira's REST payloads and enums as TestRelay sends and reads them (vendor-apis/spira.md §2-§4).
// Field names are Spira's own (PascalCase); ids are bare integers (TC:123 → 123).

/** The service below the instance URL; v7_0 is the current REST API (§2). */
export const SERVICE_PATH = '/Services/v7_0/RestService.svc';

/** `ExecutionStatusId` (§4). */
export const EXECUTION_STATUS = {
  failed: 1,
  passed: 2,
  notRun: 3,
  notApplicable: 4,
  blocked: 5,
  caution: 6,
} as const;

/** `BuildStatusId` (§4): a build is the only place a run verdict lives in Spira. */
export const BUILD_STATUS = { failed: 1, passed: 2 } as const;

/** `TestRunFormatId`: the format of RunnerStackTrace; TestRelay sends plain text. */
export const TEST_RUN_FORMAT_PLAIN_TEXT = 1;

/** The name Spira shows as the tool that recorded an automated run. */
export const RUNNER_NAME = 'TestRelay';

/** POST projects/{pid}/test-runs/record (one) and record-multiple (an array of them). */
export interface RemoteAutomatedTestRun {
  TestRunFormatId: number;
  RunnerName: string;
  RunnerTestName: string;
  /** Required by Spira and never empty: the failure message, else the status in words. */
  RunnerMessage: string;
  /** Required by Spira: the failure body, or ''. */
  RunnerStackTrace: string;
  RunnerAssertCount: number;
  TestCaseId: number;
  ExecutionStatusId: number;
  ReleaseId?: number;
  TestSetId?: number;
  BuildId?: number;
  StartDate: string;
  EndDate: string;
}

/** POST projects/{pid}/releases/{rid}/builds. ReleaseId goes in the body too (§5). */
export interface RemoteBuildRequest {
  ProjectId: number;
  ReleaseId: number;
  BuildStatusId: number;
  Name: string;
  Description: string;
}

export interface RemoteBuild {
  BuildId?: number;
}

/** One step of a manual-run shell (KB684): TestRunStepId stays 0 until Spira saves it. */
export interface ManualRunStep {
  TestRunStepId: number;
  TestStepId?: number | null;
  ExecutionStatusId?: number;
  ActualResult?: string | null;
  [field: string]: unknown;
}

/**
 * A manual-run shell from POST projects/{pid}/test-runs/create (KB684 step 1), sent back
 * populated with PUT projects/{pid}/test-runs. Fields TestRelay does not touch are kept as
 * received (ConcurrencyDate above all: Spira rejects a stale one).
 */
export interface ManualRunShell {
  TestRunId: number;
  TestCaseId: number;
  ExecutionStatusId?: number | null;
  ReleaseId?: number | null;
  TestSetId?: number | null;
  BuildId?: number | null;
  StartDate?: string | null;
  EndDate?: string | null;
  ConcurrencyDate?: string | null;
  TestRunSteps?: ManualRunStep[] | null;
  [field: string]: unknown;
}

/**
 * The pages people open. The API returns no page addresses, so they are built by hand from
 * Spira's usual URL scheme: `<instance>/<product>/Build/<id>.aspx` and
 * `<instance>/<product>/TestRun/List.aspx`.
 */
export function buildPageUrl(instanceUrl: string, projectId: number, buildId: number): string {
  return `${instanceUrl}/${projectId}/Build/${buildId}.aspx`;
}

export function testRunsPageUrl(instanceUrl: string, projectId: number): string {
  return `${instanceUrl}/${projectId}/TestRun/List.aspx`;
}
