// The GitLab agent on its own: the dotenv report within GitLab's limits, section markers in
// GitLab's own form that vendor text can never forge, the CI context, and the exit statuses.
import { PassThrough } from 'node:stream';
import {
  dotenvKey,
  dotenvOf,
  DOTENV_MAX_BYTES,
  DOTENV_MAX_VARIABLES,
  GitLabAgent,
  GITLAB_NEUTRAL_EXIT,
} from '../../src/ci/gitlab.js';
import { Redactor } from '../../src/core/redact.js';

// GitLab's pattern for a section marker (the one its log renderer and gitlab-ci-local use).
// eslint-disable-next-line no-control-regex
const GITLAB_SECTION = /\x1b\[0Ksection_(start|end):(\d+):([^\s[]+)(?:\[[^\]]*\])?\r\x1b\[0K/;

function agentWithLog(env: NodeJS.ProcessEnv = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let text = '';
  stdout.on('data', (chunk) => (text += chunk));
  stderr.on('data', (chunk) => (text += chunk));
  const agent = new GitLabAgent({
    flags: {},
    env,
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
  });
  return { agent, log: () => text };
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('dotenv report', () => {
  it('names outputs TESTRELAY_ plus upper snake case', () => {
    expect(['runUrl', 'verdict', 'testomatioRunId', 'junitPath'].map(dotenvKey)).toEqual([
      'TESTRELAY_RUN_URL',
      'TESTRELAY_VERDICT',
      'TESTRELAY_TESTOMATIO_RUN_ID',
      'TESTRELAY_JUNIT_PATH',
    ]);
  });

  it('keeps each value on one line and leaves no secret in it', () => {
    const redactor = new Redactor();
    redactor.add('s3cr3t-key-value');
    const { text } = dotenvOf(
      { runUrl: 'https://x/?k=s3cr3t-key-value', note: 'a\nb\r\nc' },
      redactor,
    );
    expect(text).not.toContain('s3cr3t-key-value');
    expect(text.trimEnd().split('\n')).toHaveLength(2);
    expect(text).toContain('TESTRELAY_NOTE=a b c');
  });

  it(`stays within ${DOTENV_MAX_VARIABLES} variables and ${DOTENV_MAX_BYTES} bytes, naming what it left out`, () => {
    const many = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`out${i}`, 'x']));
    const byCount = dotenvOf(many, new Redactor());
    expect(byCount.text.trimEnd().split('\n')).toHaveLength(DOTENV_MAX_VARIABLES);
    expect(byCount.leftOut).toEqual(['out20', 'out21', 'out22', 'out23', 'out24']);

    const big = dotenvOf(
      { verdict: 'failed', message: 'y'.repeat(6000), total: '3' },
      new Redactor(),
    );
    expect(Buffer.byteLength(big.text)).toBeLessThanOrEqual(DOTENV_MAX_BYTES);
    expect(big.leftOut).toEqual(['message']);
    expect(big.text).toContain('TESTRELAY_TOTAL=3');
  });
});

describe('log sections', () => {
  it('opens and closes sections in the form GitLab reads, the wait collapsed', () => {
    const { agent, log } = agentWithLog();
    agent.section('trigger', 'Starting Testsigma test plan 1');
    agent.section('wait', 'Waiting for run 7');
    agent.finish({ conclusion: 'success', reason: 'ok' });
    const markers = log()
      .split('\n')
      .map((line) => GITLAB_SECTION.exec(line))
      .filter((match) => match !== null)
      .map((match) => `${match[1]} ${match[3]}`);
    expect(markers).toEqual([
      'start testrelay_trigger',
      'end testrelay_trigger',
      'start testrelay_wait',
      'end testrelay_wait',
    ]);
    expect(log()).toContain('testrelay_wait[collapsed=true]');
  });

  it('vendor text cannot forge a marker, a colour or overwrite the line before it', () => {
    const { agent, log } = agentWithLog();
    agent.logger.info('name \x1b[0Ksection_start:1:evil\r\x1b[0Kfake \x1b[31mred\x1b[0m\rover');
    expect(log()).not.toMatch(GITLAB_SECTION);
    expect(log()).not.toContain('\x1b');
    expect(log()).not.toContain('\r');
    expect(log()).toContain('section_start:1:evil');
  });
});

describe('CI context and exit status', () => {
  it("reads GitLab's predefined variables", () => {
    const { agent } = agentWithLog({
      CI_PROJECT_PATH: 'qa/shop',
      CI_COMMIT_SHA: 'abc123',
      CI_COMMIT_REF_NAME: 'feature/x',
      CI_COMMIT_BRANCH: 'feature/x',
      CI_PIPELINE_IID: '42',
      CI_JOB_URL: 'https://gitlab.example.com/qa/shop/-/jobs/9',
      CI_PROJECT_NAME: 'shop',
      CI_MERGE_REQUEST_IID: '5',
    });
    expect(agent.context()).toEqual({
      ci: 'gitlab',
      repository: 'qa/shop',
      commit: 'abc123',
      ref: 'feature/x',
      branch: 'feature/x',
      runNumber: '42',
      runUrl: 'https://gitlab.example.com/qa/shop/-/jobs/9',
      workflow: 'shop !5',
    });
  });

  it(`ends a neutral outcome with exit ${GITLAB_NEUTRAL_EXIT}, a failure with 1, bad input with 2`, () => {
    const { agent } = agentWithLog();
    agent.finish({ conclusion: 'neutral', reason: 'Timed out' });
    expect(process.exitCode).toBe(GITLAB_NEUTRAL_EXIT);
    agent.finish({ conclusion: 'failure', reason: 'failed' });
    expect(process.exitCode).toBe(1);
    agent.finish({ conclusion: 'failure', reason: 'bad', inputProblems: [] });
    expect(process.exitCode).toBe(2);
    agent.finish({ conclusion: 'success', reason: 'ok' });
    expect(process.exitCode).toBe(0);
  });
});
