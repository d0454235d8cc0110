/**
 * Process and boot identity on macOS and Windows (§2.3, §2.4), as pure data: which command to
 * run, and a parser for its output. Running them is identity.ts's job (injected `OsCalls`), so
 * every parser and decision here is tested on any OS.
 *
 * Start tokens are canonical UTC ISO times, so two processes that read the same owner get the
 * same string: macOS `ps` prints whole seconds ("2026-11-28T13:36:27Z"), Windows gives
 * microseconds ("2026-11-28T13:36:27.123456Z", FILETIME truncated, whichever tool read it).
 */

/** A program to run: no shell, fixed environment additions. */
export interface OsCommand {
  file: string
  args: string[]
  env?: Record<string, string>
}

/** A command and the parser of its stdout (undefined: no usable answer). */
export interface OsQuery<T> {
  command: OsCommand
  parse(stdout: string): T | undefined
}

/** What a start-time query learned about a running PID. */
export interface StartAnswer {
  startTime: string
  /** Exited but not yet reaped: holds nothing (same rule as Linux's Z state). */
  zombie: boolean
}

/**
 * Prefix of boot ids derived from the boot time. The OS moves the boot time when the wall
 * clock is stepped (NTP, VM resume), so such ids prove "same boot" when equal and say nothing
 * when they differ. No boot id proves a reboot (staleness.ts, issue 13.3: clones share host
 * name and machine id): a mismatch of any kind only means "cannot check the owner".
 */
export const TIME_BOOT_ID_PREFIX = 'boottime:'

export function isTimeDerivedBootId(bootId: string): boolean {
  return bootId.startsWith(TIME_BOOT_ID_PREFIX)
}

/**
 * The PID namespace field on systems with one PID space per boot (macOS, Windows). Windows
 * containers differ from their host by host name and MachineGuid, which are compared first.
 */
export const SINGLE_PID_SPACE = 'host'

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** Fields of a UTC time → canonical ISO string, or undefined when the fields are not a date. */
function isoUtc(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  fraction = ''
): string | undefined {
  const ms = Date.UTC(year, month - 1, day, hour, minute, second)
  const date = new Date(ms)
  // Rejects Feb 30, hour 25 and the like instead of silently rolling them over.
  if (
    !Number.isFinite(ms) ||
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    date.getUTCHours() !== hour ||
    date.getUTCMinutes() !== minute ||
    date.getUTCSeconds() !== second
  ) {
    return undefined
  }
  const base = date.toISOString().slice(0, 19)
  return fraction ? `${base}.${fraction}Z` : `${base}Z`
}

/** Fraction digits to exactly six (microseconds), truncating finer ones (.NET prints seven). */
const micros = (digits: string): string => digits.slice(0, 6).padEnd(6, '0')

// ---------------------------------------------------------------- macOS

/**
 * `ps -o stat= -o lstart= -p PID`, run with LC_ALL=C and TZ=UTC: the C locale fixes the
 * English day and month names and the layout, UTC makes the printed time independent of the
 * user's zone and of daylight saving, so every reader gets the same token for one process.
 */
export function darwinStartTimeQuery(pid: number): OsQuery<StartAnswer> {
  return {
    command: {
      file: 'ps',
      args: ['-o', 'stat=', '-o', 'lstart=', '-p', String(pid)],
      env: { LC_ALL: 'C', TZ: 'UTC' }
    },
    parse: parseDarwinPs
  }
}

/** "Ss   Sat Nov 28 13:36:27 2026" → the state letter decides zombie, the rest is lstart. */
export function parseDarwinPs(stdout: string): StartAnswer | undefined {
  const match = /^\s*(\S+)\s+(.+?)\s*$/.exec(stdout.split('\n').find(line => line.trim()) ?? '')
  if (!match) return undefined
  const startTime = parseDarwinLstart(match[2])
  if (!startTime) return undefined
  return { startTime, zombie: match[1].startsWith('Z') }
}

/** "Sat Nov 28 13:36:27 2026" (also "Sat Nov  8 ...") printed in UTC → "2026-11-28T13:36:27Z". */
export function parseDarwinLstart(text: string): string | undefined {
  const match =
    /^[A-Z][a-z]{2}\s+([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})\s+(\d{4})$/.exec(
      text.trim()
    )
  if (!match) return undefined
  const month = MONTHS.indexOf(match[1]) + 1
  if (month === 0) return undefined
  const [day, hour, minute, second, year] = match.slice(2).map(Number)
  return isoUtc(year, month, day, hour, minute, second)
}

/** `sysctl -n kern.bootsessionuuid`: a random id per boot, the real boot id (preferred). */
export function darwinBootSessionQuery(): OsQuery<string> {
  return {
    command: { file: 'sysctl', args: ['-n', 'kern.bootsessionuuid'], env: { LC_ALL: 'C' } },
    parse: parseUuid
  }
}

export function parseUuid(stdout: string): string | undefined {
  const text = stdout.trim().toLowerCase()
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(text)
    ? text
    : undefined
}

/** `sysctl -n kern.boottime`: fallback boot id where the session uuid is missing (old macOS). */
export function darwinBootTimeQuery(): OsQuery<string> {
  return {
    command: { file: 'sysctl', args: ['-n', 'kern.boottime'], env: { LC_ALL: 'C', TZ: 'UTC' } },
    parse: parseDarwinBootTime
  }
}

/** "{ sec = 1732780000, usec = 123456 } Sat Nov 28 ..." → "boottime:1732780000.123456". */
export function parseDarwinBootTime(stdout: string): string | undefined {
  const match = /\{\s*sec\s*=\s*(\d+),\s*usec\s*=\s*(\d+)\s*\}/.exec(stdout)
  if (!match) return undefined
  return `${TIME_BOOT_ID_PREFIX}${match[1]}.${match[2].padStart(6, '0')}`
}

/** `ioreg -rd1 -c IOPlatformExpertDevice`: the hardware UUID, macOS's machine id. */
export function darwinMachineIdQuery(): OsQuery<string> {
  return {
    command: { file: 'ioreg', args: ['-rd1', '-c', 'IOPlatformExpertDevice'] },
    parse: stdout => parseUuid(/"IOPlatformUUID"\s*=\s*"([^"]+)"/.exec(stdout)?.[1] ?? '')
  }
}

// ---------------------------------------------------------------- Windows

const POWERSHELL = 'powershell.exe'
const powershell = (script: string): OsCommand => ({
  file: POWERSHELL,
  args: ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', script]
})

/**
 * Creation time of a PID. PowerShell first; `wmic` (removed from recent Windows) only where
 * powershell.exe is missing, so one machine always reads owners the same way.
 * Get-Process's StartTime is local time built from the FILETIME, with .NET's DST-ambiguity
 * flag, so ToUniversalTime returns the exact instant.
 */
export function windowsStartTimeQueries(pid: number): OsQuery<StartAnswer>[] {
  const id = String(Math.trunc(pid))
  const running = (startTime: string | undefined): StartAnswer | undefined =>
    startTime ? { startTime, zombie: false } : undefined
  return [
    {
      command: powershell(
        `(Get-Process -Id ${id} -ErrorAction Stop).StartTime.ToUniversalTime().ToString('o')`
      ),
      parse: stdout => running(parseIsoUtc(stdout))
    },
    {
      command: {
        file: 'wmic',
        args: ['process', 'where', `ProcessId=${id}`, 'get', 'CreationDate', '/value']
      },
      parse: stdout => running(parseCimDateTime(parseWmicValue(stdout, 'CreationDate') ?? ''))
    }
  ]
}

/** Boot time, rounded down to the second (it is recomputed from the clock and may jitter). */
export function windowsBootIdQueries(): OsQuery<string>[] {
  const bootId = (iso: string | undefined): string | undefined =>
    iso ? `${TIME_BOOT_ID_PREFIX}${iso.slice(0, 19)}Z` : undefined
  return [
    {
      command: powershell(
        "(Get-CimInstance Win32_OperatingSystem).LastBootUpTime.ToUniversalTime().ToString('o')"
      ),
      parse: stdout => bootId(parseIsoUtc(stdout))
    },
    {
      command: { file: 'wmic', args: ['os', 'get', 'LastBootUpTime', '/value'] },
      parse: stdout => bootId(parseCimDateTime(parseWmicValue(stdout, 'LastBootUpTime') ?? ''))
    }
  ]
}

/** The MachineGuid registry value: Windows's machine id. */
export function windowsMachineIdQuery(): OsQuery<string> {
  return {
    command: {
      file: 'reg',
      args: ['query', 'HKLM\\SOFTWARE\\Microsoft\\Cryptography', '/v', 'MachineGuid']
    },
    parse: stdout => parseUuid(/MachineGuid\s+REG_SZ\s+(\S+)/i.exec(stdout)?.[1] ?? '')
  }
}

/** .NET round-trip ("o") UTC time "2026-11-28T13:36:27.1234567Z" → canonical, microseconds. */
export function parseIsoUtc(stdout: string): string | undefined {
  const match =
    /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|\+00:00)$/.exec(
      stdout.trim()
    )
  if (!match) return undefined
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number)
  return isoUtc(year, month, day, hour, minute, second, micros(match[7] ?? ''))
}

/**
 * CIM datetime "20261128133627.123456+060": local time, then the offset from UTC in minutes
 * (`+060` = UTC+1) → canonical UTC, microseconds.
 */
export function parseCimDateTime(text: string): string | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\.(\d{6})([+-])(\d{3})$/.exec(
    text.trim()
  )
  if (!match) return undefined
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number)
  if (!isoUtc(year, month, day, hour, minute, second)) return undefined
  const offsetMinutes = Number(match[9]) * (match[8] === '-' ? -1 : 1)
  const utc = new Date(
    Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000
  )
  return `${utc.toISOString().slice(0, 19)}.${match[7]}Z`
}

/** `wmic ... /value` prints "Name=value" among blank lines (and \r\r\n line ends). */
export function parseWmicValue(stdout: string, name: string): string | undefined {
  for (const line of stdout.split(/\r*\n/)) {
    const [key, ...rest] = line.trim().split('=')
    if (key === name && rest.length > 0) return rest.join('=').trim()
  }
  return undefined
}

// ---------------------------------------------------------------- per platform

/** Queries for a PID's start time (Linux reads /proc instead: none here). */
export function startTimeQueries(platform: NodeJS.Platform, pid: number): OsQuery<StartAnswer>[] {
  if (platform === 'darwin') return [darwinStartTimeQuery(pid)]
  if (platform === 'win32') return windowsStartTimeQueries(pid)
  return []
}

export function bootIdQueries(platform: NodeJS.Platform): OsQuery<string>[] {
  if (platform === 'darwin') return [darwinBootSessionQuery(), darwinBootTimeQuery()]
  if (platform === 'win32') return windowsBootIdQueries()
  return []
}

export function machineIdQueries(platform: NodeJS.Platform): OsQuery<string>[] {
  if (platform === 'darwin') return [darwinMachineIdQuery()]
  if (platform === 'win32') return [windowsMachineIdQuery()]
  return []
}
