import { readFile, stat, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { InputError, parseConfig, type RawInputs } from '../config.js'
import { renderJson } from '../report/json.js'
import { plural } from '../report/text.js'
import { renderTerminal } from '../report/terminal.js'
import { runCheck } from '../run.js'
import { TOOL } from '../tool.js'
import {
  type Check,
  checkSystems,
  readSystems,
  renderSystems,
  renderSystemsJson,
  shardOf,
} from './systems.js'
import { HINT, USAGE, usageError } from './usage.js'

export const EXIT = { pass: 0, fail: 1, usage: 2, internal: 3 } as const

export interface Output {
  out: (text: string) => void
  err: (text: string) => void
}

/**
 * The command-line tool: flags and environment → check → terminal report and exit status.
 * `check` is {@link runCheck}; a test passes one that throws, as a bug of ours would.
 */
export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv,
  output: Output,
  check: Check = runCheck,
): Promise<number> {
  if (argv.length === 0) {
    output.err(USAGE)
    return EXIT.usage
  }

  let run: () => Promise<number>
  try {
    const flags = parseFlags(argv)
    if (flags.help) {
      output.out(USAGE)
      return EXIT.pass
    }
    if (flags.version) {
      output.out(`${TOOL.name} ${TOOL.version}\n`)
      return EXIT.pass
    }
    await checkWritable(flags.json)
    run =
      flags.systems === undefined
        ? await prepareOne(flags, env, output, check)
        : await prepareMany(flags, env, output, check)
  } catch (error) {
    output.err(`${usageError(error)}\n\n${HINT}\n`)
    return EXIT.usage
  }

  try {
    return await run()
  } catch (error) {
    output.err(`Internal error: ${stackOf(error)}\n`)
    return EXIT.internal
  }
}

type Flags = ReturnType<typeof parseFlags>

/** `--issuer URL`: validates the inputs, and gives the run that checks that one system. */
async function prepareOne(
  flags: Flags,
  env: NodeJS.ProcessEnv,
  output: Output,
  check: Check,
): Promise<() => Promise<number>> {
  for (const name of ['concurrency', 'shard'] as const) {
    if (flags[name] !== undefined) throw new Error(`--${name}: only with --systems FILE`)
  }
  const config = parseConfig(await rawInputs(flags, env))

  return async () => {
    const report = await check(config)
    output.out(renderTerminal(report))
    if (flags.json) await writeFile(flags.json, renderJson(report))
    return report.result === 'pass' ? EXIT.pass : EXIT.fail
  }
}

/** Inputs that name one system or hold its secrets: with --systems, they go in its entry. */
const PER_SYSTEM = [
  'issuer',
  'orders-feed-url',
  'initial-access-token',
  'client-id',
  'client-secret',
  'seller-username',
  'seller-password',
  'seller-id',
] as const

/**
 * `--systems FILE`: reads the file, with the other flags as every system's defaults, and gives
 * the run that checks every system listed, a few at a time, with one verdict.
 */
async function prepareMany(
  flags: Flags,
  env: NodeJS.ProcessEnv,
  output: Output,
  check: Check,
): Promise<() => Promise<number>> {
  const given = PER_SYSTEM.find((name) => flags[name] !== undefined)
  if (given) throw new Error(`--${given}: with --systems, give it in each system's entry instead`)
  const concurrency = flags.concurrency === undefined ? 8 : Number(flags.concurrency)
  if (!/^\d+$/.test(flags.concurrency ?? '8') || concurrency < 1 || concurrency > 64) {
    throw new Error(
      `--concurrency: must be a whole number from 1 to 64 (got ${JSON.stringify(flags.concurrency)})`,
    )
  }
  const defaults = await defaultInputs(flags)
  const all = await readSystems(String(flags.systems), env, defaults)
  const systems = shardOf(all, flags.shard)

  return async () => {
    // More shards than systems leaves some empty: that passes, and says so.
    if (systems.length === 0) {
      output.out(
        `Shard ${flags.shard} holds none of the ${plural(all.length, 'system')}: nothing to check.\n`,
      )
      if (flags.json) await writeFile(flags.json, renderSystemsJson([]))
      return EXIT.pass
    }
    const outcomes = await checkSystems(systems, concurrency, check)
    for (const { name, internal } of outcomes) {
      if (internal) output.err(`Internal error checking ${name}: ${stackOf(internal)}\n`)
    }
    output.out(renderSystems(outcomes))
    if (flags.json) await writeFile(flags.json, renderSystemsJson(outcomes))
    if (outcomes.some((outcome) => outcome.internal)) return EXIT.internal
    return outcomes.every((outcome) => outcome.result === 'pass') ? EXIT.pass : EXIT.fail
  }
}

/**
 * The flags given with --systems, as inputs every entry starts from. They are checked here, so
 * that a mistyped flag is a usage error and not a failure of every system: the inputs that
 * belong to each entry are stand-ins for this check only.
 */
async function defaultInputs(flags: Flags): Promise<RawInputs> {
  const all = await rawInputs(flags, {})
  const defaults = Object.fromEntries(
    Object.entries(all).filter(([, value]) => value !== undefined),
  ) as RawInputs
  parseConfig({
    ...defaults,
    issuer: 'https://stand-in.invalid',
    'client-id': 'stand-in',
    'client-secret': 'stand-in',
    'seller-username': 'stand-in',
    'seller-password': 'stand-in',
  })
  return defaults
}

function stackOf(error: unknown): string {
  return error instanceof Error ? String(error.stack) : String(error)
}

/** Fails before the run, not after it, when the JSON report cannot be written. */
async function checkWritable(path: string | undefined): Promise<void> {
  if (path === undefined) return
  if (path.trim() === '') throw new Error('--json: needs a file name')
  const info = await stat(path).catch(() => undefined)
  if (info?.isDirectory()) throw new Error(`--json: ${path} is a directory`)
  const dir = await stat(dirname(resolve(path))).catch(() => undefined)
  if (!dir?.isDirectory()) throw new Error(`--json: the folder of ${path} does not exist`)
}

function parseFlags(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      issuer: { type: 'string' },
      'initial-access-token': { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      'orders-feed-url': { type: 'string' },
      scope: { type: 'string' },
      'ca-certificate': { type: 'string' },
      'allow-insecure-http': { type: 'boolean' },
      strict: { type: 'boolean' },
      'fail-on': { type: 'string' },
      'request-timeout': { type: 'string' },
      'seller-username': { type: 'string' },
      'seller-password': { type: 'string' },
      'seller-id': { type: 'string' },
      'redirect-uri': { type: 'string' },
      'login-mode': { type: 'string' },
      'login-selectors': { type: 'string' },
      'chrome-path': { type: 'string' },
      'run-timeout': { type: 'string' },
      'allow-endpoint-origins': { type: 'string' },
      json: { type: 'string' },
      systems: { type: 'string' },
      concurrency: { type: 'string' },
      shard: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  })
  return values
}

async function rawInputs(flags: Flags, env: NodeJS.ProcessEnv): Promise<RawInputs> {
  return {
    issuer: flags.issuer,
    'initial-access-token': flags['initial-access-token'] ?? env.OPENACTIVE_INITIAL_ACCESS_TOKEN,
    'client-id': flags['client-id'] ?? env.OPENACTIVE_CLIENT_ID,
    'client-secret': flags['client-secret'] ?? env.OPENACTIVE_CLIENT_SECRET,
    'orders-feed-url': flags['orders-feed-url'],
    scope: flags.scope,
    'ca-certificate': await caCertificate(flags['ca-certificate']),
    'allow-insecure-http': flags['allow-insecure-http'] ? 'true' : undefined,
    strict: flags.strict ? 'true' : undefined,
    'fail-on': flags['fail-on'],
    'request-timeout': flags['request-timeout'],
    'seller-username': flags['seller-username'] ?? env.OPENACTIVE_SELLER_USERNAME,
    'seller-password': flags['seller-password'] ?? env.OPENACTIVE_SELLER_PASSWORD,
    'seller-id': flags['seller-id'],
    'redirect-uri': flags['redirect-uri'],
    'login-mode': flags['login-mode'],
    'login-selectors': flags['login-selectors'],
    'chrome-path': flags['chrome-path'],
    'run-timeout': flags['run-timeout'],
    'allow-endpoint-origins': flags['allow-endpoint-origins'],
  }
}

/** The flag takes PEM text, as the action input does, or the path of a PEM file. */
async function caCertificate(value: string | undefined): Promise<string | undefined> {
  if (value === undefined || value.includes('-----BEGIN')) return value
  try {
    return await readFile(value, 'utf8')
  } catch (error) {
    throw new InputError(
      'ca-certificate',
      `cannot read ${value}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    )
  }
}
