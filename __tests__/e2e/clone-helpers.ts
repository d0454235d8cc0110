/**
 * The helpers' former name, still imported by trees.test.ts, isolation.test.ts and
 * layout.test.ts: new files import ./helpers.js.
 */
export * from './helpers.js'
