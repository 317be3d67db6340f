// SIGINT/SIGTERM from the CI become an AbortSignal the relay honours. A safety timer
// makes sure the process is gone within the CI's grace period even if something hangs.

export function cancelOnSignals(graceMs: number, onTimeout: () => void): AbortSignal {
  const controller = new AbortController();
  const handler = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      // A second Ctrl-C: the user means it. A repeated SIGTERM comes from no person: a CI may
      // send one to the process group and one to the job's shell (GitLab runners, and
      // gitlab-ci-local, do), and the grace timer bounds the exit anyway; the reports of what
      // is known must still be written.
      if (signal === 'SIGINT') process.exit(130);
      return;
    }
    controller.abort(Object.assign(new Error(`Received ${signal}`), { name: 'AbortError' }));
    setTimeout(onTimeout, graceMs).unref();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return controller.signal;
}
