// Azure Pipelines task entrypoint (azure-task/TestRelay/index.js): the agent passes inputs as
// INPUT_* variables and reads logging commands from stdout.

import { AzureAgent } from '../ci/azure.js';
import { runInCi } from './run-in-ci.js';

void runInCi(new AzureAgent());
