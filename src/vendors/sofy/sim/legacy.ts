// The Sofy simulator's legacy API (api.sofy.ai, "APIKey" in the JSON body; vendor-apis/sofy.md
// §3): trigger by ScheduledID, a group's status, and the per-run rows of the latest group.

import {
  isResponse,
  jsonResponse,
  type SimRequest,
  type SimResponse,
} from '../../../simulator/kit.js';
import type { Build } from './catalog.js';
import { legacyGroupAnswer, legacyRowsAnswer } from './format.js';
import { viewGroup } from './run.js';
import type { Schedules } from './schedules.js';
import { legacyBody, legacyError, MESSAGES, property, queryParam, scheduledId } from './wire.js';

/** The body's ScheduledID, or the 400 for a missing or malformed one. */
function legacySchedule(
  request: SimRequest,
): { id: string; body: Record<string, unknown> } | SimResponse {
  const body = legacyBody(request);
  if (isResponse(body)) return body;
  const id = scheduledId(property(body, 'ScheduledID'));
  return id === undefined ? legacyError(400, MESSAGES.legacyInvalid) : { id, body };
}

export function legacyTrigger(s: Schedules, request: SimRequest, now: number): SimResponse {
  const parsed = legacySchedule(request);
  if (isResponse(parsed)) return parsed;
  const scenario = s.scenarioFor(parsed.id);
  if (!s.exists(parsed.id, 'numeric', scenario)) {
    return legacyError(400, MESSAGES.legacyBadSchedule);
  }
  const appHash = property(parsed.body, 'AppHash');
  let build: Build | undefined;
  if (typeof appHash === 'string' && appHash.trim() !== '') {
    build = s.catalog.findBuild(appHash);
    if (!build) return legacyError(400, MESSAGES.legacyBadAppHash);
  }
  const group = s.createGroup(parsed.id, 'legacy', scenario, now, build, undefined);
  return jsonResponse(200, {
    Message: MESSAGES.legacyTriggered,
    ScheduleTestRunsGroupID: group.id,
  });
}

/** With `?ScheduleTestRunsGroupID=`: that group's status; an unknown group gives `[]`. */
export function legacyGroupStatus(s: Schedules, request: SimRequest, now: number): SimResponse {
  const parsed = legacySchedule(request);
  if (isResponse(parsed)) return parsed;
  const groupId = queryParam(request.query, 'ScheduleTestRunsGroupID') ?? '';
  if (!/^\d{1,15}$/.test(groupId)) return legacyError(400, MESSAGES.legacyInvalid);
  const group = s.groups.find(parsed.id, groupId);
  if (!group) return jsonResponse(200, []);
  s.groups.countPoll(group);
  return jsonResponse(200, legacyGroupAnswer(group, viewGroup(group, now)));
}

/** Without the query: per-run rows of the schedule's latest group (unconfirmed, §3.3). */
export function legacyRows(s: Schedules, request: SimRequest, now: number): SimResponse {
  const parsed = legacySchedule(request);
  if (isResponse(parsed)) return parsed;
  const group = s.groups.ofSchedule(parsed.id)[0];
  if (!group) return jsonResponse(200, []);
  s.groups.countPoll(group);
  return jsonResponse(200, legacyRowsAnswer(group, viewGroup(group, now), s.hidden(group)));
}
