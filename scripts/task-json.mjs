// The Azure Pipelines task definition (azure-task/TestRelay/task.json) made from the one input
// table, for npm run docs: same names, defaults and descriptions as action.yml and the README.

// Fixed for good: Azure identifies the task by this id across versions and organisations.
export const TASK_ID = 'd554c670-7c82-4785-aaf6-fc38acd014f7';
// The first agent with the Node20_1 handler; agents that also have Node24 (4.265.1+) pick it.
export const MINIMUM_AGENT_VERSION = '3.232.1';

const SECRET_HELP =
  'Set it from a secret variable (a variable group, or one linked to Azure Key Vault), e.g. `$(vendorApiKey)`: the task registers it as a secret, so the log masks it.';

/** task.json as an object; `version` is package.json's ("0.1.0"). */
export function taskJson({ INPUTS, OUTPUTS, MODULES, version }) {
  const [Major, Minor, Patch] = version.split('-')[0].split('.').map(Number);
  const modules = [...MODULES.sources, ...MODULES.sinks];
  return {
    $schema:
      'https://raw.githubusercontent.com/Microsoft/azure-pipelines-task-lib/master/tasks.schema.json',
    id: TASK_ID,
    name: 'TestRelay',
    friendlyName: 'TestRelay',
    description: `Run a test plan on ${MODULES.sources.map((m) => m.displayName).join(', ')}, wait for it and publish its results (Tests tab, summary, output variables); report them to ${MODULES.sinks.map((m) => m.displayName).join(' or ')}.`,
    helpMarkDown:
      'Triggers a remote test plan, waits for it and relays its results into the build. Inputs and output variables are the same as the TestRelay GitHub Action.',
    category: 'Test',
    visibility: ['Build', 'Release'],
    runsOn: ['Agent'],
    author: 'TestRelay',
    version: { Major, Minor, Patch },
    minimumAgentVersion: MINIMUM_AGENT_VERSION,
    instanceNameFormat: 'TestRelay: $(vendor) plan $(planId)',
    groups: modules.map((module) => ({
      name: module.name,
      displayName: module.displayName,
      isExpanded: true,
      visibleRule:
        module.kind === 'source' ? `vendor = ${module.name}` : `reportTo Contains ${module.name}`,
    })),
    inputs: withServiceConnection(INPUTS.map((input) => taskInput(input, MODULES))),
    outputVariables: OUTPUTS.map(({ name, description }) => ({ name, description })),
    execution: {
      Node20_1: { target: 'index.js', argumentFormat: '' },
      Node24: { target: 'index.js', argumentFormat: '' },
    },
  };
}

function taskInput(input, MODULES) {
  const help = [input.description, input.ciNotes?.azure, input.secret ? SECRET_HELP : undefined];
  const entry = {
    name: input.name,
    label: input.label,
    type: 'string',
    defaultValue: input.default,
    required: false,
    helpMarkDown: help.filter(Boolean).join(' '),
  };
  if (input.group !== 'common') entry.groupName = input.group;
  if (input.type === 'boolean') entry.type = 'boolean';
  if (input.type === 'multiline') entry.type = 'multiLine';
  if (input.type === 'choice') {
    entry.type = 'pickList';
    entry.options = Object.fromEntries(input.options.map((option) => [option, option]));
  }
  // The two inputs that name modules pick from them; typing stays possible (e.g. a variable).
  if (input.name === 'vendor') pickModules(entry, MODULES.sources, false);
  if (input.name === 'reportTo') pickModules(entry, MODULES.sinks, true);
  return entry;
}

function pickModules(entry, modules, many) {
  entry.type = 'pickList';
  entry.options = Object.fromEntries(modules.map((module) => [module.name, module.displayName]));
  entry.properties = { EditableOptions: 'True' };
  // A flat multi-select stores the picks comma-separated: the form reportTo takes.
  if (many) Object.assign(entry.properties, { MultiSelectFlatList: 'True' });
}

// Azure's own way to keep a vendor's address and key: a Generic service connection (server
// URL, and the key as its password). The only input that is not in the table: no other CI has
// service connections. It stands after apiKey, the input it replaces.
export const SERVICE_CONNECTION_INPUT = {
  name: 'serviceConnection',
  label: 'Service connection',
  type: 'connectedService:Generic',
  required: false,
  helpMarkDown:
    "A Generic service connection holding the vendor's server URL and, as its password, the API key. Used for `baseUrl` and `apiKey` when those are empty, so the key stays in the project's service connections instead of the pipeline.",
};

function withServiceConnection(inputs) {
  const at = inputs.findIndex((input) => input.name === 'apiKey') + 1;
  return [...inputs.slice(0, at), SERVICE_CONNECTION_INPUT, ...inputs.slice(at)];
}
