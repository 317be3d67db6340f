// How far reporting into a Testomat.io run got: the batches add to it as their answers come
// in, and the report's message and counts are read from it, also when reporting stops
// half-way.

import type { CaseEntry } from './wire.js';

export interface Progress {
  /** Results Testomat.io accepted. */
  sent: number;
  /** Cases Testomat.io will not (or said it did not) match, in result order. */
  unmatched: Set<CaseEntry>;
  /** How many of `unmatched` Testomat.io named as refused (the rest had no id to go by). */
  refused: number;
  /** Results of batches Testomat.io said it partly refused without naming which: not known. */
  unconfirmed: number;
  /** Extra sentences for the report. */
  notes: string[];
}

/** Nothing sent yet; `unmatched` holds the cases known up front to match nothing. */
export function startProgress(unmatched: Iterable<CaseEntry>): Progress {
  return { sent: 0, unmatched: new Set(unmatched), refused: 0, unconfirmed: 0, notes: [] };
}

/** Testomat.io refused every test it was sent, by name (none unknown). */
export function matchedNone(progress: Progress): boolean {
  return progress.sent === 0 && progress.unconfirmed === 0 && progress.refused > 0;
}
