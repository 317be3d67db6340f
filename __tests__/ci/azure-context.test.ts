import { azureContext } from '../../src/ci/azure-context.js';

const variables = (values: Record<string, string>) => (name: string) => values[name];

describe('azureContext', () => {
  it('links back to the build and names it the way vendors record it', () => {
    const context = azureContext(
      variables({
        'Build.BuildId': '4711',
        'Build.BuildNumber': '20261207.3',
        'Build.SourceVersion': 'abc123',
        'Build.SourceBranch': 'refs/heads/feature/login',
        'Build.Repository.Name': 'shop',
        'Build.DefinitionName': 'nightly',
        'System.JobAttempt': '2',
        'System.CollectionUri': 'https://dev.azure.com/acme/',
        'System.TeamProject': 'Shop App',
      }),
    );
    expect(context).toEqual({
      ci: 'azure',
      repository: 'shop',
      commit: 'abc123',
      ref: 'refs/heads/feature/login',
      branch: 'feature/login',
      runNumber: '20261207.3',
      runAttempt: '2',
      runUrl: 'https://dev.azure.com/acme/Shop%20App/_build/results?buildId=4711',
      workflow: 'nightly',
    });
  });

  it('takes the build id without a build number, the source branch of a pull request, and a collection URI without its slash', () => {
    const context = azureContext(
      variables({
        'Build.BuildId': '12',
        'Build.BuildNumber': ' ',
        'Build.SourceBranch': 'refs/pull/7/merge',
        'System.PullRequest.SourceBranch': 'refs/heads/fix',
        'System.CollectionUri': 'https://tfs.example.com/DefaultCollection',
        'System.TeamProject': 'Web',
      }),
    );
    expect(context).toMatchObject({
      runNumber: '12',
      branch: 'fix',
      runUrl: 'https://tfs.example.com/DefaultCollection/Web/_build/results?buildId=12',
    });
  });

  it('has no branch for a tag and no link without the collection', () => {
    const context = azureContext(
      variables({ 'Build.BuildId': '5', 'Build.SourceBranch': 'refs/tags/v1.0' }),
    );
    expect(context.branch).toBeUndefined();
    expect(context.runUrl).toBeUndefined();
  });
});
