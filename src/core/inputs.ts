// The input table: every input TestRelay takes, with what each CI's metadata needs (type,
// options, label, group, which CLI commands take it). The common rows live here; each vendor
// module adds its own, and src/vendors/registry.ts assembles the one table that drives
// validation, the CLI's flags and help, action.yml and the README (npm run docs).

/** How an input is entered: drives CLI flag parsing and each CI's input widget. */
export type InputType = 'text' | 'multiline' | 'boolean' | 'choice' | 'secret';

/** The CLI commands: `run` takes every input, the others a part. */
export type CommandName = 'run' | 'report' | 'cancel';

export type CiName = 'github' | 'azure' | 'gitlab' | 'cli';

export interface InputSpec {
  name: string;
  /** Short title for CI forms (Azure's task label), e.g. "API key". */
  label: string;
  description: string;
  /** Default as text, exactly as action.yml declares it ('' = no default). */
  default: string;
  type: InputType;
  /** The accepted values of a `choice` input (its default among them, if any). */
  options?: readonly string[];
  /** Marks inputs that hold credentials: masked, never logged. */
  secret: boolean;
  /** 'common', or the name of the module (vendor) the input belongs to. */
  group: string;
  /** The CLI commands that take this input (every input is an input of `run`). */
  commands: readonly CommandName[];
  /**
   * A common input's description without the modules' notes on it (the CLI's help shows
   * those in each module's section).
   */
  generalDescription?: string;
  /** A word for one CI only, appended to the description there (e.g. "GitHub only"). */
  ciNotes?: Partial<Record<CiName, string>>;
}

/** A row as written in a table: everything that can be worked out is optional. */
export type InputRow = Pick<InputSpec, 'name' | 'description'> &
  Partial<Omit<InputSpec, 'name' | 'description' | 'group'>>;

export interface OutputSpec {
  name: string;
  description: string;
  /** A count or a number of seconds: machine-readable output (the CLI's --json) gives a number. */
  numeric?: boolean;
}

// Words a label spells differently from its input name.
const ACRONYMS: Record<string, string> = {
  api: 'API',
  url: 'URL',
  id: 'ID',
  ca: 'CA',
  junit: 'JUnit',
};

/** Fills in what a row leaves out: label from the name, type from the default, `run` only. */
export function defineInputs(group: string, rows: readonly InputRow[]): InputSpec[] {
  return rows.map((row) => {
    const deflt = row.default ?? '';
    const type =
      row.type ??
      (row.secret
        ? 'secret'
        : row.options
          ? 'choice'
          : deflt === 'true' || deflt === 'false'
            ? 'boolean'
            : 'text');
    return {
      ...row,
      label: row.label ?? labelOf(row.name),
      default: deflt,
      type,
      secret: row.secret ?? type === 'secret',
      group,
      commands: row.commands ?? ['run'],
    };
  });
}

const RUN_AND_REPORT: readonly CommandName[] = ['run', 'report'];
const ALL_COMMANDS: readonly CommandName[] = ['run', 'report', 'cancel'];
const RUN_AND_CANCEL: readonly CommandName[] = ['run', 'cancel'];

/**
 * The inputs every vendor shares. Vendor modules add what these mean for them (the registry
 * appends "Testsigma: the plan id …" to planId's description), so no vendor is named here.
 */
export const COMMON_INPUTS: InputSpec[] = defineInputs('common', [
  {
    name: 'vendor',
    label: 'Test platform',
    description:
      'Test platform to run on: {sources}. Leave empty to relay existing JUnit files (junitFiles).',
    commands: RUN_AND_CANCEL,
  },
  {
    name: 'baseUrl',
    label: 'API base URL',
    description: "Vendor API base URL. Default: the vendor's cloud.",
    commands: RUN_AND_CANCEL,
  },
  {
    name: 'apiKey',
    label: 'API key',
    secret: true,
    description: 'Vendor API key. Pass it from a secret; it is masked and never logged.',
    commands: RUN_AND_CANCEL,
  },
  {
    name: 'planId',
    label: 'Test plan',
    description: 'Test plan to trigger.',
    commands: RUN_AND_CANCEL,
  },
  {
    name: 'runId',
    label: 'Attach to run',
    description:
      'Attach to an existing run instead of triggering one (e.g. the runId a timed-out job printed).',
    commands: RUN_AND_CANCEL,
  },
  {
    name: 'apiFlavor',
    label: 'API flavour',
    description: "Flavour or generation of the vendor's API.",
    commands: RUN_AND_CANCEL,
  },
  {
    name: 'junitFiles',
    label: 'JUnit files',
    type: 'multiline',
    description:
      'Glob(s) of existing JUnit files, one per line; with no vendor, these files are relayed instead of a vendor run.',
    commands: RUN_AND_REPORT,
  },
  {
    name: 'timeout',
    description:
      'Longest time to wait for the run, e.g. 45m, 1h30m; the wait always ends by then. Default: {timeouts}.',
  },
  {
    name: 'pollInterval',
    label: 'Poll interval',
    default: 'auto',
    description:
      "'auto' adapts to the run's progress (never faster than the vendor allows); or a fixed interval of at least 1s, e.g. 30s.",
  },
  {
    name: 'onTimeout',
    label: 'On timeout',
    default: 'fail',
    options: ['fail', 'neutral'],
    description: "What a timeout does to the step: 'fail' or 'neutral' (warn and succeed).",
  },
  {
    name: 'cancelOnTimeout',
    label: 'Stop the run on timeout',
    default: 'false',
    description:
      'Stop the remote run when the timeout is reached. Leave false to let it finish and attach to it later with runId.',
  },
  {
    name: 'failOnTestFailure',
    label: 'Fail on test failures',
    default: 'true',
    description: 'Fail the step when any test failed or errored.',
    commands: RUN_AND_REPORT,
  },
  {
    name: 'failOnEmpty',
    label: 'Fail when no test ran',
    default: 'true',
    description: 'Fail the step when no test ran: a success must mean tests ran and passed.',
    commands: RUN_AND_REPORT,
  },
  {
    name: 'junitPath',
    label: 'JUnit output path',
    default: 'testrelay-results/junit.xml',
    description: 'Where to write the JUnit XML of the results.',
    commands: RUN_AND_REPORT,
  },
  {
    name: 'summary',
    label: 'Write a summary',
    default: 'true',
    description: 'Write a job summary (verdict, totals, failed tests first, link to the run).',
    commands: RUN_AND_REPORT,
  },
  {
    name: 'maxAnnotations',
    label: 'Most annotations',
    default: '10',
    description:
      'Most error annotations for failed tests (GitHub shows at most 10 per step; one is kept for the step failure itself).',
    commands: RUN_AND_REPORT,
  },
  {
    name: 'artifactName',
    label: 'Artifact name',
    description:
      'If set, upload the JUnit file and the summary as an artifact with this name (a workflow artifact on GitHub, a build artifact on Azure Pipelines).',
  },
  {
    name: 'caCertPath',
    label: 'CA certificates file',
    description:
      'PEM file of extra CA certificates to trust (self-hosted servers with a private CA).',
    commands: ALL_COMMANDS,
  },
  {
    name: 'dryRun',
    label: 'Dry run',
    default: 'false',
    description:
      'Validate the inputs and show the request that would start the run, without sending it.',
    commands: RUN_AND_REPORT,
  },
  {
    name: 'reportTo',
    label: 'Report to',
    description:
      'Also report the results to these test-management systems: {sinks} (comma-separated). Works after a vendor run and with junitFiles alone.',
    commands: RUN_AND_REPORT,
  },
  {
    name: 'failOnNoMatch',
    label: 'Fail when no test matched',
    default: 'true',
    description:
      'Fail the step when a reportTo system matched none of the tests. A partial match only warns.',
    commands: RUN_AND_REPORT,
  },
]);

export const COMMON_OUTPUTS: OutputSpec[] = [
  { name: 'runId', description: 'Vendor run id (attach to it later with the runId input).' },
  { name: 'runUrl', description: 'Link to the run in the vendor app.' },
  { name: 'state', description: 'How the wait ended: completed, timed_out, cancelled or error.' },
  {
    name: 'verdict',
    description: 'What the tests say: passed, failed, error or stopped; empty while unknown.',
  },
  { name: 'total', description: 'Number of tests.', numeric: true },
  { name: 'passed', description: 'Tests that passed.', numeric: true },
  { name: 'failed', description: 'Tests that failed or errored.', numeric: true },
  { name: 'skipped', description: 'Tests skipped or not run.', numeric: true },
  { name: 'duration', description: 'Run duration in seconds, when known.', numeric: true },
  { name: 'junitPath', description: 'Path of the JUnit file written.' },
];

/** Inputs that sinks take: run and report, like every reporting input. */
export const SINK_COMMANDS = RUN_AND_REPORT;
/** Inputs a vendor needs to be reached at all (so `cancel` takes them too). */
export const CONNECTION_COMMANDS = RUN_AND_CANCEL;

/** camelCase input name → kebab-case CLI flag name. */
export function flagName(inputName: string): string {
  return inputName.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** camelCase input name → TESTRELAY_* environment variable. */
export function envName(inputName: string): string {
  return `TESTRELAY_${inputName.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/** "testomatioRunId" → "Testomatio run ID": a readable label when a row gives none. */
export function labelOf(name: string): string {
  const words = name.split(/(?=[A-Z])/).map((word) => word.toLowerCase());
  const label = words.map((word) => ACRONYMS[word] ?? word).join(' ');
  return label.charAt(0).toUpperCase() + label.slice(1);
}
