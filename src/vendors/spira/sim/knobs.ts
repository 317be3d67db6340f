// The Spira simulator's own scenario knobs (the common ones are the framework's); their
// values are typed by SpiraScenario in model.ts.

import type { KnobSpec, KnobValue } from '../../../simulator/kit.js';
import { API_VERSIONS } from './routes.js';

function idListCheck(value: KnobValue): string | undefined {
  return Array.isArray(value) && value.some((id) => !/^\d{1,9}$/.test(id))
    ? 'expected bare integer ids (TC:123 → 123)'
    : undefined;
}

/** Spira's own scenario knobs (the common ones are the framework's). */
export const SPIRA_KNOBS: readonly KnobSpec[] = [
  {
    name: 'spiraProjectIds',
    type: 'idList',
    default: ['1', '24'],
    placeholder: 'ID,…',
    help: 'existing products (projects); other ids answer 404',
    check: idListCheck,
  },
  {
    name: 'spiraTestCaseIds',
    type: 'idList',
    default: ['1', '2', '3', '4', '5', '283', '290', '304'],
    placeholder: 'ID,…',
    help: 'existing test cases, in every product; other ids answer 404',
    check: idListCheck,
  },
  {
    name: 'spiraStepsPerTestCase',
    type: 'integer',
    default: 2,
    min: 0,
    max: 50,
    placeholder: 'N',
    help: 'test steps of each test case (step ids are testCaseId*100+position)',
  },
  {
    name: 'spiraReleaseIds',
    type: 'idList',
    default: ['1', '155'],
    placeholder: 'ID,…',
    help: 'existing releases; other ids answer 404',
    check: idListCheck,
  },
  {
    name: 'spiraTestSetIds',
    type: 'idList',
    default: ['1', '2'],
    placeholder: 'ID,…',
    help: 'existing test sets (each holds every test case, in the first release)',
    check: idListCheck,
  },
  {
    name: 'spiraUsername',
    type: 'string',
    default: '',
    placeholder: 'USER',
    help: 'the accepted user name (empty = any non-empty name); the key is --api-key, braces included',
  },
  {
    name: 'spiraWriteLimit',
    type: 'integer',
    default: 5,
    min: 1,
    placeholder: 'N',
    help: 'concurrent writes (POST/PUT) the database bears; more answer 500 deadlock. In flight = until the answer leaves, so set --latency-ms. Peak, runs, builds and counts: GET <baseUrl>/__spira/runs (no auth)',
  },
  {
    name: 'spiraDeadlockProbability',
    type: 'number',
    default: 1,
    min: 0,
    max: 1,
    placeholder: 'P',
    help: 'chance that a write over the limit is the deadlock victim (seeded by --seed)',
  },
  {
    name: 'spiraRecordMultiple',
    type: 'boolean',
    default: true,
    placeholder: '',
    help: 'serve test-runs/record-multiple; off = an older server ("Endpoint not found." 404)',
  },
  {
    name: 'spiraLostWrite',
    type: 'integer',
    default: 0,
    min: 0,
    placeholder: 'N',
    help: 'the N-th successful write (POST/PUT) is stored, then answered 504 Gateway Timeout, as by a proxy that gave up waiting (0 = none); unlike a 5xx fault, resending it records twice',
  },
  {
    name: 'spiraEchoKey',
    type: 'boolean',
    default: false,
    placeholder: '',
    help: 'Access Denied answers quote the api-key received, as some gateways do (to test that clients redact it)',
  },
  {
    name: 'spiraApiVersions',
    type: 'stringList',
    default: API_VERSIONS,
    placeholder: 'V,…',
    help: 'API versions served (v7_0, v6_0, v5_0); others answer 404',
    check: (value) =>
      Array.isArray(value) && value.some((version) => !API_VERSIONS.includes(version))
        ? `expected versions from ${API_VERSIONS.join(', ')}`
        : undefined,
  },
];
