// Assembles the one input table (and output list) from the common rows and the modules':
// what each CI's metadata, the CLI and the docs are generated from.

import { COMMON_INPUTS, COMMON_OUTPUTS, type InputSpec, type OutputSpec } from './inputs.js';
import type { ModuleSet, SourceModule } from './module.js';
import { list } from './text.js';

export function assembleInputs(modules: ModuleSet): InputSpec[] {
  const all = [...modules.sources, ...modules.sinks];
  const common = COMMON_INPUTS.map((input) => ({
    ...input,
    description: describeCommon(input, modules),
    generalDescription: describeCommon(input, modules, false),
  }));
  const own = all.flatMap((module) => module.inputs);
  const names = new Set<string>();
  for (const input of [...common, ...own]) {
    if (names.has(input.name)) throw new Error(`internal: input ${input.name} is declared twice`);
    names.add(input.name);
  }
  return [...common, ...own];
}

export function assembleOutputs(modules: ModuleSet): OutputSpec[] {
  return [
    ...COMMON_OUTPUTS,
    ...modules.sources.flatMap((source) => source.outputs ?? []),
    ...modules.sinks.flatMap((sink) => sink.outputs),
  ];
}

/** A common input's description, with the module names and each module's note on it. */
function describeCommon(input: InputSpec, modules: ModuleSet, withNotes = true): string {
  const all = [...modules.sources, ...modules.sinks];
  const base = input.description
    .replace('{sources}', list(modules.sources.map(sourceChoice), 'or'))
    .replace('{sinks}', modules.sinks.map((sink) => sink.name).join(', '))
    .replace('{timeouts}', list(modules.sources.map(timeoutDefault), 'and'));
  if (!withNotes) return base;
  const notes = all
    .filter((module) => module.commonInputNotes?.[input.name])
    .map((module) => `${module.displayName}: ${module.commonInputNotes?.[input.name]}`);
  return [base, ...notes].join(' ');
}

/** "squish (Squish Test Center)" where the display name says more than the name. */
function sourceChoice(source: SourceModule): string {
  return source.displayName.toLowerCase() === source.name
    ? source.name
    : `${source.name} (${source.displayName})`;
}

function timeoutDefault(source: SourceModule): string {
  const why = source.defaultTimeoutNote ? ` (${source.defaultTimeoutNote})` : '';
  return `${source.defaultTimeout} for ${source.displayName}${why}`;
}
