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
};
