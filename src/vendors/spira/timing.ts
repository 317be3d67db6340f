// StartDate and EndDate of each recorded run. Spira shows them and computes the run's
// duration from them, and a manual run without an EndDate cannot be opened (KB684).

import type { TestSuite } from '../../core/result.js';
import type { MappedCase } from './mapping.js';

export interface RunTimes {
  start: string;
  end: string;
}

// JUnit timestamps usually carry no zone ("2024-05-14T14:00:00"): read them as UTC, since
// JavaScript would otherwise read them in this machine's zone, which is not the test machine's.
const HAS_ZONE = /(?:Z|[+-]\d{2}:?\d{2})$/i;

function suiteStartMs(suite: TestSuite): number | undefined {
  const text = suite.timestamp?.trim();
  if (!text || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text)) return undefined;
  const ms = Date.parse(HAS_ZONE.test(text) ? text : `${text}Z`);
  return Number.isFinite(ms) ? ms : undefined;
}

function durationMs(seconds: number | undefined): number {
  return seconds !== undefined && Number.isFinite(seconds) && seconds > 0
    ? Math.round(seconds * 1000)
    : 0;
}

/**
 * With a suite timestamp, a case starts after the known durations of the cases listed
 * before it in its suite (JUnit lists them in the order they ran) and ends its own duration
 * later. Without one, every case ends at `nowMs` (the report time) and starts its duration
 * earlier. An unknown duration counts as 0.
 */
export function runTimes(cases: MappedCase[], nowMs: number): Map<MappedCase, RunTimes> {
  const times = new Map<MappedCase, RunTimes>();
  const offsets = new Map<TestSuite, Map<number, number>>();
  for (const mapped of cases) {
    const duration = durationMs(mapped.testCase.durationSeconds);
    const suiteStart = suiteStartMs(mapped.suite);
    let startMs: number;
    let endMs: number;
    if (suiteStart === undefined) {
      endMs = nowMs;
      startMs = nowMs - duration;
    } else {
      startMs = suiteStart + offsetInSuite(mapped, offsets);
      endMs = startMs + duration;
    }
    times.set(mapped, {
      start: new Date(startMs).toISOString(),
      end: new Date(endMs).toISOString(),
    });
  }
  return times;
}

/** Sum of the durations of the cases before this one in its suite (cached per suite). */
function offsetInSuite(mapped: MappedCase, cache: Map<TestSuite, Map<number, number>>): number {
  let offsets = cache.get(mapped.suite);
  if (!offsets) {
    offsets = new Map();
    let sum = 0;
    for (const [position, testCase] of mapped.suite.cases.entries()) {
      offsets.set(position, sum);
      sum += durationMs(testCase.durationSeconds);
    }
    cache.set(mapped.suite, offsets);
  }
  return offsets.get(mapped.suite.cases.indexOf(mapped.testCase)) ?? 0;
}
