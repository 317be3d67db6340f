// The arguments of `testrelay simulate`: which vendors, where to listen, and the scenario
// knobs as kebab-case flags, each vendor's knobs going to the vendors that declare them.

import { parseArgs } from 'node:util';
import { knobFlag, parseKnobFlag } from './knob-values.js';
import { COMMON_KNOBS } from './common-knobs.js';
import { variantFlags, type KnobSpec, type KnobValue } from './scenario.js';
import { findVendor, type VendorDefinition } from './vendor.js';

/** A bad flag: the command exits with status 2 and this message. */
export class UsageError extends Error {}

type Values = Record<string, string | boolean | undefined>;

/** The flags that are not scenario knobs. */
export const GENERAL_OPTIONS: ReadonlyArray<{ flag: string; value: string; help: string }> = [
  { flag: 'vendor', value: 'NAME', help: 'vendor to simulate, or "all" (required)' },
  {
    flag: 'port',
    value: 'N',
    help: 'port to listen on (with "all": N, N+1, …); default: a free port',
  },
  { flag: 'host', value: 'HOST', help: 'interface to bind (default 127.0.0.1)' },
  { flag: 'api-key', value: 'KEY', help: 'the accepted API key (default: any non-empty key)' },
];

/** Every knob once (common first), with the vendors that declare each vendor knob. */
/** Every knob once (common first), with the vendors that declare each vendor knob. */
function knobCatalog(vendors: readonly VendorDefinition[]): {
  specs: KnobSpec[];
  owners: Map<string, Set<string>>;
} {
  const specs = [...COMMON_KNOBS];
  const owners = new Map<string, Set<string>>();
  for (const vendor of vendors) {
    for (const spec of vendor.knobs) {
      if (!owners.has(spec.name)) {
        owners.set(spec.name, new Set());
        specs.push(spec);
      }
      owners.get(spec.name)!.add(vendor.name);
    }
  }
  return { specs, owners };
}

export interface ParsedCommand {
  help: boolean;
  vendors: VendorDefinition[];
  port: number | undefined;
  host: string | undefined;
  apiKey: string | undefined;
  /** Scenario patch per vendor name. */
  patches: Map<string, Record<string, KnobValue>>;
}

function parsePort(raw: string | undefined, vendorCount: number): number | undefined {
  if (raw === undefined) return undefined;
  const port = /^\d{1,5}$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!(port >= 0 && port + (port === 0 ? 0 : vendorCount - 1) <= 65535)) {
    throw new UsageError(`--port: expected a port number from 0 to 65535, got "${raw}"`);
  }
  return port;
}

/** parseArgs options for the general flags and every knob (`--[no-]flag` for booleans). */
function flagOptions(
  specs: readonly KnobSpec[],
): Record<string, { type: 'string' | 'boolean'; short?: string }> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const option of GENERAL_OPTIONS) options[option.flag] = { type: 'string' };
  for (const spec of specs) {
    const flag = knobFlag(spec.name);
    if (spec.type === 'boolean') {
      options[flag] = { type: 'boolean' };
      options[`no-${flag}`] = { type: 'boolean' };
    } else {
      options[flag] = { type: 'string' };
    }
  }
  return options;
}

/** The vendors `--vendor` names (a name or "all"). */
function chosenVendors(registry: readonly VendorDefinition[], values: Values): VendorDefinition[] {
  const vendorName = typeof values.vendor === 'string' ? values.vendor.trim().toLowerCase() : '';
  const known = [...registry.map((vendor) => vendor.name), 'all'].join(', ');
  if (vendorName === '') throw new UsageError(`--vendor is required (one of: ${known})`);
  const vendors =
    vendorName === 'all'
      ? [...registry]
      : [findVendor(registry, vendorName)].filter((v) => v !== undefined);
  if (vendors.length === 0) {
    throw new UsageError(`--vendor: unknown vendor "${values.vendor}" (expected one of: ${known})`);
  }
  return vendors;
}

/** The knob values the flags set: common ones, and each vendor's own. */
function knobValues(
  catalog: { specs: KnobSpec[]; owners: Map<string, Set<string>> },
  vendors: readonly VendorDefinition[],
  values: Values,
): { common: Record<string, KnobValue>; perVendor: Map<string, Record<string, KnobValue>> } {
  const { specs, owners } = catalog;
  const common: Record<string, KnobValue> = {};
  const perVendor = new Map<string, Record<string, KnobValue>>(vendors.map((v) => [v.name, {}]));
  for (const spec of specs) {
    const flag = knobFlag(spec.name);
    let raw: string | boolean | undefined = values[flag];
    if (spec.type === 'boolean') {
      const negated = values[`no-${flag}`];
      if (raw && negated) throw new UsageError(`--${flag} and --no-${flag} contradict each other`);
      raw = raw ? true : negated ? false : undefined;
    }
    if (raw === undefined) continue;
    const value = parseKnobFlag(spec, raw, `--${flag}`);
    const owner = owners.get(spec.name);
    if (!owner) {
      common[spec.name] = value;
      continue;
    }
    const targets = vendors.filter((vendor) => owner.has(vendor.name));
    if (targets.length === 0) {
      throw new UsageError(`--${flag}: not a knob of ${vendors.map((v) => v.name).join(', ')}`);
    }
    for (const vendor of targets) perVendor.get(vendor.name)![spec.name] = value;
  }
  return { common, perVendor };
}

/** With several vendors, each gets the variant flags it knows. */
function shareVariant(
  common: Record<string, KnobValue>,
  perVendor: Map<string, Record<string, KnobValue>>,
  vendors: readonly VendorDefinition[],
): void {
  if (typeof common.variant !== 'string') return;
  const flags = variantFlags(common.variant);
  for (const flag of flags) {
    if (!vendors.some((vendor) => flag in vendor.variants)) {
      const knownFlags = vendors.flatMap((vendor) => Object.keys(vendor.variants)).join(', ');
      throw new UsageError(`--variant: unknown flag "${flag}" (known: ${knownFlags})`);
    }
  }
  for (const vendor of vendors) {
    perVendor.get(vendor.name)!.variant = flags.filter((flag) => flag in vendor.variants).join(',');
  }
  delete common.variant;
}

/** Parses the arguments after `simulate`; throws a UsageError (or a ScenarioError) for bad ones. */
export function parseCommand(registry: readonly VendorDefinition[], argv: string[]): ParsedCommand {
  const catalog = knobCatalog(registry);
  const options = flagOptions(catalog.specs);
  let values: Values;
  try {
    ({ values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) {
    return {
      help: true,
      vendors: [],
      port: undefined,
      host: undefined,
      apiKey: undefined,
      patches: new Map(),
    };
  }
  const vendors = chosenVendors(registry, values);
  const host = typeof values.host === 'string' ? values.host.trim() : undefined;
  if (host === '') throw new UsageError('--host: expected a host name or IP address');
  const apiKey = typeof values['api-key'] === 'string' ? values['api-key'] : undefined;
  if (apiKey !== undefined && apiKey.trim() === '') {
    throw new UsageError('--api-key: expected a non-empty key');
  }
  const { common, perVendor } = knobValues(catalog, vendors, values);
  shareVariant(common, perVendor, vendors);
  const patches = new Map(
    vendors.map((vendor) => [vendor.name, { ...common, ...perVendor.get(vendor.name) }]),
  );
  return {
    help: false,
    vendors,
    port: parsePort(typeof values.port === 'string' ? values.port : undefined, vendors.length),
    host,
    apiKey,
    patches,
  };
}
