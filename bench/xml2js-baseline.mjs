// The baseline when no peer action is at hand: read a JUnit file with plain xml2js (the
// parser most JUnit actions are built on), count its cases and write a summary line.
import * as fs from 'node:fs';
import xml2js from 'xml2js';

const file = process.env.INPUT_JUNITFILES;
const doc = await xml2js.parseStringPromise(fs.readFileSync(file, 'utf8'));
let cases = 0;
const visit = (suite) => {
  cases += (suite.testcase || []).length;
  (suite.testsuite || []).forEach(visit);
};
(doc.testsuites ? doc.testsuites.testsuite || [] : [doc.testsuite]).forEach(visit);
fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY, `${cases} tests\n`);
