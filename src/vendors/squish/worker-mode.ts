// Squish Test Center's worker mode as the module offers it (core WorkerMode): attach to the
// plan execution (runId) or trigger the template first, work its executions off with
// SquishWorker, and hand back the result, outputs and summary table.

import { systemClock } from '../../core/clock.js';
import type { HttpClient } from '../../core/http.js';
import type { WorkerDependencies, WorkerMode, WorkerReport } from '../../core/module.js';
import type { RunHandle, Source } from '../../core/source.js';
import type { Settings } from '../../core/settings.js';
import { ExecutionApi } from './execution-api.js';
import { ReservationApi } from './reservation-api.js';
import type { SquishSettings } from './settings.js';
import { SquishWorker } from './worker.js';
import { workerOutputs, workerResult, workerSummary } from './worker-report.js';

export interface WorkerParts {
  source: Source;
  http: HttpClient;
  serverUrl: string;
}

export function squishWorkerMode(
  build: (settings: Settings, own: SquishSettings, deps: WorkerDependencies) => WorkerParts,
): WorkerMode<SquishSettings> {
  return {
    wanted: (own) => own.mode !== 'wait',
    async run(settings, own, deps, signal): Promise<WorkerReport> {
      const { source, http, serverUrl } = build(settings, own, deps);
      if (own.mode === 'trigger') return triggerOnly(source, settings, deps, signal);
      const worker = own.worker!;
      const clock = deps.clock ?? systemClock;
      const deadline = clock.now() + settings.timeoutMs;
      const caps = own.capabilities.map(([key, value]) => `${key}=${value}`).join(', ') || 'none';
      if (settings.dryRun) {
        const plan = settings.runId ? `plan execution ${settings.runId}` : source.planLabel;
        deps.logger.info(
          `Dry run: would reserve the executions of ${plan ?? 'the plan'} with capabilities ${caps} and run: ${worker.command}`,
        );
        const handle = { runId: settings.runId ?? '' };
        const run = { records: [], ended: 'drained' as const };
        return { result: workerResult(run, handle), outputs: workerOutputs(run) };
      }
      deps.section?.('Plan execution');
      const handle: RunHandle = settings.runId
        ? await source.attach(settings.runId, signal)
        : await source.trigger(signal);
      deps.logger.info(
        `Working off plan execution ${handle.runId} as a worker: capabilities ${caps}, ` +
          `${worker.concurrency} at a time, reservations of ${worker.reservationTimeoutMs} ms kept alive by heartbeats.`,
      );
      deps.section?.('Reserving executions');
      const squishWorker = new SquishWorker({
        reservations: new ReservationApi(http, !!settings.apiKey),
        executions: new ExecutionApi(http, !!settings.apiKey),
        settings: worker,
        capabilities: own.capabilities,
        serverUrl,
        logger: deps.logger,
        redactor: deps.redactor,
        clock,
        section: deps.section,
        random: deps.random,
      });
      const run = await squishWorker.run(handle.runId, deadline, signal);
      return {
        result: workerResult(run, handle),
        outputs: workerOutputs(run),
        summary: workerSummary(run, handle.runId, handle.runUrl),
      };
    },
  };
}

/** `mode: trigger`: start the plan and hand its id on (the runId output) to the workers. */
async function triggerOnly(
  source: Source,
  settings: Settings,
  deps: WorkerDependencies,
  signal: AbortSignal,
): Promise<WorkerReport> {
  if (settings.dryRun) {
    const preview = source.previewTrigger();
    deps.logger.info(`Dry run: would ${preview.method} ${preview.url}`);
    return { outputs: {}, reason: 'Dry run: inputs are valid; nothing was started.' };
  }
  const handle = await source.trigger(signal);
  return {
    outputs: { runId: handle.runId, runUrl: handle.runUrl ?? '' },
    reason:
      `Started plan execution ${handle.runId}${handle.runUrl ? ` (${handle.runUrl})` : ''}; ` +
      `workers and a waiting job attach to it with runId ${handle.runId}.`,
  };
}
