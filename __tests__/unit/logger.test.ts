import { describe, expect, it } from '@jest/globals'
import { memoryLogger } from '../../src/logger.js'

describe('memoryLogger', () => {
  it('keeps warnings distinguishable from info lines', () => {
    const log = memoryLogger()
    log.info('a')
    log.warning('b')
    expect(log.lines).toEqual(['a', 'warning: b'])
  })
})
