// The Sofy simulator's current-generation API (public.sofy.ai, vendor-apis/sofy.md §3): trigger
// a scheduled run, read a group's status and the schedule's groups, abort, and list devices.

import { jsonResponse, type SimRequest, type SimResponse } from '../../../simulator/kit.js';
import { devicePool, PLATFORMS, type Device, type Platform } from './catalog.js';
import { devicesAnswer, groupListEntry, statusAnswer } from './format.js';
import { abortGroup, viewGroup } from './run.js';
import type { Schedules } from './schedules.js';
import { error, MESSAGES, queryParam } from './wire.js';

export function trigger(s: Schedules, request: SimRequest, guid: string, now: number): SimResponse {
  const scenario = s.scenarioFor(guid);
  if (!s.exists(guid, 'guid', scenario)) {
    return error(400, MESSAGES.badSchedule, `No scheduled run with id "${guid}".`);
  }
  const appHash = queryParam(request.query, 'appHash');
  const build = appHash === undefined ? undefined : s.catalog.findBuild(appHash);
  if (appHash !== undefined && !build) {
    return error(400, MESSAGES.badAppHash, `No build with appHash "${appHash}".`);
  }
  // deviceSerials is unconfirmed (§3.2): serials from the devices endpoint pick the devices.
  const serials = queryParam(request.query, 'deviceSerials');
  let devices: Device[] | undefined;
  if (serials !== undefined) {
    const pool = devicePool(scenario.platform as Platform);
    const wanted = serials.split(',').map((serial) => serial.trim());
    const unknown = wanted.filter((serial) => !pool.some((device) => device.serial === serial));
    if (unknown.length > 0) {
      return error(400, 'Invalid device serials.', `Unknown serial(s): ${unknown.join(', ')}.`);
    }
    devices = pool.filter((device) => wanted.includes(device.serial));
  }
  const group = s.createGroup(guid, 'current', scenario, now, build, devices);
  if (scenario.triggerShape === 'testGroupsRunId') {
    return jsonResponse(200, {
      testGroupsRunId: String(group.id),
      message: MESSAGES.triggeredShort,
    });
  }
  return jsonResponse(200, {
    data: [{ scheduleTestRunsGroupID: group.id }],
    message: MESSAGES.triggered,
  });
}

export function status(s: Schedules, guid: string, groupId: string, now: number): SimResponse {
  if (!s.exists(guid, 'guid', s.scenarioFor(guid))) {
    return error(400, MESSAGES.badSchedule, `No scheduled run with id "${guid}".`);
  }
  const group = s.groups.find(guid, groupId);
  if (!group) {
    return error(400, MESSAGES.badGroup, `No test run group ${groupId} in scheduled run ${guid}.`);
  }
  s.groups.countPoll(group);
  return jsonResponse(200, statusAnswer(group, viewGroup(group, now), s.hidden(group)));
}

export function groupList(s: Schedules, guid: string, now: number): SimResponse {
  if (!s.exists(guid, 'guid', s.scenarioFor(guid))) {
    return error(400, MESSAGES.badSchedule, `No scheduled run with id "${guid}".`);
  }
  return jsonResponse(
    200,
    s.groups.ofSchedule(guid).map((group) => groupListEntry(group, viewGroup(group, now))),
  );
}

/** §3.4: both outcomes are 200; without testRunGroupId every active group is aborted. */
export function abort(
  s: Schedules,
  request: SimRequest,
  guid: string,
  allOfSchedule: boolean,
  now: number,
): SimResponse {
  if (!s.exists(guid, 'guid', s.scenarioFor(guid))) {
    return error(400, MESSAGES.abortBadSchedule, `No scheduled run with id "${guid}".`);
  }
  let aborted: boolean;
  if (allOfSchedule) {
    const results = s.groups.ofSchedule(guid).map((group) => abortGroup(group, now, true));
    aborted = results.includes(true);
  } else {
    const groupId = queryParam(request.query, 'testRunGroupId') ?? '';
    const group = s.groups.find(guid, groupId);
    if (!group) {
      return error(
        400,
        MESSAGES.badGroup,
        `No test run group ${groupId} in scheduled run ${guid}.`,
      );
    }
    aborted = abortGroup(group, now, false);
  }
  return jsonResponse(200, {
    message: aborted ? MESSAGES.aborted(guid) : MESSAGES.nothingToAbort(guid),
  });
}

export function devices(platformText: string): SimResponse {
  const platform = PLATFORMS.find((candidate) => candidate === platformText.toUpperCase());
  if (!platform) {
    return error(400, 'Invalid platform.', `Expected ANDROID or IOS, got "${platformText}".`);
  }
  return jsonResponse(200, devicesAnswer(devicePool(platform)));
}
