// Testomat.io's own scenario knobs and variant flags (the common knobs are the framework's);
// their values are typed by TestomatioScenario in run.ts.

import type { KnobSpec } from '../../../simulator/kit.js';

export const TESTOMATIO_KNOBS: readonly KnobSpec[] = [
  {
    name: 'rejectKey',
    type: 'boolean',
    default: false,
    placeholder: '',
    help: 'every token is invalid (401 "Project API Token is invalid"; 403 with forbidden)',
  },
  {
    name: 'forbidden',
    type: 'boolean',
    default: false,
    placeholder: '',
    help: 'an invalid token answers 403 instead of 401 (the behaviour vendor issues report)',
  },
  {
    name: 'validTokens',
    type: 'stringList',
    default: [],
    placeholder: 'T,…',
    help: 'the accepted project tokens (empty = any non-empty token except testomat_… general tokens)',
  },
  {
    name: 'paymentRequired',
    type: 'boolean',
    default: false,
    placeholder: '',
    help: 'the plan reporting limit is reached: createRun and addTests answer 402',
  },
  {
    name: 'limitAfterTests',
    type: 'integer',
    default: null,
    nullable: true,
    min: 0,
    placeholder: 'N',
    help: 'reporting limit: once N tests are kept, createRun and addTests answer 402 (null = none)',
  },
  {
    name: 'rejectCreate',
    type: 'boolean',
    default: false,
    placeholder: '',
    help: 'createRun answers 422 with an empty body',
  },
  {
    name: 'matching',
    type: 'string',
    default: 'title',
    placeholder: 'MODE',
    help: 'tests without a test_id: "title" matches them by title (see knownTitles), "id" never',
    check: (value) =>
      value === 'title' || value === 'id' ? undefined : 'expected "title" or "id"',
  },
  {
    name: 'createUnmatched',
    type: 'boolean',
    default: false,
    placeholder: '',
    help: 'the server creates tests that match nothing (as if create: true were sent)',
  },
  {
    name: 'knownTestIds',
    type: 'stringList',
    default: [],
    placeholder: '@T…,…',
    help: 'the project test ids (@T + 8 characters; empty = every well-formed id exists)',
  },
  {
    name: 'knownTitles',
    type: 'stringList',
    default: [],
    placeholder: 'TITLE,…',
    help: 'titles that match by title (empty = every titled test matches)',
  },
  {
    name: 'unmatchedAnswer',
    type: 'string',
    default: 'ok',
    placeholder: 'MODE',
    help: 'a request with unmatched tests: "ok" = 200 "Test run added" anyway, "error" = 422 "Test … could not be matched", "unnamed" = 422 without naming them',
    check: (value) =>
      value === 'ok' || value === 'error' || value === 'unnamed'
        ? undefined
        : 'expected "ok", "error" or "unnamed"',
  },
  {
    name: 'dropRate',
    type: 'number',
    default: 0,
    min: 0,
    max: 1,
    placeholder: 'P',
    help:
      'share of tests silently dropped while answering 200 "Test run added" (evenly spread); ' +
      'every received test, kept or not, is listed by GET <baseUrl>/__testomatio/runs',
  },
  {
    name: 'afterFinishStatus',
    type: 'integer',
    default: 404,
    min: 400,
    max: 499,
    placeholder: 'CODE',
    help: 'answer to tests sent to a finished run (404 or 422)',
    check: (value) => (value === 404 || value === 422 ? undefined : 'expected 404 or 422'),
  },
  {
    name: 'requireSharedRun',
    type: 'boolean',
    default: false,
    placeholder: '',
    help: 'updateRun without the ?shared_run= query parameter answers 400 (the spec marks it required)',
  },
  {
    name: 'projectSlug',
    type: 'string',
    default: 'testrelay-demo',
    placeholder: 'SLUG',
    help: 'the project in run URLs',
    check: (value) =>
      typeof value === 'string' && /^[\w-]+$/.test(value) ? undefined : 'expected [A-Za-z0-9_-]+',
  },
];

export const TESTOMATIO_VARIANTS: Readonly<Record<string, string>> = {
  'public-url': 'createRun answers with public_url as well',
  artifacts: 'createRun answers with artifacts (storage credentials for file upload)',
};

/** The `variant` flags, by the name the simulator reads each under (help: TESTOMATIO_VARIANTS). */
export const VARIANT_FLAGS = { publicUrl: 'public-url', artifacts: 'artifacts' } as const;
