// Runs the reference server alone, for trying the checker by hand; `--help` lists the options.
import { parseArgs } from 'node:util'

import { describeFault, isFault } from './faults.js'
import { FAULTS, startReferenceServer } from './server.js'
import type { Fault, ReferenceServerOptions } from './server.js'

const width = Math.max(...FAULTS.map((fault) => fault.length)) + 2
const USAGE = `Usage: npx tsx reference-server/main.ts [options]

Options:
  --port N                    port to listen on (default: any free port)
  --host H                    address to listen on and to name in the issuer (default: 127.0.0.1)
  --initial-access-token T    the token registration accepts (default: random)
  --fault NAME                break the server on purpose, as below; repeatable
  --help                      show this help

Faults:
${FAULTS.map((fault) => `  ${fault.padEnd(width)}${describeFault(fault)}`).join('\n')}`

class UsageError extends Error {}

function parseOptions(args: string[]): ReferenceServerOptions | 'help' {
  const values = readFlags(args)
  if (values.help) return 'help'

  return {
    port: values.port === undefined ? undefined : parsePort(values.port),
    host: values.host,
    initialAccessToken: parseInitialAccessToken(values['initial-access-token']),
    faults: (values.fault ?? []).map(parseFault),
  }
}

function readFlags(args: string[]) {
  try {
    return parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'initial-access-token': { type: 'string' },
        fault: { type: 'string', multiple: true },
        help: { type: 'boolean' },
      },
    }).values
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}

function parsePort(value: string): number {
  const port = Number(value)
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new UsageError(`--port must be a whole number from 0 to 65535, not "${value}"`)
  }
  return port
}

function parseInitialAccessToken(value: string | undefined): string | undefined {
  if (value === '') throw new UsageError('--initial-access-token must not be empty')
  return value
}

function parseFault(value: string): Fault {
  if (!isFault(value)) {
    throw new UsageError(`--fault "${value}" is not one of: ${FAULTS.join(', ')}`)
  }
  return value
}

async function main(): Promise<void> {
  let options
  try {
    options = parseOptions(process.argv.slice(2))
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    console.error(`${error.message}\nRun with --help to see the options.`)
    process.exit(2)
  }
  if (options === 'help') {
    console.log(USAGE)
    return
  }

  const server = await startReferenceServer(options)
  const faults = options.faults?.length ? options.faults.join(', ') : 'none'
  console.log(`Issuer:                 ${server.issuer}`)
  console.log(`Initial access token:   ${server.initialAccessToken}`)
  console.log(`Orders feed URL:        ${server.ordersFeedUrl}`)
  console.log(`Test seller login:      ${server.seller.username} / ${server.seller.password}`)
  console.log(`Test seller @id:        ${server.seller.id}`)
  console.log(`Faults:                 ${faults}`)
  console.log('\nTry:')
  const command = [
    `OPENACTIVE_INITIAL_ACCESS_TOKEN=${shellQuote(server.initialAccessToken)}`,
    'npx openactive-auth-check',
    `--issuer ${server.issuer}`,
    `--orders-feed-url ${server.ordersFeedUrl}`,
    '--allow-insecure-http',
  ]
  console.log(`  ${command.join(' ')}`)
  console.log('\nCtrl-C stops the server.')

  const stop = (): void => {
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('reference server: failed to stop cleanly:', error)
        process.exit(1)
      },
    )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

// Single quotes keep every character literal in a POSIX shell, except a single quote itself.
function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`
}

main().catch((error: unknown) => {
  console.error('reference server: failed to start:', error)
  process.exit(1)
})
