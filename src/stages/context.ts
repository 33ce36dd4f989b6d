import { tokensOf } from '../checks/authorization.js'
import type { KeySet } from '../checks/jwks.js'
import type { RegisteredClient } from '../checks/registration.js'
import { type JsonObject, shown } from '../checks/response.js'
import { type Config, isLoopbackHost } from '../config.js'
import type { HttpClient } from '../http.js'
import type { Exchange, Finding, Stage } from '../model.js'
import type { Lookup } from '../net/guard.js'
import { basicCredentials, type Secrets, unencodedBasicCredentials } from '../secrets.js'

/** What every stage is given: the configuration, the one HTTP client, the secrets and a clock. */
export interface StageContext {
  config: Config
  http: HttpClient
  secrets: Secrets
  /** Milliseconds since the epoch; injectable so checks can be tested at a fixed time. */
  now: () => number
  /** The resolver for the SSRF guard; injectable so tests need no DNS. */
  lookup: Lookup
}

/**
 * How a client authenticates at the token endpoint: RFC 6749 §2.3.1's two, and the unencoded
 * Basic credentials (RFC 7617 only) that some servers take instead.
 */
export type ClientAuthentication = 'client_secret_basic' | 'client_secret_post' | 'raw Basic'

/**
 * A form POST to the token endpoint with the client authenticated as `authentication`. Every
 * token the response carries, whatever its status, is a secret from then on.
 */
export async function postToTokenEndpoint(
  context: StageContext,
  request: {
    stage: Stage
    label: string
    url: string
    form: Record<string, string>
    client: RegisteredClient
    authentication: ClientAuthentication
    critical?: boolean
  },
): Promise<Exchange> {
  const { clientId, clientSecret } = request.client
  const body = new URLSearchParams(request.form)
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  }
  if (request.authentication === 'client_secret_post') {
    body.set('client_id', clientId)
    body.set('client_secret', clientSecret)
  } else if (request.authentication === 'raw Basic') {
    const raw = unencodedBasicCredentials(clientId, clientSecret)
    context.secrets.add(raw)
    headers.authorization = `Basic ${raw}`
  } else {
    headers.authorization = `Basic ${basicCredentials(clientId, clientSecret)}`
  }
  const exchange = await context.http.send({
    stage: request.stage,
    label: request.label,
    method: 'POST',
    url: request.url,
    headers,
    body: body.toString(),
    critical: request.critical,
  })
  const tokens = tokensOf(exchange)
  for (const token of [tokens.accessToken, tokens.idToken, tokens.refreshToken])
    context.secrets.add(token)
  return exchange
}

/** What earlier stages found, for the stages after them. */
export interface RunState {
  metadata?: JsonObject
  jwks?: KeySet
  client?: RegisteredClient
  accessToken?: string
  tokenExchange?: Exchange
  /** How the client authenticated in the grant that got the access token. */
  tokenAuthentication?: ClientAuthentication
  /** The token response's expires_in, when a number. */
  expiresIn?: number
  /** Endpoints the SSRF guard refused, with the reason for each. */
  refusedEndpoints?: Record<string, string>
  /** Clients the check registered, with RFC 7592 management when offered, to delete at the end. */
  registeredClients?: { clientId: string; uri?: string; accessToken?: string }[]
  /** The client was registered in this run: it may take a moment to become usable. */
  justRegistered?: boolean
}

/**
 * What a stage found as soon as later stages can go on, and the findings of its probes that are
 * still running: those take no time on the critical path.
 */
export interface StageFindings {
  findings: Finding[]
  later: Promise<Finding[]>
}

/**
 * A stage: performs its requests, hands them to its checks, and returns the findings.
 * It returns a string instead when it cannot run, saying what it is missing.
 */
export type StageRunner = (
  context: StageContext,
  state: RunState,
) => Promise<Finding[] | StageFindings | string>

/**
 * An endpoint from the discovery document that the tool may send requests (and credentials)
 * to, or why not: it must be an https URL (http only on loopback with allow-insecure-http),
 * and when the document's issuer does not match, on the configured issuer's origin.
 */
export function endpoint(
  context: StageContext,
  state: RunState,
  field: string,
): { url: string } | { reason: string } {
  if (!state.metadata) return { reason: 'discovery failed' }
  const refused = state.refusedEndpoints?.[field]
  if (refused) return { reason: refused }
  const value = state.metadata[field]
  if (value === undefined) return { reason: `discovery did not advertise ${field}` }
  return checkedUrl(context, state, field, value)
}

/** The same policy for any URL the server hands out, such as registration_client_uri. */
export function checkedUrl(
  { config }: StageContext,
  state: RunState,
  field: string,
  value: unknown,
): { url: string } | { reason: string } {
  let url: URL
  try {
    url = new URL(String(value))
  } catch {
    return { reason: `${field} ${shown(value)} is not an absolute URL` }
  }
  const loopbackHttp =
    url.protocol === 'http:' && config.allowInsecureHttp && isLoopbackHost(url.hostname)
  if (url.protocol !== 'https:' && !loopbackHttp) {
    return {
      reason: `${field} ${url.href} is not https, and nothing is sent to it over plain http`,
    }
  }
  const issuerOrigin = new URL(config.issuer).origin
  if (state.metadata?.issuer !== config.issuer && url.origin !== issuerOrigin) {
    return {
      reason: `the document's issuer does not match, so nothing is sent to ${field} on another origin (${url.origin}) than the configured issuer's`,
    }
  }
  return { url: url.href }
}
