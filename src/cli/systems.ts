import { readFile } from 'node:fs/promises'
import { type Config, INPUT_NAMES, InputError, parseConfig, type RawInputs } from '../config.js'
import { printable } from '../checks/response.js'
import { renderJson } from '../report/json.js'
import { failingChecks, type Report } from '../report/model.js'
import { plural } from '../report/text.js'
import { runCheck } from '../run.js'
import { TOOL } from '../tool.js'

/** Inputs that hold secrets: a systems file names an environment variable for each instead. */
const SECRET_INPUTS = [
  'initial-access-token',
  'client-secret',
  'client-id',
  'seller-username',
  'seller-password',
] as const

export interface System {
  name: string
  raw: RawInputs
  /** Bad input in this system's entry of the file, naming the entry and the key: not checked. */
  error?: string
  /** Its place in the file, from 1, which messages about its input name. */
  entry?: number
}

export interface SystemOutcome {
  name: string
  issuer?: string
  result: 'pass' | 'fail'
  report?: Report
  /** Bad input for this system: it was not checked. */
  error?: string
  /** The check of this system threw: a bug of ours, not the system's fault. */
  internal?: Error
}

/** Checks one system's configuration; {@link runCheck} unless a test stands in for it. */
export type Check = (config: Config) => Promise<Report>

/**
 * Reads a systems file: a JSON array of objects whose keys are the input names (`issuer`,
 * `orders-feed-url`, …) plus `name`, with secrets given as the names of environment variables
 * (`initial-access-token-env`, `client-id-env`, `client-secret-env`), never as values. Each
 * entry's inputs are laid over `defaults`, the inputs given on the command line.
 *
 * A file that cannot be read, is not JSON or is not a non-empty array throws; a bad entry does
 * not: it comes back with its `error`, so that only that system fails.
 */
export async function readSystems(
  path: string,
  env: NodeJS.ProcessEnv,
  defaults: RawInputs = {},
): Promise<System[]> {
  let text: string
  try {
    // Editors on Windows may start the file with a byte order mark, which JSON does not allow.
    text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '')
  } catch (error) {
    throw new Error(`--systems: cannot read ${path}: ${(error as NodeJS.ErrnoException).code}`)
  }

  let entries: unknown
  try {
    entries = JSON.parse(text)
  } catch (error) {
    // The parser's message quotes the file around the error, and the file may hold a password.
    throw new Error(`--systems: ${path} is not valid JSON${whereInJson(text, error)}`)
  }
  if (!Array.isArray(entries) || entries.length === 0)
    throw new Error(`--systems: ${path} must hold a non-empty JSON array`)
  return entries.map((entry, index) => systemOf(entry, index + 1, env, defaults))
}

/**
 * Where a JSON syntax error is, as " (line L, column C)", from the position in the parser's
 * message; never any text of the file.
 */
function whereInJson(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : ''
  if (/end of JSON input/.test(message)) return ' (it ends too early)'
  const position = positionInJson(text, message)
  if (position === undefined) return ''
  const before = text.slice(0, position)
  const line = before.split('\n').length
  const column = position - before.lastIndexOf('\n')
  return ` (line ${line}, column ${column})`
}

/**
 * The offset of a JSON syntax error. Node 20 gives "at position N" for most errors, but for an
 * unexpected token only the 10 characters either side of it, so the offset is found from those.
 */
function positionInJson(text: string, message: string): number | undefined {
  const at = /at position (\d+)/.exec(message)
  if (at) return Number(at[1])
  const context =
    /^Unexpected token '[\s\S]{1,2}', (\.\.\.)?"([\s\S]*)"(\.\.\.)? is not valid JSON$/.exec(
      message,
    )
  if (!context) return undefined
  const [, cutBefore, excerpt, cutAfter] = context
  if (cutBefore) {
    const start = text.indexOf(excerpt)
    return start === -1 ? undefined : start + 10
  }
  return cutAfter ? excerpt.length - 10 : undefined
}

function systemOf(
  entry: unknown,
  index: number,
  env: NodeJS.ProcessEnv,
  defaults: RawInputs,
): System {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    return {
      name: `system ${index}`,
      raw: {},
      entry: index,
      error: `entry ${index}: not an object`,
    }

  const fields = entry as Record<string, unknown>
  const name =
    typeof fields.name === 'string' && fields.name !== '' ? fields.name : `system ${index}`
  try {
    return { name, raw: { ...defaults, ...inputsOf(fields, env) }, entry: index }
  } catch (error) {
    const issuer = typeof fields.issuer === 'string' ? fields.issuer : undefined
    return {
      name,
      raw: { issuer },
      entry: index,
      error: `entry ${index}, ${(error as Error).message}`,
    }
  }
}

/** An entry's inputs; throws naming the key when one is bad. */
function inputsOf(fields: Record<string, unknown>, env: NodeJS.ProcessEnv): RawInputs {
  const raw: RawInputs = {}
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'name') continue
    const secret = SECRET_INPUTS.find((input) => key === `${input}-env`)
    if ((SECRET_INPUTS as readonly string[]).includes(key)) {
      throw new Error(
        `${key}: give it as ${key}-env, the name of an environment variable, not as a value`,
      )
    }
    if (typeof value !== 'string' && typeof value !== 'boolean' && typeof value !== 'number') {
      throw new Error(`${key}: must be a string`)
    }
    if (secret) {
      const variable = String(value)
      if (env[variable] === undefined)
        throw new Error(`${key}: environment variable ${variable} is not set`)
      raw[secret] = env[variable]
    } else if ((INPUT_NAMES as readonly string[]).includes(key)) {
      raw[key as keyof RawInputs] = String(value)
    } else {
      throw new Error(`${JSON.stringify(key)}: not an input name`)
    }
  }
  return raw
}

/** Keeps every Nth system, from the Kth: `shard` is "K/N", for a GitHub Actions matrix. */
export function shardOf<T>(items: T[], shard: string | undefined): T[] {
  if (shard === undefined) return items
  const match = /^(\d+)\/(\d+)$/.exec(shard)
  const [k, n] = match ? [Number(match[1]), Number(match[2])] : [0, 0]
  if (!match || n < 1 || k < 1 || k > n)
    throw new Error(`--shard: must be K/N with 1 ≤ K ≤ N (got ${JSON.stringify(shard)})`)
  return items.filter((_, index) => index % n === k - 1)
}

/** Checks every system, at most `concurrency` at a time; outcomes keep the file's order. */
export async function checkSystems(
  systems: System[],
  concurrency: number,
  check: Check = runCheck,
): Promise<SystemOutcome[]> {
  const outcomes: SystemOutcome[] = new Array(systems.length)
  let next = 0
  const worker = async () => {
    while (next < systems.length) {
      const index = next++
      outcomes[index] = await checkSystem(systems[index], check)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, systems.length) }, worker))
  return outcomes
}

/** One system's outcome; whatever goes wrong stays with that system. */
async function checkSystem(
  { name, raw, error, entry }: System,
  check: Check,
): Promise<SystemOutcome> {
  const issuer = raw.issuer
  if (error) return { name, issuer, result: 'fail', error }
  try {
    const report = await check(parseConfig(raw))
    return { name, issuer: report.issuer, result: report.result, report }
  } catch (error) {
    if (error instanceof InputError) {
      const where = entry === undefined ? 'input' : `entry ${entry},`
      return { name, issuer, result: 'fail', error: `${where} ${error.message}` }
    }
    return { name, issuer, result: 'fail', internal: asError(error) }
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error))
}

const oneLine = (text: string) => printable(text).replace(/[\n\t]/g, ' ')

/** One line per system, then the overall verdict. */
export function renderSystems(outcomes: SystemOutcome[]): string {
  const lines = outcomes.map((outcome) => {
    // Names and issuers come from the file: no terminal escape or line break gets through.
    const { result, report, error, internal } = outcome
    const name = oneLine(outcome.name)
    const issuer = oneLine(outcome.issuer ?? '')
    const mark = result === 'pass' ? '✔' : '✖'
    if (error) return `${mark} ${name}: not checked: ${error}`
    if (internal) return `${mark} ${name} (${issuer}): internal error: ${internal.message}`
    const failing = report ? failingChecks(report) : []
    const counts = `${plural(report?.failures ?? 0, 'failure')}, ${plural(report?.warnings ?? 0, 'warning')}`
    return `${mark} ${name} (${issuer}): ${counts}${failing.length ? ` — ${failing.join(', ')}` : ''}`
  })
  const failed = outcomes.filter((outcome) => outcome.result === 'fail').length
  const verdict = failed === 0 ? 'PASS' : 'FAIL'
  return `${lines.join('\n')}\n\n${verdict}: ${failed} of ${plural(outcomes.length, 'system')} failed\n`
}

/** The JSON report of a multi-system run: each system's report, and the overall result. */
export function renderSystemsJson(outcomes: SystemOutcome[]): string {
  const result = outcomes.every((outcome) => outcome.result === 'pass') ? 'pass' : 'fail'
  const systems = outcomes.map(({ name, issuer, result, report, error, internal }) => ({
    name,
    issuer,
    result,
    ...(report
      ? { report: JSON.parse(renderJson(report)) as unknown }
      : { error: error ?? `internal error: ${internal?.message}` }),
  }))
  return `${JSON.stringify({ tool: { ...TOOL }, result, systems }, null, 2)}\n`
}
