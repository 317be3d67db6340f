// Test Center's errors in plain words: auth and access problems, unknown plans and templates,
// and why the Results API gave no per-test results. Messages quote the server's own text
// (already redacted by the HTTP client) and name the input to check.

import { inputRef } from '../../core/input-names.js';
import { VendorHttpError } from '../../core/http.js';
import { RESULTS_API } from './results.js';
import { errorText } from './wire.js';

// Error 1006, seen on REST paths without the AutomationToken (§2): surfaced verbatim.
const ONLY_KNOWN_CLIENTS = /Only known clients permitted for REST access/i;

export function explainLookup(
  error: unknown,
  project: string,
  title: string,
  byToken: boolean,
): unknown {
  if (!(error instanceof VendorHttpError)) return error;
  const said = errorText(error.body);
  if (error.status === 404) {
    return new Error(
      `Test Center has no test plan template titled "${title}" in project "${project}" (HTTP 404${said ? `: ${said}` : ''}). ` +
        `Check ${inputRef('project')} and ${inputRef('planTitle')}, or set ${inputRef('planId')} to the template id.`,
    );
  }
  if (error.status === 400) {
    // Test Center does not document what a title matching several templates gives; a
    // server that refuses says why in its message, which we pass on as is.
    return new Error(
      `Test Center could not look up template "${title}" in project "${project}" (HTTP 400: ${said}). ` +
        `If several templates share that title, set ${inputRef('planId')} to the one to run.`,
    );
  }
  return explain(error, `looking up template "${title}"`, byToken);
}

export function explainPlanError(
  error: unknown,
  id: string,
  input: 'planId' | 'runId',
  byToken: boolean,
): unknown {
  // An unknown plan id is a 400, never a 404 (§6).
  if (error instanceof VendorHttpError && (error.status === 400 || error.status === 404)) {
    const said = errorText(error.body);
    const what =
      input === 'planId' ? 'a test plan template id' : 'a test plan execution (instance) id';
    return new Error(
      `Test Center has no test plan ${id} (HTTP ${error.status}${said ? `: ${said}` : ''}). Check ${input}: it takes ${what}.`,
    );
  }
  return explain(error, `reading test plan ${id}`, byToken);
}

/** Auth and access problems in plain words; anything else unchanged. */
export function explain(error: unknown, doing: string, byToken: boolean): unknown {
  if (!(error instanceof VendorHttpError)) return error;
  const said = errorText(error.body);
  if (ONLY_KNOWN_CLIENTS.test(error.body)) {
    return new Error(`Test Center refused ${doing}: "${said}" (HTTP ${error.status}).`);
  }
  if (error.status === 401) {
    return new Error(
      `Test Center rejected the ${byToken ? 'access token' : 'user name and password'} (HTTP 401${said ? `: ${said}` : ''}). ` +
        `Check ${byToken ? 'apiKey (a Test Center access token)' : 'username and password'}.`,
    );
  }
  if (error.status === 403) {
    return new Error(
      `Test Center refused ${doing} (HTTP 403${said ? `: ${said}` : ''}): ` +
        `the ${byToken ? "token's owner" : 'user'} needs access to the project (and upload rights).`,
    );
  }
  return error;
}

/** Why the Results API gave no per-test results: in full, and in a few words (`short`). */
export function resultsProblem(
  error: unknown,
  hasAutomationToken: boolean,
): { reason: string; short: string } {
  const short = 'the Results API could not be read';
  if (!(error instanceof VendorHttpError)) return { reason: (error as Error).message, short };
  const said = errorText(error.body);
  if (ONLY_KNOWN_CLIENTS.test(error.body)) {
    return hasAutomationToken
      ? {
          reason: `the Results API refused the AutomationToken: "${said}" (HTTP ${error.status}); check ${inputRef('automationToken')} against the server's Results API page`,
          short: 'the Results API refused automationToken',
        }
      : {
          reason: `the Results API answered "${said}" (HTTP ${error.status}); set ${inputRef('automationToken')} to the AutomationToken shown on the server's Results API page`,
          short: 'per-test results need automationToken',
        };
  }
  if (error.status === 404) {
    return {
      reason: `the server has no Results API (HTTP 404 on ${RESULTS_API.tests}; older Test Center versions lack it)`,
      short: 'the server has no Results API',
    };
  }
  if (error.status === 401 || error.status === 403) {
    return {
      reason: `the Results API refused the credentials (HTTP ${error.status}${said ? `: ${said}` : ''})`,
      short: 'the Results API refused the credentials',
    };
  }
  return { reason: error.message, short };
}
