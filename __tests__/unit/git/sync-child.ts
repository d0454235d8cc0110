/** Runs one syncSharedClone with the request read from stdin (tests kill it mid-way). */
import { syncSharedClone, type SyncRequest } from '../../../src/git/index.js'
import { consoleLogger } from '../../../src/logger.js'

let input = ''
process.stdin.setEncoding('utf8')
process.stdin.on('data', chunk => (input += chunk))
process.stdin.on('end', () => {
  const request = JSON.parse(input) as SyncRequest
  process.stdout.write('started\n')
  syncSharedClone(request, consoleLogger).then(
    result => process.stdout.write(`${JSON.stringify(result)}\n`),
    error => {
      process.stderr.write(`${String(error)}\n`)
      process.exitCode = 1
    }
  )
})
