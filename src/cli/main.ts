import { readFile, stat, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { InputError, parseConfig, type RawInputs } from '../config.js'
import { renderJson } from '../report/json.js'
import { renderTerminal } from '../report/terminal.js'
import { checkSystems, readSystems, renderSystems, renderSystemsJson, shardOf } from './systems.js'
import { runCheck } from '../run.js'
import { TOOL } from '../tool.js'

export const EXIT = { pass: 0, fail: 1, usage: 2, internal: 3 } as const

export interface Output {
  out: (text: string) => void
  err: (text: string) => void
}

const USAGE = `Usage: openactive-auth-check --issuer URL [options]

Checks an OpenActive booking system's OpenID Connect server the way a booking partner uses it.

Options:
  --issuer URL                 the OpenID Provider's issuer (required)
  --initial-access-token T     register a new client with this token (RFC 7591)
                               (or set OPENACTIVE_INITIAL_ACCESS_TOKEN)
  --client-id ID               use an existing client instead of registering
                               (or set OPENACTIVE_CLIENT_ID)
  --client-secret S            its secret (or set OPENACTIVE_CLIENT_SECRET)
  --orders-feed-url URL        read the Orders feed with the access token
  --scope S                    scope to request (default openactive-ordersfeed)
  --ca-certificate FILE|PEM    an extra certificate authority to trust
  --allow-insecure-http        allow http:// URLs on loopback (local testing)
  --strict                     RFC MUSTs partners tolerate (registration 201, secret
                               expiry, at+jwt typ, aud) fail instead of warn
  --fail-on failure|warning    what fails the run (default failure)
  --request-timeout SECONDS    per-request timeout, 1 to 300 (default 20)
  --seller-username U          a test seller's login: check the seller authorization
                               too (or set OPENACTIVE_SELLER_USERNAME)
  --seller-password P          its password (or set OPENACTIVE_SELLER_PASSWORD)
  --seller-id URL              the seller's @id the ID token must name
  --redirect-uri URL           redirect URI to authorize with (default a loopback one)
  --login-mode form|browser    browser: headless Chrome/Chromium (default form)
  --login-selectors TEXT       "username: CSS" lines (also password, submit, consent)
  --chrome-path FILE           Chrome or Chromium for --login-mode browser
  --run-timeout SECONDS        budget of the whole check, 1 to 3600 (default 120)
  --allow-endpoint-origins L   origins (comma-separated) endpoints may have on internal
                               addresses while the issuer is public (SSRF guard)
  --json FILE                  also write the JSON report to FILE
  --systems FILE               check every system a JSON file lists, instead of --issuer:
                               [{"name", "issuer", "orders-feed-url", ...,
                                 "initial-access-token-env": "VARIABLE", ...}]
  --concurrency N              systems checked at once with --systems (default 8)
  --shard K/N                  with --systems, check only every Nth system from the Kth
  -h, --help                   show this help
  -v, --version                show the version

Exit status: 0 pass, 1 conformance failure, 2 bad usage, 3 internal error.
Prefer the environment variables for secrets: flags are visible in the process list.
`

/** The command-line tool: flags and environment → check → terminal report and exit status. */
export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv,
  output: Output,
): Promise<number> {
  let flags: ReturnType<typeof parseFlags>
  let raw: RawInputs
  try {
    flags = parseFlags(argv)
    if (flags.help) {
      output.out(USAGE)
      return EXIT.pass
    }
    if (flags.version) {
      output.out(`${TOOL.name} ${TOOL.version}\n`)
      return EXIT.pass
    }
    await checkWritable(flags.json)
    if (flags.systems !== undefined) return await checkMany(flags, env, output)
    raw = await rawInputs(flags, env)
  } catch (error) {
    output.err(`${usageError(error)}\n\n${USAGE}`)
    return EXIT.usage
  }

  try {
    const config = parseConfig(raw)
    const report = await runCheck(config)
    output.out(renderTerminal(report))
    if (flags.json) await writeFile(flags.json, renderJson(report))
    return report.result === 'pass' ? EXIT.pass : EXIT.fail
  } catch (error) {
    if (error instanceof InputError) {
      output.err(`${error.message}\n\nRun with --help for usage.\n`)
      return EXIT.usage
    }
    output.err(`Internal error: ${error instanceof Error ? error.stack : String(error)}\n`)
    return EXIT.internal
  }
}

/** `--systems FILE`: checks every system listed, a few at a time, and gives one verdict. */
async function checkMany(
  flags: ReturnType<typeof parseFlags>,
  env: NodeJS.ProcessEnv,
  output: Output,
): Promise<number> {
  if (flags.issuer !== undefined)
    throw new Error('--systems: give either --systems or --issuer, not both')
  const concurrency = flags.concurrency === undefined ? 8 : Number(flags.concurrency)
  if (!/^\d+$/.test(flags.concurrency ?? '8') || concurrency < 1 || concurrency > 64) {
    throw new Error(
      `--concurrency: must be a whole number from 1 to 64 (got ${JSON.stringify(flags.concurrency)})`,
    )
  }
  const systems = shardOf(await readSystems(String(flags.systems), env), flags.shard)
  const outcomes = await checkSystems(systems, concurrency)
  output.out(renderSystems(outcomes))
  if (flags.json) await writeFile(flags.json, renderSystemsJson(outcomes))
  return outcomes.every((outcome) => outcome.result === 'pass') ? EXIT.pass : EXIT.fail
}

/**
 * The message for bad usage. A stray argument is not echoed: it may be a secret typed in the
 * wrong place.
 */
function usageError(error: unknown): string {
  const code = (error as { code?: string }).code
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    return 'Unexpected argument: every value must follow its flag (is a value with a space unquoted?).'
  }
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /'(-{1,2}[\w-]{1,40})'/.exec(String((error as Error).message))?.[1]
    return option ? `Unknown option '${option}'.` : 'Unknown option.'
  }
  return error instanceof Error ? error.message : String(error)
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

async function rawInputs(
  flags: ReturnType<typeof parseFlags>,
  env: NodeJS.ProcessEnv,
): Promise<RawInputs> {
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
