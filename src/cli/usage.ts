import { INPUT_NAMES, InputError } from '../config.js'

/** The help, for `--help`, and for a run with no arguments at all. */
export const USAGE = `Usage: openactive-auth-check --issuer URL [options]
       openactive-auth-check --systems FILE [options]

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
                               the other options above apply to every system, unless
                               its entry gives that input; the ones that name a system
                               or hold its secrets belong in the file only
  --concurrency N              systems checked at once with --systems (default 8)
  --shard K/N                  with --systems, check only every Nth system from the Kth
  -h, --help                   show this help
  -v, --version                show the version

Exit status: 0 pass, 1 conformance failure, 2 bad usage, 3 internal error.
Prefer the environment variables for secrets: flags are visible in the process list.
`

/** Follows a usage error instead of the whole help, so that the error stays in view. */
export const HINT = 'Run with --help for usage.'

/**
 * The message for bad usage, in the command line's words. A stray argument is not echoed: it
 * may be a secret typed in the wrong place.
 */
export function usageError(error: unknown): string {
  const code = (error as { code?: string }).code
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    return 'Unexpected argument: every value must follow its flag (is a value with a space unquoted?).'
  }
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /'(-{1,2}[\w-]{1,40})'/.exec(String((error as Error).message))?.[1]
    return option ? `Unknown option '${option}'.` : 'Unknown option.'
  }
  if (error instanceof InputError) return inFlagNames(error.message)
  return error instanceof Error ? error.message : String(error)
}

/** Input names with a hyphen, longest first: none of them is also an everyday word. */
const HYPHENATED = INPUT_NAMES.filter((name) => name.includes('-')).sort(
  (a, b) => b.length - a.length,
)
const MENTION = new RegExp(`(?<![\\w.@/-])(${HYPHENATED.join('|')})(?![\\w-]|\\.\\w)`, 'g')

/**
 * An {@link InputError} message, written for the action's inputs, with the inputs named as the
 * flags they are on the command line: `issuer: … set allow-insecure-http` becomes
 * `--issuer: … set --allow-insecure-http`. Quoted values, which echo what the user typed, are
 * left as they are.
 *
 * > [!NOTE]
 * > Only the leading input and hyphenated names are rewritten: `scope` and `issuer` are also
 * > words of the messages' prose.
 */
export function inFlagNames(message: string): string {
  const colon = message.indexOf(': ')
  const head = message.slice(0, colon)
  const named = colon > 0 && (INPUT_NAMES as readonly string[]).includes(head)
  const rest = named ? message.slice(colon) : message
  const prose = rest
    .split(/("(?:[^"\\]|\\.)*")/)
    .map((part, index) => (index % 2 === 1 ? part : part.replace(MENTION, '--$1')))
    .join('')
  return named ? `--${head}${prose}` : prose
}
