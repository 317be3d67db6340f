// Replaced with package.json's version by scripts/build.mjs when bundling.
export const VERSION: string = '__TESTRELAY_VERSION__';
