// The Testsigma simulator's JUnit report (vendor-apis/testsigma.md §3.3), as the server's
// JunitReportService + JAXB write it.

import { deviceName, escapeMarkup } from '../../../simulator/kit.js';
import type { Run, RunView } from './model.js';
import { testRows } from './results.js';

// Raw control characters pass through escapeMarkup, as they do on the real server.

function escapeXmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** DurationFormatUtils "ss.SSS": total seconds, zero-padded, may exceed 59; null → 00.000. */
export function formatSecondsField(ms: number | null): string {
  const value = Math.max(0, Math.round(ms ?? 0));
  const seconds = Math.floor(value / 1000);
  return `${String(seconds).padStart(2, '0')}.${String(value % 1000).padStart(3, '0')}`;
}

/** java.sql.Timestamp#toString in server-local time: `yyyy-MM-dd HH:mm:ss.S` (fraction trimmed). */
export function formatJavaTimestamp(epochMs: number): string {
  const date = new Date(epochMs);
  const pad = (value: number): string => String(value).padStart(2, '0');
  const millis = date.getMilliseconds();
  const fraction = millis === 0 ? '0' : String(millis).padStart(3, '0').replace(/0+$/, '');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${fraction}`
  );
}

export function runPageUrl(origin: string, run: Run): string {
  return `${origin}/ui/td/runs/${run.id}`;
}

export function junitXml(run: Run, view: RunView, origin: string): string {
  const url = runPageUrl(origin, run);
  const rows = testRows(run, view);
  const lines = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', '<testsuites>'];
  for (let machine = 0; machine < run.scenario.machines; machine += 1) {
    const cases = rows.filter((row) => row.machineIndex === machine);
    // failures and errors carry the same number: every non-SUCCESS case (the vendor's way).
    const failing = cases.filter((row) => row.result !== 'SUCCESS').length;
    const time = cases.reduce((sum, row) => sum + (row.durationMs ?? 0), 0);
    // A machine without tests (more machines than tests) still gets its (empty) suite.
    const name = `${run.planName} || ${deviceName(machine)}`;
    lines.push(
      `    <testsuite name="${escapeMarkup(name)}" timestamp="${formatJavaTimestamp(run.createdAt)}" ` +
        `tests="${cases.length}" failures="${failing}" errors="${failing}" time="${formatSecondsField(time)}">`,
      '        <properties>',
      `            <property name="Testsigma reports URL" value="${escapeMarkup(url)}"/>`,
      '        </properties>',
    );
    for (const row of cases) {
      const attributes =
        `name="${escapeMarkup(row.name)}" classname="${escapeMarkup(row.suiteName)}" ` +
        `time="${formatSecondsField(row.durationMs)}"`;
      if (row.result === 'SUCCESS') {
        lines.push(`        <testcase ${attributes}/>`);
      } else {
        const failure = `Test failed with message:"${row.message}".please visit below URL for more details.\n ${url}`;
        lines.push(
          `        <testcase ${attributes}>`,
          `            <failure>${escapeXmlText(failure)}</failure>`,
          '        </testcase>',
        );
      }
    }
    lines.push(
      `        <system-out>${escapeXmlText(`For More info on results, visit ${url}`)}</system-out>`,
      '    </testsuite>',
    );
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}
