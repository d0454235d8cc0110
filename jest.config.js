import os from 'node:os'

// ESM mode: @actions/* 3.x/6.x are ESM-only (CONTRIBUTING.md "Toolchain").
const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.all.json' }] }
}

export default {
  testTimeout: 120000,
  // The tests mostly wait on real processes (git, the action's steps, lock leases): one worker
  // more than the cores keeps both cores busy (CONTRIBUTING.md "Tests").
  maxWorkers: Math.max(1, Math.round(os.availableParallelism() * 1.5)),
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/__tests__/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/__tests__/e2e/**/*.test.ts'],
      // The end-to-end tests run built bundles: never a stale dist/ (see setup.mjs).
      globalSetup: '<rootDir>/__tests__/e2e/setup.mjs'
    },
    { ...common, displayName: 'testkit', testMatch: ['<rootDir>/__tests__/testkit/**/*.test.ts'] }
  ]
}
