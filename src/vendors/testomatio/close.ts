// Closing a shared run (vendor-apis/testomatio.md §4): parallel jobs each report a part
// (`*_parallel`) into one run; a last job sends the plain `finish`, and the server computes the
// run's result from the parts and the tests it holds, or `pass`/`fail` when the pipeline knows
// better (a shard that was cancelled reported no failure).

import { VendorHttpError } from '../../core/http.js';
import type { Redactor } from '../../core/redact.js';
import { type SinkReport, sinkReport } from '../../core/sink.js';
import type { TestomatioApi } from './api.js';
import { describeError, httpSaid } from './errors.js';

export async function closeSharedRun(
  api: TestomatioApi,
  runId: string | undefined,
  status: 'finish' | 'pass' | 'fail',
  redactor: Redactor,
  signal: AbortSignal,
): Promise<SinkReport> {
  const sink = { name: 'testomatio', displayName: 'Testomat.io' };
  if (!runId) {
    return sinkReport(
      sink,
      'failed',
      'Closing a shared Testomat.io run needs testomatioRunId: the run id the jobs reported (their testomatioRunId output).',
      0,
    );
  }
  try {
    const answer = await api.updateRun(runId, true, { status_event: status }, signal);
    const how =
      status === 'finish'
        ? 'Testomat.io computes its result from the parts the jobs reported'
        : `as ${status === 'pass' ? 'passed' : 'failed'} (testomatioRunStatus)`;
    const message =
      status === 'finish'
        ? `Closed Testomat.io run ${runId}; ${how}.`
        : `Closed Testomat.io run ${runId} ${how}.`;
    return {
      ...sinkReport(sink, 'reported', message, 0),
      id: runId,
      ...(answer.url ? { url: answer.url } : {}),
    };
  } catch (error) {
    const message =
      error instanceof VendorHttpError && error.status === 404
        ? `Testomat.io has no open run "${runId}" to close (${httpSaid(404, error.body)}): check testomatioRunId.`
        : `Could not close Testomat.io run ${runId}: ${describeError(error, 0).replace(/\.$/, '')}.`;
    return sinkReport(sink, 'failed', redactor.redact(message), 0);
  }
}
