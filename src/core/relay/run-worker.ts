// A worker job: the vendor module runs the plan's tests here (its WorkerMode), and what it
// ran is published like any run — JUnit file, outputs, summary, exit status — plus the
// module's own outputs and summary table.

import type { CiAgent } from '../agent.js';
import type { ModuleDependencies, ModuleSet, WorkerMode } from '../module.js';
import type { Outcome } from '../outcome.js';
import { totalsOf } from '../result.js';
import type { Settings } from '../settings.js';
import { publish } from './publish.js';
import type { Reporting } from './report-sinks.js';

export interface WorkerJob {
  worker: WorkerMode<unknown>;
  settings: Settings;
  agent: CiAgent;
  modules: ModuleSet;
  reporting: Reporting;
  moduleDeps: ModuleDependencies;
}

export async function runWorker(job: WorkerJob): Promise<Outcome> {
  const { agent, settings } = job;
  const section = agent.section?.bind(agent);
  const report = await job.worker.run(
    settings,
    settings.vendorSettings,
    { ...job.moduleDeps, section: section && ((title) => section('execution', title)) },
    job.reporting.signal,
  );
  if (settings.dryRun) {
    return { conclusion: 'success', reason: 'Dry run: inputs are valid; nothing was reserved.' };
  }
  for (const [name, value] of Object.entries(report.outputs)) agent.setOutput(name, value);
  if (!report.result) return { conclusion: 'success', reason: report.reason ?? 'Done.' };
  agent.section?.('results', 'Results');
  // A worker that found everything taken by the others, or handed back what this machine
  // could not run, did its job: no test run to the end here is no failure (the waiting job
  // judges the plan as a whole).
  const totals = totalsOf(report.result);
  const empty = totals.passed + totals.failed === 0;
  return publish({
    result: report.result,
    settings: empty ? { ...settings, failOnEmpty: false } : settings,
    agent,
    modules: job.modules,
    reporting: job.reporting,
    summaryExtra: report.summary,
  });
}
