import { readFile } from 'node:fs/promises'
import { INPUT_NAMES, InputError, parseConfig, type RawInputs } from '../config.js'
import { renderJson } from '../report/json.js'
import type { Report } from '../report/model.js'
import { plural } from '../report/text.js'
import { runCheck } from '../run.js'
import { TOOL } from '../tool.js'

/** Inputs that hold secrets: a systems file names an environment variable for each instead. */
const SECRET_INPUTS = ['initial-access-token', 'client-secret', 'client-id'] as const

export interface System {
  name: string
  raw: RawInputs
}

export interface SystemOutcome {
  name: string
  issuer?: string
  result: 'pass' | 'fail'
  report?: Report
  /** Bad input for this system: it was not checked. */
  error?: string
}

/**
 * Reads a systems file: a JSON array of objects whose keys are the input names (`issuer`,
 * `orders-feed-url`, …) plus `name`, with secrets given as the names of environment variables
 * (`initial-access-token-env`, `client-id-env`, `client-secret-env`), never as values.
 */
export async function readSystems(path: string, env: NodeJS.ProcessEnv): Promise<System[]> {
  let entries: unknown
  try {
    entries = JSON.parse(await readFile(path, 'utf8'))
  } catch (error) {
    throw new Error(`--systems: cannot read ${path} as JSON: ${(error as Error).message}`)
  }
  if (!Array.isArray(entries) || entries.length === 0)
    throw new Error(`--systems: ${path} must hold a non-empty JSON array`)
  return entries.map((entry, index) => systemOf(entry, index, env))
}

function systemOf(entry: unknown, index: number, env: NodeJS.ProcessEnv): System {
  const where = `--systems: entry ${index + 1}`
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    throw new Error(`${where} is not an object`)
  const fields = entry as Record<string, unknown>
  const name =
    typeof fields.name === 'string' && fields.name !== '' ? fields.name : `system ${index + 1}`
  const raw: RawInputs = {}
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'name') continue
    const secret = SECRET_INPUTS.find((input) => key === `${input}-env`)
    if ((SECRET_INPUTS as readonly string[]).includes(key)) {
      throw new Error(
        `${where} (${name}): give ${key} as ${key}-env, the name of an environment variable, not as a value`,
      )
    }
    if (typeof value !== 'string' && typeof value !== 'boolean' && typeof value !== 'number') {
      throw new Error(`${where} (${name}): ${key} must be a string`)
    }
    if (secret) {
      const variable = String(value)
      if (env[variable] === undefined)
        throw new Error(`${where} (${name}): environment variable ${variable} is not set`)
      raw[secret] = env[variable]
    } else if ((INPUT_NAMES as readonly string[]).includes(key)) {
      raw[key as keyof RawInputs] = String(value)
    } else {
      throw new Error(`${where} (${name}): unknown key ${JSON.stringify(key)}`)
    }
  }
  return { name, raw }
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
): Promise<SystemOutcome[]> {
  const outcomes: SystemOutcome[] = new Array(systems.length)
  let next = 0
  const worker = async () => {
    while (next < systems.length) {
      const index = next++
      outcomes[index] = await checkSystem(systems[index])
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, systems.length) }, worker))
  return outcomes
}

async function checkSystem({ name, raw }: System): Promise<SystemOutcome> {
  try {
    const report = await runCheck(parseConfig(raw))
    return { name, issuer: report.issuer, result: report.result, report }
  } catch (error) {
    if (error instanceof InputError)
      return { name, issuer: raw.issuer, result: 'fail', error: `input ${error.message}` }
    throw error
  }
}

/** One line per system, then the overall verdict. */
export function renderSystems(outcomes: SystemOutcome[]): string {
  const lines = outcomes.map(({ name, issuer, result, report, error }) => {
    const mark = result === 'pass' ? '✔' : '✖'
    if (error) return `${mark} ${name}: not checked: ${error}`
    const failing =
      report?.checks.filter((check) => check.status === 'fail').map((check) => check.id) ?? []
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
  const systems = outcomes.map(({ name, issuer, result, report, error }) => ({
    name,
    issuer,
    result,
    ...(error || !report ? { error } : { report: JSON.parse(renderJson(report)) as unknown }),
  }))
  return `${JSON.stringify({ tool: { ...TOOL }, result, systems }, null, 2)}\n`
}
