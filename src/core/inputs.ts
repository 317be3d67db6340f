// The one list of TestRelay's inputs and outputs. action.yml, the CLI's --help and the
// README's tables are checked against it by tests, so a name or default can't drift.

export interface InputSpec {
  name: string;
  description: string;
  /** Default as text, exactly as action.yml declares it ('' = no default). */
  default: string;
  /** Marks inputs that hold credentials: masked, never logged. */
  secret?: boolean;
  /** Which vendor (or feature) the input belongs to, for grouping in docs and --help. */
  group: 'common' | 'testsigma' | 'sofy' | 'squish' | 'testomatio' | 'spira';
}

export const INPUTS: InputSpec[] = [
  {
    name: 'vendor',
    group: 'common',
    default: '',
    description:
      'Test platform to run on: testsigma, sofy or squish (Squish Test Center). Leave empty to relay existing JUnit files (junitFiles).',
  },
  {
    name: 'baseUrl',
    group: 'common',
    default: '',
    description:
      "Vendor API base URL. Default: the vendor's cloud (Testsigma: https://app.testsigma.com/api/v1; Sofy: https://public.sofy.ai, or https://api.sofy.ai for the legacy API). Required for self-hosted servers (Testsigma self-hosted, Squish Test Center).",
  },
  {
    name: 'apiKey',
    group: 'common',
    default: '',
    secret: true,
    description:
      'Vendor API key (Squish Test Center: an access token). Pass it from a secret; it is masked and never logged.',
  },
  {
    name: 'planId',
    group: 'common',
    default: '',
    description:
      'Test plan to trigger. Testsigma: the plan id (CI/CD Integration tab). Sofy: the scheduled run id (a GUID; a number for the legacy API). Squish Test Center: the template id (or use project and planTitle).',
  },
  {
    name: 'runId',
    group: 'common',
    default: '',
    description:
      'Attach to an existing run instead of triggering one (e.g. the runId a timed-out job printed; Sofy: the test run group id, with planId).',
  },
  {
    name: 'junitFiles',
    group: 'common',
    default: '',
    description:
      'Glob(s) of existing JUnit files, one per line; with no vendor, these files are relayed instead of a vendor run.',
  },
  {
    name: 'timeout',
    group: 'common',
    default: '',
    description:
      'Longest time to wait for the run, e.g. 45m, 1h30m; the wait always ends by then. Default: 30m for Testsigma, 2h30m for Sofy (its device queue can take 2 hours), 1h for Squish Test Center.',
  },
  {
    name: 'pollInterval',
    group: 'common',
    default: 'auto',
    description:
      "'auto' adapts to the run's progress (never faster than the vendor allows); or a fixed interval of at least 1s, e.g. 30s.",
  },
  {
    name: 'onTimeout',
    group: 'common',
    default: 'fail',
    description: "What a timeout does to the step: 'fail' or 'neutral' (warn and succeed).",
  },
  {
    name: 'cancelOnTimeout',
    group: 'common',
    default: 'false',
    description:
      'Stop the remote run when the timeout is reached. Leave false to let it finish and attach to it later with runId.',
  },
  {
    name: 'failOnTestFailure',
    group: 'common',
    default: 'true',
    description: 'Fail the step when any test failed or errored.',
  },
  {
    name: 'failOnEmpty',
    group: 'common',
    default: 'true',
    description: 'Fail the step when no test ran: a success must mean tests ran and passed.',
  },
  {
    name: 'junitPath',
    group: 'common',
    default: 'testrelay-results/junit.xml',
    description: 'Where to write the JUnit XML of the results.',
  },
  {
    name: 'summary',
    group: 'common',
    default: 'true',
    description: 'Write a job summary (verdict, totals, failed tests first, link to the run).',
  },
  {
    name: 'maxAnnotations',
    group: 'common',
    default: '10',
    description:
      'Most error annotations for failed tests (GitHub shows at most 10 per step; one is kept for the step failure itself).',
  },
  {
    name: 'artifactName',
    group: 'common',
    default: '',
    description:
      'If set, upload the JUnit file and the summary as a workflow artifact with this name (GitHub only).',
  },
  {
    name: 'caCertPath',
    group: 'common',
    default: '',
    description:
      'PEM file of extra CA certificates to trust (self-hosted servers with a private CA).',
  },
  {
    name: 'dryRun',
    group: 'common',
    default: 'false',
    description:
      'Validate the inputs and show the request that would start the run, without sending it.',
  },
  {
    name: 'reportTo',
    group: 'common',
    default: '',
    description:
      'Also report the results to these test-management systems: testomatio, spira (comma-separated). Works after a vendor run and with junitFiles alone.',
  },
  {
    name: 'failOnNoMatch',
    group: 'common',
    default: 'true',
    description:
      'Fail the step when a reportTo system matched none of the tests (Testomat.io: no @T id; Spira: no test case). A partial match only warns.',
  },
  {
    name: 'apiFlavor',
    group: 'testsigma',
    default: '',
    description:
      "API flavour. Testsigma: 'cloud' (default) or 'self-hosted'. Sofy: 'current' (public.sofy.ai) or 'legacy' (api.sofy.ai); default: from planId (a GUID is current, a number legacy).",
  },
  {
    name: 'runtimeData',
    group: 'testsigma',
    default: '',
    description:
      'Testsigma runtime data: key=value lines, or a JSON object of strings. TestRelay adds ciRunUrl and ciCommit unless you set them.',
  },
  {
    name: 'buildNo',
    group: 'testsigma',
    default: '',
    description: "Testsigma build number shown with the results. Default: the CI's run number.",
  },
  {
    name: 'environmentId',
    group: 'testsigma',
    default: '',
    description: 'Testsigma environment id to run against (a positive integer).',
  },
  {
    name: 'appHash',
    group: 'sofy',
    default: '',
    description: 'Sofy: run this uploaded build (its app hash). Default: the latest build.',
  },
  {
    name: 'appPath',
    group: 'sofy',
    default: '',
    description:
      'Sofy: upload this .apk or .ipa first (a local path, or an http(s) URL that is downloaded) and run it.',
  },
  {
    name: 'project',
    group: 'squish',
    default: '',
    description: 'Squish Test Center: project of the template named by planTitle.',
  },
  {
    name: 'planTitle',
    group: 'squish',
    default: '',
    description: 'Squish Test Center: title of the test plan template to run (instead of planId).',
  },
  {
    name: 'title',
    group: 'squish',
    default: '',
    description:
      'Squish Test Center: title of the new plan execution. Default: workflow name and run number.',
  },
  {
    name: 'batch',
    group: 'squish',
    default: '',
    description:
      'Squish Test Center: batch that receives the results. Default: branch and run number, one batch per CI run.',
  },
  {
    name: 'username',
    group: 'squish',
    default: '',
    description: 'Squish Test Center: user name, with password, instead of an apiKey token.',
  },
  {
    name: 'password',
    group: 'squish',
    default: '',
    secret: true,
    description: 'Squish Test Center: password for username. Pass it from a secret.',
  },
  {
    name: 'scheduleTime',
    group: 'squish',
    default: '',
    description:
      'Squish Test Center: when Test Center should run the plan itself: now, an ISO 8601 time, or epoch ms (with linkedRepos).',
  },
  {
    name: 'linkedRepos',
    group: 'squish',
    default: '',
    description:
      "Squish Test Center: '<repository id>=<branch or commit>' lines; a bare id means the CI's commit.",
  },
  {
    name: 'capabilities',
    group: 'squish',
    default: '',
    description:
      'Squish Test Center: key=value lines; wait only for the executions with these capabilities (e.g. OS=Linux).',
  },
  {
    name: 'automationToken',
    group: 'squish',
    default: '',
    secret: true,
    description:
      "Squish Test Center: the AutomationToken shown on your server's Results API page, for per-test results.",
  },
  {
    name: 'testomatioApiKey',
    group: 'testomatio',
    default: '',
    secret: true,
    description:
      'Testomat.io project token (tstmt_…); Testomat.io passes it as `testomatio` when it starts the pipeline. Pass it from a secret.',
  },
  {
    name: 'testomatioUrl',
    group: 'testomatio',
    default: 'https://app.testomat.io',
    description: 'Testomat.io server (on-premise or beta hosts).',
  },
  {
    name: 'testomatioRunId',
    group: 'testomatio',
    default: '',
    description:
      'Report into this existing run instead of creating one (Testomat.io passes it as `run` when it starts the pipeline).',
  },
  {
    name: 'testomatioTitle',
    group: 'testomatio',
    default: '',
    description:
      'Title of the new run. Default: what ran and the CI run, e.g. "Testsigma test plan 2090 · CI #42". Parallel jobs of a shared run must use the same title.',
  },
  {
    name: 'testomatioEnv',
    group: 'testomatio',
    default: '',
    description: 'Environment of the run, e.g. "Windows, Chrome".',
  },
  {
    name: 'testomatioTags',
    group: 'testomatio',
    default: '',
    description: 'Tags of the new run, comma-separated.',
  },
  {
    name: 'testomatioGroup',
    group: 'testomatio',
    default: '',
    description: 'Run group (by title; created if needed; "/" nests groups).',
  },
  {
    name: 'testomatioSharedRun',
    group: 'testomatio',
    default: 'false',
    description:
      'Parallel jobs report into one run (found by title): each job closes only its part; a last job with testomatioRunId closes the run.',
  },
  {
    name: 'testomatioRunStatus',
    group: 'testomatio',
    default: 'finish',
    description:
      'Only for the job that closes a shared run: finish (Testomat.io works out the result from the parts), pass or fail.',
  },
  {
    name: 'testomatioCreateTests',
    group: 'testomatio',
    default: 'false',
    description:
      'Let Testomat.io create the tests it cannot match (no @T id, no test of that title).',
  },
  {
    name: 'testomatioRunTimeUnit',
    group: 'testomatio',
    default: 'ms',
    description:
      "Unit of each test's run_time: 'ms' (what Testomat.io's own importer sends) or 's' (what its API spec says).",
  },
  {
    name: 'spiraUrl',
    group: 'spira',
    default: '',
    description:
      'Spira instance, e.g. https://example.spiraservice.net (with its virtual directory on-premise, e.g. https://host/Spira).',
  },
  {
    name: 'spiraUsername',
    group: 'spira',
    default: '',
    description: 'Spira user name that records the test runs.',
  },
  {
    name: 'spiraApiKey',
    group: 'spira',
    default: '',
    secret: true,
    description:
      "The Spira user's API key (RSS token, with or without its curly braces). Pass it from a secret.",
  },
  {
    name: 'spiraProjectId',
    group: 'spira',
    default: '',
    description: 'Spira product (project) id, e.g. 24 or PR:24.',
  },
  {
    name: 'spiraReleaseId',
    group: 'spira',
    default: '',
    description: 'Release the test runs belong to, e.g. 5 or RL:5.',
  },
  {
    name: 'spiraTestSetId',
    group: 'spira',
    default: '',
    description: 'Test set the test runs belong to, e.g. 2 or TX:2.',
  },
  {
    name: 'spiraMapping',
    group: 'spira',
    default: '',
    description:
      'Tests → Spira test cases: a file (or the lines inline) of "classname.name = 123" lines, "default = 9" for the rest, "= 123 manual" for the manual-run flow. Tests may also carry TC:123 in their name or a spira.testCaseId JUnit property.',
  },
  {
    name: 'spiraBuildName',
    group: 'spira',
    default: '',
    description:
      'Create a build of this name under spiraReleaseId first (passed or failed from the verdict) and record the runs in it.',
  },
  {
    name: 'spiraStatuses',
    group: 'spira',
    default: '',
    description:
      'ExecutionStatusId per test status over the defaults passed=2, failed=1, error=5 (Blocked), skipped=3 (Not Run), e.g. "skipped=4".',
  },
];

export interface OutputSpec {
  name: string;
  description: string;
}

export const OUTPUTS: OutputSpec[] = [
  { name: 'runId', description: 'Vendor run id (attach to it later with the runId input).' },
  { name: 'runUrl', description: 'Link to the run in the vendor app.' },
  { name: 'state', description: 'How the wait ended: completed, timed_out, cancelled or error.' },
  {
    name: 'verdict',
    description: 'What the tests say: passed, failed, error or stopped; empty while unknown.',
  },
  { name: 'total', description: 'Number of tests.' },
  { name: 'passed', description: 'Tests that passed.' },
  { name: 'failed', description: 'Tests that failed or errored.' },
  { name: 'skipped', description: 'Tests skipped or not run.' },
  { name: 'duration', description: 'Run duration in seconds, when known.' },
  { name: 'junitPath', description: 'Path of the JUnit file written.' },
  {
    name: 'testomatioRunUrl',
    description:
      'Link to the Testomat.io run that received the results (with reportTo testomatio).',
  },
  {
    name: 'testomatioRunId',
    description:
      'Id of that Testomat.io run: pass it as testomatioRunId to a later job (e.g. to close a shared run).',
  },
  {
    name: 'spiraRunUrl',
    description:
      'Link to the Spira build, or test runs, that received the results (with reportTo spira).',
  },
];

export function inputSpec(name: string): InputSpec {
  const spec = INPUTS.find((input) => input.name === name);
  if (!spec) throw new Error(`internal: unknown input ${name}`);
  return spec;
}

/** camelCase input name → kebab-case CLI flag name. */
export function flagName(inputName: string): string {
  return inputName.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** camelCase input name → TESTRELAY_* environment variable. */
export function envName(inputName: string): string {
  return `TESTRELAY_${inputName.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}
