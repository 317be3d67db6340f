// Who may call the simulated Test Center (vendor-apis/squish-test-center.md §2): every API route
// takes `Authorization: Token <token>` or `Basic base64(user:password)`; the Results API also
// wants the fixed `AutomationToken` header. No 401 is documented, so the refusal uses the
// standard Error Response.

import type { IncomingHttpHeaders } from 'node:http';
import { header, jsonResponse, type SimResponse } from '../../../simulator/kit.js';
import { errorBody } from './format.js';
import type { SquishScenario } from './plan.js';

export const AUTOMATION_TOKEN_REFUSED = 'Only known clients permitted for REST access';

/**
 * Why the Authorization header is refused, or undefined when it is accepted. `apiKey` undefined
 * accepts any non-empty token; the `username`/`password` knobs left null accept any non-empty
 * user or password.
 */
export function authProblem(
  headers: IncomingHttpHeaders,
  apiKey: string | undefined,
  scenario: SquishScenario,
): string | undefined {
  const value = header(headers, 'authorization');
  if (value === '') {
    return 'Authentication required: send "Authorization: Token <token>" or Basic credentials';
  }
  const match = /^(\S+)\s+(\S.*)$/.exec(value);
  const scheme = match?.[1].toLowerCase();
  const credential = match?.[2].trim() ?? '';
  if (scheme === 'token') {
    return apiKey === undefined || credential === apiKey ? undefined : 'Invalid access token';
  }
  if (scheme === 'basic') {
    const decoded = /^[A-Za-z0-9+/]+={0,2}$/.test(credential)
      ? Buffer.from(credential, 'base64').toString('utf8')
      : '';
    const colon = decoded.indexOf(':');
    const user = colon > 0 ? decoded.slice(0, colon) : '';
    const password = colon > 0 ? decoded.slice(colon + 1) : '';
    const accepted =
      user !== '' &&
      password !== '' &&
      (scenario.username === null || user === scenario.username) &&
      (scenario.password === null || password === scenario.password);
    return accepted ? undefined : 'Invalid username or password';
  }
  return 'Unsupported authorization scheme: use "Token <token>" or "Basic <credentials>"';
}

/** The refusal of an API request (401, or error 1006 on the Results API), or undefined. */
export function refuseRequest(
  headers: IncomingHttpHeaders,
  apiKey: string | undefined,
  scenario: SquishScenario,
  resultsApi: boolean,
): SimResponse | undefined {
  const problem = authProblem(headers, apiKey, scenario);
  if (problem) {
    return jsonResponse(401, errorBody(401, problem), {
      'www-authenticate': 'Basic realm="Squish Test Center"',
    });
  }
  if (resultsApi) {
    // §2: without the fixed AutomationToken the server turns the client away with error 1006
    // (the HTTP status is not documented; 403 is TestRelay's assumption).
    const token = header(headers, 'automationtoken');
    if (token === '' || (scenario.automationToken !== null && token !== scenario.automationToken)) {
      return jsonResponse(403, errorBody(1006, AUTOMATION_TOKEN_REFUSED));
    }
  }
  return undefined;
}
