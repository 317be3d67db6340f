// Fails when the code the action loads at start grows past its budget. Bytes, not time: the
// machine CI runs on is shared and noisy, a byte count is not. What only some runs need
// (@actions/artifact for artifactName) is in lazily loaded chunks and not counted.
import { statSync } from 'node:fs';

// Today 2.34 MB; the goal is 2 MB (the peers' whole bundles are 1.8–1.9 MB). Lower it as
// dead weight goes, never raise it without saying why in the commit. Raised from 2.30 MB:
// +8 KB for http-proxy-agent (plain http through a proxy in absolute form, with its own copy
// of agent-base 9), +38 KB for Squish Test Center's worker mode (a dynamic import of it
// was inlined by ncc, not split into a chunk).
const BUDGET_BYTES = 2_350_000;

const bytes = statSync(new URL('../dist/index.js', import.meta.url)).size;
if (bytes > BUDGET_BYTES) {
  console.error(
    `dist/index.js is ${bytes} bytes, over its start-up budget of ${BUDGET_BYTES}: ` +
      'load what only some runs need with a dynamic import (its own chunk), or cut dead weight.',
  );
  process.exit(1);
}
console.log(`Start-up code: dist/index.js is ${bytes} bytes (budget ${BUDGET_BYTES}).`);
