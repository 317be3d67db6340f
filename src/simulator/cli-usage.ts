// The `testrelay simulate --help` text: general flags, every knob (common, then each vendor's,
// with its variant flags) and the control endpoints.

import { GENERAL_OPTIONS } from './cli-args.js';
import { CONTROL_ENDPOINTS } from './control.js';
import { knobFlag } from './knob-values.js';
import { COMMON_KNOBS } from './common-knobs.js';
import type { KnobSpec } from './scenario.js';
import type { VendorDefinition } from './vendor.js';

function formatDefault(spec: KnobSpec): string {
  const value = spec.default;
  if (value === null || value === '' || (Array.isArray(value) && value.length === 0)) return '';
  return ` (default ${Array.isArray(value) ? value.join(',') : String(value)})`;
}

function optionLine(left: string, help: string): string {
  return `  ${left.padEnd(34)} ${help}`;
}

function knobLine(spec: KnobSpec): string {
  const flag = knobFlag(spec.name);
  const left = spec.type === 'boolean' ? `--[no-]${flag}` : `--${flag} ${spec.placeholder}`;
  return optionLine(left, `${spec.help}${formatDefault(spec)}`);
}

/** The `--help` text for the simulators of `vendors`. */
export function simulateUsage(vendors: readonly VendorDefinition[]): string {
  const lines = [
    'Usage: testrelay simulate --vendor <name|all> [options]',
    '',
    "Runs local HTTP servers on 127.0.0.1 that behave like the vendors' APIs (paths, auth,",
    'payloads, run states over time, quirks and errors), for tests, demos and pipeline checks.',
    'When ready it prints one line per vendor on stdout: "<vendor> <baseUrl>". Pass that base',
    'URL to TestRelay as the vendor base URL. Stops on SIGINT (Ctrl-C) or SIGTERM.',
    '',
    'Options:',
    ...GENERAL_OPTIONS.map((option) => optionLine(`--${option.flag} ${option.value}`, option.help)),
    optionLine('-h, --help', 'show this help'),
    '',
    'Scenario, all vendors (also settable as JSON with PUT <baseUrl>/__sim/scenario, camelCase):',
    ...COMMON_KNOBS.map(knobLine),
  ];
  for (const vendor of vendors) {
    lines.push('', `Scenario, ${vendor.title} only:`, ...vendor.knobs.map(knobLine));
    const variants = Object.entries(vendor.variants);
    // A vendor with one behaviour only gets no heading for an empty list.
    if (variants.length === 0) continue;
    lines.push('', `${vendor.title} variants (--variant FLAG,FLAG):`);
    for (const [flag, help] of variants) lines.push(optionLine(flag, help));
  }
  lines.push(
    '',
    'Control endpoints (no auth; at the server root and under <baseUrl>):',
    ...CONTROL_ENDPOINTS.map((line) => `  ${line}`),
    '',
    'Example:',
    '  testrelay simulate --vendor testsigma --tests 20 --failed 3 --duration-seconds 30',
    '',
  );
  return lines.join('\n');
}
