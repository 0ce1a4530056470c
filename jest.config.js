/** Jest runs in native ESM mode (octokit is ESM-only); ts-jest only transpiles, `tsc --noEmit` type-checks. */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }],
  },
  // Generous, for a machine busy with other suites (a PGlite start and seed took over 60 s under a load of 28);
  // above the 150 s deadline of the commands tests run (test/support/processes.ts), so that one names the command.
  testTimeout: 180000,
  // A TMPDIR of the run's own inside the given one, removed at the end (test/support/tmpdir-*.mjs).
  // Jest's transform cache would otherwise be $TMPDIR/jest_<uid>, made before globalSetup runs: a cache, so in
  // node_modules/.cache like other tools', and the TMPDIR the suite is given stays as it was.
  cacheDirectory: '<rootDir>/node_modules/.cache/jest',
  globalSetup: '<rootDir>/test/support/tmpdir-setup.mjs',
  globalTeardown: '<rootDir>/test/support/tmpdir-teardown.mjs',
};
