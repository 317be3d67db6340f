// Settings as tests read them: the common settings plus each module's own under its name
// (only the active vendor's and the reportTo sinks' are there).
import type { CiContext, InputReader, Settings } from '../../src/core/settings.js';
import { readSettings } from '../../src/vendors/registry.js';
import type { SofySettings } from '../../src/vendors/sofy/index.js';
import type { SpiraSettings } from '../../src/vendors/spira/index.js';
import type { SquishSettings } from '../../src/vendors/squish/index.js';
import type { TestomatioSettings } from '../../src/vendors/testomatio/index.js';
import type { TestsigmaSettings } from '../../src/vendors/testsigma/index.js';

export type SettingsView = Settings & {
  testsigma: TestsigmaSettings;
  sofy: SofySettings;
  squish: SquishSettings;
  testomatio: TestomatioSettings;
  spira: SpiraSettings;
};

export function readSettingsView(read: InputReader, ci: CiContext): SettingsView {
  const settings = readSettings(read, ci);
  const vendor = settings.vendor ? { [settings.vendor]: settings.vendorSettings } : {};
  return { ...settings, ...vendor, ...settings.sinkSettings } as SettingsView;
}
