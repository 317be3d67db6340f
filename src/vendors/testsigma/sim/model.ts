// The Testsigma simulator's data model (vendor-apis/testsigma.md §3-§4): its scenario knobs'
// type, the variant flags, the statuses and the vendor's texts, and the shapes of a run and of
// how it is seen at one moment. Planning is in plan.ts, the state machine in run.ts, the runs
// of a server in store.ts.

import type { Scenario, VariantOf } from '../../../simulator/kit.js';

/** The API family a request used: cloud `/execution_results` or self-hosted `/test_plan_results`. */
export type Flavour = 'cloud' | 'self-hosted';

/** Testsigma's scenario: the common knobs plus the vendor knobs declared in index.ts. */
export interface TestsigmaScenario extends Scenario {
  machines: number;
  result: string | null;
  junitLagSeconds: number;
  rejectParallel: boolean | null;
  triggerFailsAfterCreate: boolean;
  missingPlanIds: string[];
  planName: string;
  iterations: number;
  apiDisabled: boolean;
}

/** The `variant` flags, by the name the simulator reads each under (help: VARIANTS in index.ts). */
export const VARIANT_FLAGS = {
  selfHosted: 'self-hosted',
  docsSpelling: 'docs-spelling',
  nullCounts: 'null-counts',
  unknownStatus: 'unknown-status',
  controlChars: 'control-chars',
  rerun: 'rerun',
  queuedPhases: 'queued-phases',
} as const;

export type Variant = VariantOf<typeof VARIANT_FLAGS>;

export const STATUS = {
  created: 'STATUS_CREATED',
  queued: 'STATUS_QUEUED',
  preFlight: 'STATUS_PRE_FLIGHT',
  inProgress: 'STATUS_IN_PROGRESS',
  completed: 'STATUS_COMPLETED',
  /** Not a Testsigma value: the `unknown-status` variant shows it mid-run. */
  unknown: 'STATUS_WAITING_FOR_DEVICE',
} as const;

/** The vendor's own texts (open-source server, AutomatorMessages). */
export const MESSAGES = {
  created: 'Test Plan execution is initiated and waiting to be queued',
  queued: 'Test plan is queued',
  preFlight: 'Test plan is moved to pre flight status',
  inProgress: 'Test Plan in Progress',
  unknown: 'Waiting for a device to become available',
  completed: 'Test plan execution completed',
  failed: 'Test plan execution failed',
  userStopped: 'User stopped the Test Plan',
  planStopped: 'Test Plan Execution Was Stopped',
  alreadyRunning:
    'The specified Test Plan is currently running. Please wait until the current Test Plan is ' +
    'complete. You may also use Testsigma Test Plan Status Check API to wait for the current ' +
    'Test Plan to complete. More details - https://testsigma.com/docs/continuous-integration/rest-api/',
  agentInactive: 'Agent is out of Sync. Please restart Agent',
} as const;

export const STATUS_MESSAGES: Record<string, string> = {
  [STATUS.created]: MESSAGES.created,
  [STATUS.queued]: MESSAGES.queued,
  [STATUS.preFlight]: MESSAGES.preFlight,
  [STATUS.inProgress]: MESSAGES.inProgress,
  [STATUS.unknown]: MESSAGES.unknown,
};

export interface PlannedTest {
  index: number;
  name: string;
  suiteIndex: number;
  suiteName: string;
  machineIndex: number;
  machineName: string;
  /** The result the test gets when it runs. */
  result: string;
  /** null for tests that never ran (NOT_EXECUTED, STOPPED). */
  durationMs: number | null;
  message: string;
}

export interface Counts {
  total: number;
  passed: number;
  failed: number;
  aborted: number;
  stopped: number;
  notExecuted: number;
  queued: number;
}

export interface Run {
  id: number;
  /** Plan id as a string key (for overrides, parallel checks). */
  planKey: string;
  /** Plan id as the API echoes it (a number when numeric). */
  planIdValue: number | string;
  planName: string;
  /** The path family that triggered the run (decides auth for shared routes). */
  flavour: Flavour;
  buildNo: string | null;
  environmentId: number | null;
  createdAt: number;
  scenario: TestsigmaScenario;
  variant: Variant;
  tests: PlannedTest[];
  finalResult: string;
  /** Status polls answered so far (drives `pollsToComplete`). */
  polls: number;
  /** When poll-based progression reached completion. */
  completedAt: number | null;
  stop: { at: number; done: number; message: string } | null;
  /** Set when the trigger failed after creating the run (`triggerFailsAfterCreate`). */
  failedToStart: string | null;
  parentId: number | null;
  childId: number | null;
}

export interface RunView {
  status: string;
  /** Raw Testsigma result (spelling variants are applied when serializing). */
  result: string;
  message: string;
  terminal: boolean;
  endTime: number | null;
  duration: number | null;
  /** Tests finished so far. */
  done: number;
  counts: Counts;
  /** Effective result per test (`QUEUED` while pending). */
  testResults: string[];
}
