// ESM + TypeScript: @actions/* 3.x are ESM-only, so jest runs with
// --experimental-vm-modules (see package.json "test") and ts-jest's ESM preset.
/** @type {import('jest').Config} */
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  // Sources import siblings as './x.js' (NodeNext); map them back to the .ts files.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  // Integration tests spawn the bundled entrypoints against real simulators.
  testTimeout: 60000,
  // Most of that time is spent waiting on simulated runs and child processes, not on the CPU:
  // two workers on a 2-core runner took the suite from 440 s to 280 s (jest's default there is
  // one). The end-to-end tests' time limits (exit within 5 s of a signal) held.
  maxWorkers: 2,
};
