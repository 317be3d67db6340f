// GitHub Action entrypoint (dist/index.js): the runner passes inputs as INPUT_* variables.

import { GitHubAgent } from '../ci/github.js';
import { runInCi } from './run-in-ci.js';

void runInCi(new GitHubAgent());
