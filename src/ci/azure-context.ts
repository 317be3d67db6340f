// Where an Azure Pipelines job runs, from the agent's predefined variables: what vendor and
// sink runs record (build number, commit, branch) and link back to (the build's results page).

import type { CiContext } from '../core/settings.js';

/** Reads a predefined variable by its dotted name (Build.BuildId); undefined when unset. */
export type VariableReader = (name: string) => string | undefined;

export function azureContext(variable: VariableReader): CiContext {
  const read = (name: string): string | undefined => variable(name)?.trim() || undefined;
  const buildId = read('Build.BuildId');
  return {
    ci: 'azure',
    repository: read('Build.Repository.Name'),
    commit: read('Build.SourceVersion'),
    ref: read('Build.SourceBranch'),
    branch: branchOf(read('System.PullRequest.SourceBranch') ?? read('Build.SourceBranch')),
    // Build numbers follow the pipeline's `name:` format (20261207.3 by default); the id
    // is what is left when a pipeline names its runs with something empty.
    runNumber: read('Build.BuildNumber') ?? buildId,
    runAttempt: read('System.JobAttempt'),
    runUrl: resultsUrl(read('System.CollectionUri'), read('System.TeamProject'), buildId),
    workflow: read('Build.DefinitionName'),
  };
}

/** `refs/heads/feature/x` → `feature/x`; tags and merge refs are no branch. */
function branchOf(ref: string | undefined): string | undefined {
  if (!ref) return undefined;
  if (ref.startsWith('refs/heads/')) return ref.slice('refs/heads/'.length);
  return ref.startsWith('refs/') ? undefined : ref;
}

/** `$(System.CollectionUri)$(System.TeamProject)/_build/results?buildId=$(Build.BuildId)`. */
function resultsUrl(
  collectionUri: string | undefined,
  project: string | undefined,
  buildId: string | undefined,
): string | undefined {
  if (!collectionUri || !project || !buildId) return undefined;
  const base = collectionUri.endsWith('/') ? collectionUri : `${collectionUri}/`;
  return `${base}${encodeURIComponent(project)}/_build/results?buildId=${encodeURIComponent(buildId)}`;
}
