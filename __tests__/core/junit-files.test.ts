import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { JunitParseError } from '../../src/core/junit-read.js';
import {
  JunitFilesNotFoundError,
  SOURCE_FILE_PROPERTY,
  readJunitFiles,
} from '../../src/core/junit-files.js';

const fixtures = fileURLToPath(new URL('../fixtures/junit/', import.meta.url));

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'testrelay-junit-files-'));
  // reports/{a,b}/… plus files a negation must drop and a directory that looks like a file.
  for (const sub of ['reports/a', 'reports/b/flaky', 'other', 'reports/dir.xml']) {
    await mkdir(path.join(dir, sub), { recursive: true });
  }
  const copies: [string, string][] = [
    ['testsigma.xml', 'reports/a/TEST-testsigma.xml'],
    ['surefire-flaky.xml', 'reports/b/TEST-surefire.xml'],
    ['phpunit-nested.xml', 'reports/b/flaky/TEST-phpunit.xml'],
    ['pytest.xml', 'other/pytest.xml'],
  ];
  for (const [from, to] of copies) await copyFile(path.join(fixtures, from), path.join(dir, to));
  await writeFile(path.join(dir, 'reports/a/notes.txt'), 'not a report');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readJunitFiles', () => {
  test('several patterns and a negation; sorted, each file once, only files', async () => {
    const { files, suites, unmatchedPatterns } = await readJunitFiles(
      ['reports/**/*.xml', 'other/*.xml', './reports/a/*.xml', '!**/flaky/**'],
      { cwd: dir },
    );
    expect(files).toEqual([
      'other/pytest.xml',
      'reports/a/TEST-testsigma.xml',
      'reports/b/TEST-surefire.xml',
    ]);
    expect(unmatchedPatterns).toEqual([]);
    expect(suites.map((s) => [s.name, s.properties?.[SOURCE_FILE_PROPERTY]])).toEqual([
      ['pytest', 'other/pytest.xml'],
      ['Checkout plan || Chrome on Windows', 'reports/a/TEST-testsigma.xml'],
      ['Checkout plan || Safari on macOS', 'reports/a/TEST-testsigma.xml'],
      ['com.example.shop.CheckoutTest', 'reports/b/TEST-surefire.xml'],
    ]);
    // The file tag is added next to the suite's own properties, not instead of them.
    expect(suites[3].properties?.['java.version']).toBe('17.0.9');
  });

  test('no match at all → an error naming the patterns that matched nothing', async () => {
    const attempt = readJunitFiles(['build/**/*.xml', 'reports/**/*.json', '!reports/a/**'], {
      cwd: dir,
    });
    await expect(attempt).rejects.toBeInstanceOf(JunitFilesNotFoundError);
    await expect(attempt).rejects.toThrow(
      /nothing matched "build\/\*\*\/\*\.xml", "reports\/\*\*\/\*\.json"$/,
    );
  });

  test('a negation that removes every match is also "nothing matched"', async () => {
    await expect(readJunitFiles(['other/*.xml', '!other/**'], { cwd: dir })).rejects.toThrow(
      /nothing matched "other\/\*\.xml"/,
    );
  });

  test('patterns that matched nothing beside others that did are reported, not fatal', async () => {
    const { files, unmatchedPatterns } = await readJunitFiles(['other/*.xml', 'missing/*.xml'], {
      cwd: dir,
    });
    expect(files).toEqual(['other/pytest.xml']);
    expect(unmatchedPatterns).toEqual(['missing/*.xml']);
  });

  test('an unreadable report fails naming the file, and an unnamed suite takes the file name', async () => {
    await writeFile(path.join(dir, 'other/broken.xml'), '<testsuite><testcase></testsuite>');
    await expect(readJunitFiles(['other/*.xml'], { cwd: dir })).rejects.toThrow(
      /Cannot read JUnit XML from other\/broken\.xml: malformed XML/,
    );
    await writeFile(
      path.join(dir, 'other/broken.xml'),
      '<testsuite><testcase name="t"/></testsuite>',
    );
    const { suites } = await readJunitFiles(['other/broken.xml'], { cwd: dir });
    expect(suites[0].name).toBe('other/broken.xml');
  });

  test('a report with a DOCTYPE is refused through the file reader too', async () => {
    await copyFile(path.join(fixtures, 'billion-laughs.xml'), path.join(dir, 'other/lol.xml'));
    await expect(readJunitFiles(['other/lol.xml'], { cwd: dir })).rejects.toBeInstanceOf(
      JunitParseError,
    );
  });

  test('UTF-16 (with BOM) and Latin-1 declared files are decoded', async () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-16"?><testsuite name="Grüße"><testcase name="ü"/></testsuite>';
    await writeFile(
      path.join(dir, 'other/utf16.xml'),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]),
    );
    const latin =
      '<?xml version="1.0" encoding="ISO-8859-1"?><testsuite name="Café"><testcase name="é"/></testsuite>';
    await writeFile(path.join(dir, 'other/latin1.xml'), Buffer.from(latin, 'latin1'));
    const { suites } = await readJunitFiles(['other/utf16.xml', 'other/latin1.xml'], { cwd: dir });
    expect(suites.map((s) => [s.name, s.cases[0].name])).toEqual([
      ['Café', 'é'],
      ['Grüße', 'ü'],
    ]);
  });
});
