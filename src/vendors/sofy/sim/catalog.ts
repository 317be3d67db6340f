// What a Sofy account holds besides runs: the device pool per platform and the applications
// with their builds (vendor-apis/sofy.md §3.1, §3.5). Everything is derived from fixed seeds,
// so ids, serials and app hashes are the same on every start; uploads add builds (and apps).

import { stableHash } from '../../../simulator/kit.js';

export type Platform = 'ANDROID' | 'IOS';
export const PLATFORMS: readonly Platform[] = ['ANDROID', 'IOS'];

export interface Device {
  /** Display name, as the status rows show it (`device`). */
  name: string;
  manufacturer: string;
  /** Hardware model, as the legacy rows show it (`Model`, e.g. `iPhone13,2`). */
  model: string;
  osVersion: string;
  serial: string;
  online: boolean;
}

type DeviceSeed = readonly [name: string, manufacturer: string, model: string, os: string];

// The pool a schedule draws from, online devices first (the devices endpoint lists offline
// ones too, §3.5).
const DEVICE_SEEDS: Readonly<Record<Platform, { online: DeviceSeed[]; offline: DeviceSeed[] }>> = {
  ANDROID: {
    online: [
      ['Pixel 7', 'Google', 'Pixel 7', '14'],
      ['Galaxy S23', 'Samsung', 'SM-S911U', '14'],
      ['Pixel 6a', 'Google', 'Pixel 6a', '13'],
      ['Galaxy A54', 'Samsung', 'SM-A546U', '13'],
      ['OnePlus 11', 'OnePlus', 'CPH2449', '13'],
      ['Galaxy Tab S8', 'Samsung', 'SM-X700', '13'],
    ],
    offline: [
      ['Moto G Power (2022)', 'motorola', 'moto g power (2022)', '12'],
      ['Pixel 4a', 'Google', 'Pixel 4a', '12'],
    ],
  },
  IOS: {
    online: [
      ['iPad 7th Gen', 'Apple', 'iPad7,11', '15.7'],
      ['iPhone 14', 'Apple', 'iPhone14,7', '16.6'],
      ['iPhone 12', 'Apple', 'iPhone13,2', '16.1'],
      ['iPhone 13 Pro', 'Apple', 'iPhone14,2', '17.0'],
      ['iPhone SE 3rd Gen', 'Apple', 'iPhone14,6', '16.4'],
      ['iPad Air 5th Gen', 'Apple', 'iPad13,16', '16.2'],
    ],
    offline: [
      ['iPhone 11', 'Apple', 'iPhone12,1', '15.5'],
      ['iPhone XR', 'Apple', 'iPhone11,8', '14.8'],
    ],
  },
};

/** 8 upper-case hex digits per hash, as many as asked for. */
function hexDigits(seed: string, count: number): string {
  let hex = '';
  for (let part = 0; hex.length < count; part += 1) {
    hex += stableHash(`${seed}#${part}`).toString(16).padStart(8, '0');
  }
  return hex.slice(0, count).toUpperCase();
}

/** A stable, well-formed (version 4) GUID, upper-case as Sofy writes them. */
export function guidFrom(seed: string): string {
  const hex = hexDigits(seed, 32);
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16).toUpperCase();
  return (
    `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-` +
    `${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
  );
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(text: string): boolean {
  return GUID.test(text);
}

function serialOf(platform: Platform, name: string): string {
  // Android serials are short hex strings; iOS devices are known by their UDID.
  return platform === 'ANDROID'
    ? hexDigits(`serial:${name}`, 12)
    : `00008030-${hexDigits(`udid:${name}`, 16)}`;
}

function deviceOf(platform: Platform, seed: DeviceSeed, online: boolean, round = 0): Device {
  const [baseName, manufacturer, model, osVersion] = seed;
  const name = round === 0 ? baseName : `${baseName} (${round + 1})`;
  return { name, manufacturer, model, osVersion, serial: serialOf(platform, name), online };
}

/** Every device of a platform, online and offline (the devices endpoint). */
export function devicePool(platform: Platform): Device[] {
  const seeds = DEVICE_SEEDS[platform];
  return [
    ...seeds.online.map((seed) => deviceOf(platform, seed, true)),
    ...seeds.offline.map((seed) => deviceOf(platform, seed, false)),
  ];
}

/** The devices a schedule runs on: the first `count` online ones, repeated when it runs out. */
export function scheduleDevices(platform: Platform, count: number): Device[] {
  const online = DEVICE_SEEDS[platform].online;
  return Array.from({ length: count }, (_, index) =>
    deviceOf(platform, online[index % online.length], true, Math.floor(index / online.length)),
  );
}

export interface Build {
  appHash: string;
  buildId: number;
  /** e.g. `2.14.0.release-candidate`; the status rows show `<friendlyName>(<buildId>)`. */
  friendlyName: string;
  packageName: string;
  /** sha256 of an uploaded file (duplicate detection); null for the seeded builds. */
  contentHash: string | null;
}

export interface Application {
  guid: string;
  platform: Platform;
  friendlyName: string;
  packageName: string;
  builds: Build[];
}

/** The `build` text of a status row: `1.43.0.release-candidate(5768)`. */
export function buildLabel(build: Build): string {
  return `${build.friendlyName}(${build.buildId})`;
}

/** Version, code name and build number, as the legacy rows split a build. */
export function buildParts(build: Build): { version: string; codeName: string; number: string } {
  const match = /^(\d+(?:\.\d+)*)(?:[.\-_ ](.*))?$/.exec(build.friendlyName);
  return {
    version: match ? match[1] : build.friendlyName,
    codeName: match?.[2] ?? '',
    number: String(build.buildId),
  };
}

function appHashOf(seed: string): string {
  return hexDigits(`apphash:${seed}`, 32).toLowerCase();
}

/** The account's applications and builds; uploads add to it, reset() forgets them. */
export class Catalog {
  private apps: Application[] = [];
  private nextBuildId = 0;

  constructor() {
    this.reset();
  }

  reset(): void {
    const seeded = (platform: Platform, name: string, packageName: string): Application => {
      const guid = guidFrom(`application:${packageName}`);
      const build = (friendlyName: string, buildId: number): Build => ({
        appHash: appHashOf(`${guid}:${buildId}`),
        buildId,
        friendlyName,
        packageName,
        contentHash: null,
      });
      const offset = platform === 'ANDROID' ? 0 : 1;
      return {
        guid,
        platform,
        friendlyName: name,
        packageName,
        builds: [build('2.13.1', 5741 + offset), build('2.14.0.release-candidate', 5768 + offset)],
      };
    };
    this.apps = [
      seeded('ANDROID', 'ShopEasy Android', 'com.shopeasy.android'),
      seeded('IOS', 'ShopEasy iOS', 'com.shopeasy.ios'),
    ];
    this.nextBuildId = 5801;
  }

  applications(): readonly Application[] {
    return this.apps;
  }

  /** The application a schedule of this platform tests (the first one of the platform). */
  scheduleApp(platform: Platform): Application {
    return this.apps.find((app) => app.platform === platform) ?? this.apps[0];
  }

  findApp(guid: string): Application | undefined {
    return this.apps.find((app) => app.guid.toLowerCase() === guid.toLowerCase());
  }

  findBuild(appHash: string): Build | undefined {
    const wanted = appHash.trim().toLowerCase();
    for (const app of this.apps) {
      const build = app.builds.find((candidate) => candidate.appHash === wanted);
      if (build) return build;
    }
    return undefined;
  }

  latestBuild(app: Application): Build {
    return app.builds[app.builds.length - 1];
  }

  addApp(platform: Platform, friendlyName: string): Application {
    const slug = friendlyName.toLowerCase().replace(/[^a-z0-9]+/g, '') || 'app';
    const app: Application = {
      guid: guidFrom(`application:upload:${this.apps.length}:${friendlyName}`),
      platform,
      friendlyName,
      packageName: `com.example.${slug}`,
      builds: [],
    };
    this.apps.push(app);
    return app;
  }

  addBuild(app: Application, friendlyName: string, contentHash: string): Build {
    const buildId = this.nextBuildId;
    this.nextBuildId += 1;
    const build: Build = {
      appHash: appHashOf(`${app.guid}:${buildId}:${contentHash}`),
      buildId,
      friendlyName,
      packageName: app.packageName,
      contentHash,
    };
    app.builds.push(build);
    return build;
  }
}
