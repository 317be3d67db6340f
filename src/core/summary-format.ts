// Small formatters the job summary's parts share.

import { formatDuration } from './duration.js';
import { formatCount } from './untrusted-text.js';

/** `1 test`, `2 tests`, `1,234 tests`: counts in the summary carry thousands separators. */
export function countOf(count: number, noun: string): string {
  return `${formatCount(count)} ${noun}${count === 1 ? '' : 's'}`;
}

/** A duration given in seconds, as the summary shows it (`1m 05s`, `—` when unknown). */
export function formatSeconds(seconds: number | undefined): string {
  return formatDuration(seconds === undefined ? undefined : seconds * 1000);
}
