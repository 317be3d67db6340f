// Runs the worker's command for one execution: in a shell, with the execution's data in its
// environment, its output handed on line by line (and the last lines kept for `finished`'s
// details), stopped with its whole process tree when the job is cancelled.

import { spawn } from 'node:child_process';

export interface CommandRun {
  /** The exit code; null when a signal ended it. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines of output (stdout and stderr together), for a failure's details. */
  tail: string[];
  durationMs: number;
  /** True when `stop` ended it. */
  stopped: boolean;
}

export interface CommandOptions {
  command: string;
  env: NodeJS.ProcessEnv;
  /** Each line of output, as it comes. */
  onLine(line: string): void;
  /** Aborting it stops the command: SIGTERM to its process group, SIGKILL after `killAfterMs`. */
  stop: AbortSignal;
  killAfterMs?: number;
  tailLines?: number;
}

const DEFAULT_TAIL_LINES = 20;
const DEFAULT_KILL_AFTER_MS = 1500;

export function runCommand(options: CommandOptions): Promise<CommandRun> {
  const started = Date.now();
  const tailLines = options.tailLines ?? DEFAULT_TAIL_LINES;
  const tail: string[] = [];
  const windows = process.platform === 'win32';
  // Its own process group (POSIX), so a stop reaches what the shell started too.
  const child = spawn(options.command, {
    shell: true,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: !windows,
    windowsHide: true,
  });
  const line = (text: string): void => {
    tail.push(text);
    if (tail.length > tailLines) tail.shift();
    options.onLine(text);
  };
  for (const stream of [child.stdout, child.stderr]) splitLines(stream, line);

  let stopped = false;
  let killTimer: NodeJS.Timeout | undefined;
  const signalTree = (signal: NodeJS.Signals): void => {
    try {
      if (child.pid === undefined) return;
      if (!windows) {
        process.kill(-child.pid, signal);
      } else {
        // No process groups on Windows: taskkill ends the shell and what it started.
        spawn('taskkill', ['/pid', String(child.pid), '/T', '/F'], {
          stdio: 'ignore',
          windowsHide: true,
        }).on('error', () => child.kill(signal));
      }
    } catch {
      // Already gone.
    }
  };
  const onStop = (): void => {
    stopped = true;
    signalTree('SIGTERM');
    killTimer = setTimeout(
      () => signalTree('SIGKILL'),
      options.killAfterMs ?? DEFAULT_KILL_AFTER_MS,
    );
  };
  if (options.stop.aborted) onStop();
  else options.stop.addEventListener('abort', onStop, { once: true });

  return new Promise((resolve) => {
    const done = (exitCode: number | null, signal: NodeJS.Signals | null): void => {
      options.stop.removeEventListener('abort', onStop);
      clearTimeout(killTimer);
      resolve({ exitCode, signal, tail, durationMs: Date.now() - started, stopped });
    };
    child.on('error', (error) => {
      line(`Could not start the command: ${error.message}`);
      done(127, null);
    });
    // 'close' waits for the output streams too, so no line is lost.
    child.on('close', done);
  });
}

function splitLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split(/\r?\n/);
    pending = lines.pop() ?? '';
    for (const text of lines) onLine(text);
  });
  stream.on('end', () => {
    if (pending !== '') onLine(pending);
    pending = '';
  });
}
