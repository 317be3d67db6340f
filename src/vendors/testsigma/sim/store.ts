// All Testsigma runs of one simulator, with increasing ids, and the automatic re-run child of
// the `rerun` variant (vendor-apis/testsigma.md §3-§4).

import { testDurationMs } from '../../../simulator/kit.js';
import type { RunSnapshot } from './format.js';
import type { Run } from './model.js';
import { completionTime, isPollBased, viewRun } from './run.js';

/** All runs of one simulator, with increasing ids. */
export class RunStore {
  private readonly runs = new Map<number, Run>();
  private nextId = 1001;

  create(
    fields: Omit<Run, 'id' | 'polls' | 'completedAt' | 'stop' | 'failedToStart' | 'childId'>,
  ): Run {
    const run: Run = {
      ...fields,
      id: this.nextId,
      polls: 0,
      completedAt: null,
      stop: null,
      failedToStart: null,
      childId: null,
    };
    this.nextId += 1;
    this.runs.set(run.id, run);
    return run;
  }

  get(id: number): Run | undefined {
    return this.runs.get(id);
  }

  /** A non-terminal run of the plan, if any (the self-hosted server allows one at a time). */
  activeRunOf(planKey: string, now: number): Run | undefined {
    return [...this.runs.values()].find(
      (run) => run.planKey === planKey && !viewRun(run, now).terminal,
    );
  }

  active(now: number): Run[] {
    return [...this.runs.values()].filter((run) => !viewRun(run, now).terminal);
  }

  /** Counts a status poll (the parent's polls also advance a running re-run child). */
  countPoll(run: Run, now: number): void {
    const child = run.childId !== null ? this.runs.get(run.childId) : undefined;
    run.polls += 1;
    if (child) child.polls += 1;
    if (
      isPollBased(run) &&
      run.completedAt === null &&
      run.polls >= (run.scenario.pollsToComplete ?? 0)
    ) {
      run.completedAt = now;
    }
    this.startRerunIfDue(run, now);
  }

  /**
   * Variant `rerun`: a first attempt that ends neither SUCCESS nor STOPPED starts one child
   * run that re-runs the non-passing tests, and they pass.
   */
  startRerunIfDue(run: Run, now: number): Run | undefined {
    if (!run.variant.rerun || run.parentId !== null || run.childId !== null) return undefined;
    if (run.stop || run.failedToStart !== null) return undefined;
    const completedAt = completionTime(run, now);
    if (completedAt === null) return undefined;
    if (['SUCCESS', 'PASSED', 'STOPPED'].includes(run.finalResult)) return undefined;
    const retried = run.tests.filter((test) => test.result !== 'SUCCESS');
    const tests = (retried.length > 0 ? retried : run.tests).map((test, index) => ({
      ...test,
      index,
      result: 'SUCCESS',
      durationMs: testDurationMs(test.name, test.index + 1),
      message: 'Test case executed successfully',
    }));
    const child = this.create({
      planKey: run.planKey,
      planIdValue: run.planIdValue,
      planName: run.planName,
      flavour: run.flavour,
      buildNo: run.buildNo,
      environmentId: run.environmentId,
      createdAt: completedAt,
      scenario: {
        ...run.scenario,
        result: null,
        tests: tests.length,
        failed: 0,
        errored: 0,
        skipped: 0,
      },
      variant: run.variant,
      tests,
      finalResult: 'SUCCESS',
      parentId: run.id,
    });
    run.childId = child.id;
    return child;
  }

  /** The run and its re-run child as seen at `now`, for a run object. */
  snapshot(run: Run, now: number): RunSnapshot {
    const child = this.child(run);
    return {
      run,
      view: viewRun(run, now),
      child: child ? { run: child, view: viewRun(child, now) } : undefined,
    };
  }

  child(run: Run): Run | undefined {
    return run.childId !== null ? this.runs.get(run.childId) : undefined;
  }

  /** Looks a run up, first bringing time-driven follow-ups (a due re-run child) up to date. */
  lookup(id: number, now: number): Run | undefined {
    const run = this.runs.get(id);
    if (run) this.startRerunIfDue(run, now);
    return run;
  }

  clear(): void {
    this.runs.clear();
    this.nextId = 1001;
  }
}
