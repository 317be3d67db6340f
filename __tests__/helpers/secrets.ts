import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StepResult } from './github-runner.js';

/** Every place a step could leak a secret: its streams, outputs, summary and every file it wrote. */
export function placesHolding(secret: string, step: Partial<StepResult>): string[] {
  const places: string[] = [];
  const check = (where: string, text: string | undefined) => {
    if (text?.includes(secret)) places.push(where);
  };
  // The runner consumes ::add-mask:: commands (that is how a secret gets masked); they never show.
  const stdout = step.stdout
    ?.split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
  check('stdout', stdout);
  check('stderr', step.stderr);
  check('outputs', JSON.stringify(step.outputs ?? {}));
  check('summary', step.summary);
  if (step.workspace) {
    for (const file of listFiles(step.workspace)) check(file, fs.readFileSync(file, 'latin1'));
  }
  return places;
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full) : [full];
  });
}
