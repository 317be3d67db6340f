// SIGINT/SIGTERM from the CI become an AbortSignal the relay honours. A safety timer
// makes sure the process is gone within the CI's grace period even if something hangs.

export function cancelOnSignals(graceMs: number, onTimeout: () => void): AbortSignal {
  const controller = new AbortController();
  const handler = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      // A second signal: the user means it.
      process.exit(130);
    }
    controller.abort(Object.assign(new Error(`Received ${signal}`), { name: 'AbortError' }));
    setTimeout(onTimeout, graceMs).unref();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return controller.signal;
}
