// Writes the benchmark's JUnit input: `suites` × `casesPerSuite` test cases, 5 % failed with a
// stack trace, 2 % skipped, like a large Surefire report. Deterministic, so runs compare.
import * as fs from 'node:fs';

export interface JunitShape {
  suites: number;
  casesPerSuite: number;
}

const TRACE = Array.from(
  { length: 25 },
  (_, i) => `\tat com.example.checkout.CartService.step${i}(CartService.java:${100 + i})`,
).join('\n');

export function writeJunit(file: string, shape: JunitShape): number {
  const out = fs.openSync(file, 'w');
  const write = (text: string): void => {
    fs.writeSync(out, text);
  };
  const total = shape.suites * shape.casesPerSuite;
  write(`<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="bench" tests="${total}">\n`);
  for (let s = 0; s < shape.suites; s += 1) {
    const parts: string[] = [
      `  <testsuite name="com.example.suite${s}.CheckoutTest" tests="${shape.casesPerSuite}" time="12.5" timestamp="2026-12-07T10:00:00">\n`,
    ];
    for (let c = 0; c < shape.casesPerSuite; c += 1) {
      const n = s * shape.casesPerSuite + c;
      const head = `    <testcase name="places order ${n} &amp; pays" classname="com.example.suite${s}.CheckoutTest" time="0.${(n % 900) + 100}"`;
      if (n % 20 === 7) {
        parts.push(
          `${head}>\n      <failure message="expected 200 but was 500 (order ${n})" type="java.lang.AssertionError">java.lang.AssertionError: expected 200 but was 500\n${TRACE}</failure>\n      <system-out>order ${n}: checkout started</system-out>\n    </testcase>\n`,
        );
      } else if (n % 50 === 13) {
        parts.push(`${head}>\n      <skipped message="not on this platform"/>\n    </testcase>\n`);
      } else {
        parts.push(`${head}/>\n`);
      }
    }
    parts.push('  </testsuite>\n');
    write(parts.join(''));
  }
  write('</testsuites>\n');
  fs.closeSync(out);
  return fs.statSync(file).size;
}
