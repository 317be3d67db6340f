// Closing a shared run (vendor-apis/testomatio.md §4): parallel jobs each report a part
// (`*_parallel`) into one run; a last job sends the plain `finish`, and the server computes the
// run's result from the parts and the tests it holds, or `pass`/`fail` when the pipeline knows
// better (a shard that was cancelled reported no failure).

import { VendorHttpError } from '../../core/http.js';
import type { Redactor } from '../../core/redact.js';
import type { SinkReport } from '../../core/sink.js';
import type { TestomatioApi } from './api.js';
import { describeError, httpSaid } from './errors.js';

export async function closeSharedRun(
  api: TestomatioApi,
  runId: string | undefined,
  status: 'finish' | 'pass' | 'fail',
  redactor: Redactor,
  signal: AbortSignal,
): Promise<SinkReport> {
  const base = {
    sink: 'testomatio' as const,
    displayName: 'Testomat.io',
    total: 0,
    sent: 0,
    unmatched: [],
  };
  if (!runId) {
    return {
      ...base,
      status: 'failed',
      message:
        'Closing a shared Testomat.io run needs testomatioRunId: the run id the jobs reported (their testomatioRunId output).',
    };
  }
  try {
    const answer = await api.updateRun(runId, true, { status_event: status }, signal);
    const how =
      status === 'finish'
        ? 'Testomat.io computes its result from the parts the jobs reported'
        : `as ${status === 'pass' ? 'passed' : 'failed'} (testomatioRunStatus)`;
    return {
      ...base,
      status: 'reported',
      id: runId,
      ...(answer.url ? { url: answer.url } : {}),
      message:
        status === 'finish'
          ? `Closed Testomat.io run ${runId}; ${how}.`
          : `Closed Testomat.io run ${runId} ${how}.`,
    };
  } catch (error) {
    const message =
      error instanceof VendorHttpError && error.status === 404
        ? `Testomat.io has no open run "${runId}" to close (${httpSaid(404, error.body)}): check testomatioRunId.`
        : `Could not close Testomat.io run ${runId}: ${describeError(error, 0).replace(/\.$/, '')}.`;
    return { ...base, status: 'failed', message: redactor.redact(message) };
  }
}
