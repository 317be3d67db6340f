// File mode: existing JUnit files relayed like a vendor run's results, by the bundled
// action and the bundled CLI.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseJunitXml } from '../../src/core/junit-read.js';
import { ROOT, runAction, runCli } from '../helpers/github-runner.js';

const FIXTURES = path.join(ROOT, '__tests__', 'fixtures', 'e2e-files');

function workspaceWithResults(step: { workspace: string }): void {
  fs.cpSync(path.join(FIXTURES, 'results'), path.join(step.workspace, 'results'), {
    recursive: true,
  });
}

describe('JUnit files with no vendor', () => {
  it('the action relays them: outputs, summary, annotations, exit status', async () => {
    const step = await runAction(
      { junitFiles: 'results/**/*.xml' },
      { prepare: workspaceWithResults },
    );
    expect(step.exitCode).toBe(1);
    expect(step.outputs).toMatchObject({
      state: 'completed',
      verdict: 'failed',
      total: '10',
      passed: '7',
      failed: '2',
      skipped: '1',
    });
    const errors = step.stdout.split('\n').filter((l) => l.startsWith('::error'));
    expect(errors).toHaveLength(3);
    expect(errors[0]).toContain('shows the total');
    expect(errors[1]).toContain('pays by invoice');
    expect(step.summary).toContain('shows the total');
    expect(step.summary).toMatch(/Flaky/);

    const written = await parseJunitXml(
      fs.readFileSync(path.join(step.workspace, step.outputs.junitPath), 'utf8'),
    );
    const cases = written.flatMap((s) => s.cases);
    expect(cases).toHaveLength(10);
    expect(
      cases
        .filter((c) => c.flaky)
        .map((c) => c.name)
        .sort(),
    ).toEqual(['cancels an order', 'retries a declined card']);
  });

  it('several pattern lines and negations work, and a pattern matching nothing is an error', async () => {
    const some = await runAction(
      { junitFiles: 'results/sub/*.xml\n!results/app.xml' },
      { prepare: workspaceWithResults },
    );
    expect(some.exitCode).toBe(0);
    expect(some.outputs).toMatchObject({ verdict: 'passed', total: '3', passed: '3' });

    const none = await runAction(
      { junitFiles: 'reports/*.xml' },
      { prepare: workspaceWithResults },
    );
    expect(none.exitCode).toBe(1);
    expect(none.stdout).toMatch(/reports\/\*\.xml/);
  });

  it('files where no test ran fail by default, and pass with a warning when failOnEmpty is off', async () => {
    const emptyAndSkipped = (step: { workspace: string }) => {
      fs.mkdirSync(path.join(step.workspace, 'out'));
      fs.writeFileSync(path.join(step.workspace, 'out', 'empty.xml'), '<testsuites/>');
      fs.writeFileSync(
        path.join(step.workspace, 'out', 'skipped.xml'),
        '<testsuite name="s"><testcase name="later"><skipped/></testcase></testsuite>',
      );
    };
    const strict = await runAction({ junitFiles: 'out/*.xml' }, { prepare: emptyAndSkipped });
    expect(strict.exitCode).toBe(1);
    expect(strict.stdout).toMatch(/::error::No tests ran \(1 skipped\)/);
    expect(strict.outputs).toMatchObject({ total: '1', skipped: '1', verdict: '' });

    const lenient = await runAction(
      { junitFiles: 'out/*.xml', failOnEmpty: 'false' },
      { prepare: emptyAndSkipped },
    );
    expect(lenient.exitCode).toBe(0);
    expect(lenient.stdout).toMatch(/::warning::No tests ran \(1 skipped\)\. failOnEmpty is off\./);
  });

  it('the CLI report command does the same from flags', async () => {
    const cli = await runCli(
      ['report', '--junit-files', 'results/**/*.xml', '--outputs-file', 'out.env', '--json'],
      {
        prepare: workspaceWithResults,
      },
    );
    expect(cli.exitCode).toBe(1);
    const outputs = Object.fromEntries(
      fs
        .readFileSync(path.join(cli.workspace, 'out.env'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(/=(.*)/s).slice(0, 2)),
    );
    expect(outputs).toMatchObject({
      total: '10',
      passed: '7',
      failed: '2',
      skipped: '1',
      verdict: 'failed',
    });
    const json = JSON.parse(cli.stdout) as Record<string, unknown>;
    expect(json.total).toBe(10);
    expect(fs.existsSync(path.join(cli.workspace, 'testrelay-results', 'summary.md'))).toBe(true);
  });
});
