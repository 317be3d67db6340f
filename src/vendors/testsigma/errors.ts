// Testsigma's errors in plain words: a plan already running, an unknown plan or run, a
// refused key; each names the input to check, and the API flavor when it may be the cause.

import { inputRef, inputWithValue } from '../../core/input-names.js';
import { VendorHttpError } from '../../core/http.js';
import type { ApiFlavor } from './wire.js';

export function explainTriggerError(error: unknown, planId: string, flavor: ApiFlavor): unknown {
  if (!(error instanceof VendorHttpError)) return error;
  if (/currently running|already in running/i.test(error.body)) {
    return new Error(
      `Testsigma plan ${planId} is already running, and this server runs one at a time. ` +
        `Wait for that run to finish, or attach to it with ${inputRef('runId')} instead of starting another.`,
    );
  }
  if (error.status === 404) {
    return new Error(
      `Testsigma has no test plan ${planId} (HTTP 404). Check ${inputRef('planId')}${flavorHint(flavor)}. ${error.message}`,
    );
  }
  return explainAuth(error, flavor);
}

/** Reading a run: an unknown runId, or a refused key. */
export function explainRunError(error: unknown, runId: string, flavor: ApiFlavor): unknown {
  if (error instanceof VendorHttpError && error.status === 404) {
    return new Error(
      `Testsigma has no run ${runId} (HTTP 404). Check ${inputRef('runId')}${flavorHint(flavor)}.`,
    );
  }
  return explainAuth(error, flavor);
}

function explainAuth(error: unknown, flavor: ApiFlavor): unknown {
  if (error instanceof VendorHttpError && (error.status === 401 || error.status === 403)) {
    return new Error(
      `Testsigma rejected the API key (HTTP ${error.status}${error.body ? `: ${error.body.slice(0, 120)}` : ''}). ` +
        `Check ${inputRef('apiKey')}${flavor === 'self-hosted' ? ' and that the server has its API enabled' : ''}.`,
    );
  }
  return error;
}

/** A wrong apiFlavor also answers 404: say which one the other kind of server needs. */
function flavorHint(flavor: ApiFlavor): string {
  return flavor === 'cloud'
    ? ` (and ${inputRef('apiFlavor')}: a self-hosted server needs ${inputWithValue('apiFlavor', 'self-hosted')})`
    : ` (and ${inputRef('apiFlavor')}: the cloud needs ${inputWithValue('apiFlavor', 'cloud')})`;
}
