// Runs `testrelay simulate` in-process with captured output and an injectable signal
// source, for the simulator's command-line tests.
import { EventEmitter } from 'node:events';
import { runSimulateCommand, type SimulateCommandIo } from '../../src/vendors/simulators.js';

export class Capture {
  text = '';
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

export interface Session {
  stdout: Capture;
  stderr: Capture;
  /** Emit 'SIGINT'/'SIGTERM' here to play the OS. */
  signals: EventEmitter;
  abort: AbortController;
  done: Promise<number>;
}

export function start(argv: string[]): Session {
  const stdout = new Capture();
  const stderr = new Capture();
  const signals = new EventEmitter();
  const abort = new AbortController();
  const io: SimulateCommandIo = {
    stdout,
    stderr,
    signal: abort.signal,
    signals: signals as unknown as SimulateCommandIo['signals'],
  };
  return { stdout, stderr, signals, abort, done: runSimulateCommand(argv, io) };
}

/** The ready lines, once printed; fails if the command ends first. */
export async function ready(session: Session): Promise<string[]> {
  for (let i = 0; i < 200; i += 1) {
    if (session.stdout.text.endsWith('\n')) return session.stdout.text.trimEnd().split('\n');
    const finished = await Promise.race([
      session.done.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 25)),
    ]);
    if (finished) throw new Error(`command ended early: ${session.stderr.text}`);
  }
  throw new Error('simulator did not become ready');
}

/** Runs a command that should end by itself (help, usage errors). */
export async function runToEnd(
  argv: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const session = start(argv);
  const code = await session.done;
  return { code, stdout: session.stdout.text, stderr: session.stderr.text };
}
