import { randomBytes } from 'node:crypto'
import { decodeJwt } from '../checks/access-token.js'
import { tokensOf } from '../checks/authorization.js'
import { passed, skipped, violated } from '../checks/catalogue.js'
import type { RegisteredClient } from '../checks/registration.js'
import { describeResponse, isJsonObject, parseJson } from '../checks/response.js'
import {
  checkGetRejected,
  checkScopeEscalation,
  checkTokenResponse,
  checkWrongSecret,
  diagnoseBasicEncoding,
  type TokenResult,
} from '../checks/token.js'
import type { Exchange, Finding } from '../model.js'
import { basicCredentials, echoes, unencodedBasicCredentials } from '../secrets.js'
import {
  type ClientAuthentication,
  endpoint,
  postToTokenEndpoint,
  type RunState,
  type StageContext,
  type StageRunner,
} from './context.js'

/** The scope a client registered for the Orders feed must not get (OpenActive scope table). */
const BOOKING_SCOPE = 'openactive-openbooking'

/**
 * The client credentials grant with client_secret_basic (RFC 6749 §4.4, §2.3.1); then
 * client_secret_post when advertised, a wrong secret, a scope the client may not have, and GET.
 */
export const token: StageRunner = async (context, state) => {
  const found = endpoint(context, state, 'token_endpoint')
  if (!('url' in found)) return found.reason
  const url = found.url
  if (!state.client) return 'there is no client to authenticate'
  const client = state.client
  const scope = context.config.scope
  const sent: [Exchange, string][] = []
  const grant: Grant = async (method, options = {}) => {
    const credentials = options.credentials ?? client
    const exchange = await requestToken(context, url, method, {
      ...options,
      credentials,
      scope: options.scope ?? scope,
    })
    sent.push([exchange, credentials.clientSecret])
    return exchange
  }

  const methods = state.metadata?.token_endpoint_auth_methods_supported
  const postAdvertised = Array.isArray(methods) && methods.includes('client_secret_post')
  const first = firstGrant(state, grant)
  // The probes need nothing from the first grant: they run beside it.
  const posting = postAdvertised ? grant('client_secret_post') : Promise.resolve(undefined)
  const wrongSecret = grant('client_secret_basic', {
    credentials: { ...client, clientSecret: `wrong-${randomBytes(12).toString('hex')}` },
    label: 'Client Credentials grant with a wrong secret',
  })
  const getting = context.http.send({
    stage: 'token',
    label: 'GET on the token endpoint',
    method: 'GET',
    url,
  })

  const { exchange: basic, waitedMs } = await first
  const basicResult = checkTokenResponse(basic, scope)
  if (waitedMs > 0 && basicResult.accessToken) {
    basicResult.findings[0] = {
      ...basicResult.findings[0],
      message: `${basicResult.findings[0].message} The new client became usable only after ${waitedMs} ms of retries.`,
    }
  }

  let used: { method: ClientAuthentication; result: TokenResult; exchange: Exchange } = {
    method: 'client_secret_basic',
    result: basicResult,
    exchange: basic,
  }
  let succeeded = basicResult.findings[0]
  if (!basicResult.accessToken) {
    // Only now does the next stage wait for the probes: one of them may hold the token.
    const post = await posting
    const postResult = post && checkTokenResponse(post, scope)
    const raw = await diagnoseRaw(context, basic, grant, client)
    if (raw?.diagnosis) succeeded = raw.diagnosis
    if (postResult?.accessToken && post)
      used = { method: 'client_secret_post', result: postResult, exchange: post }
    else if (raw?.result.accessToken)
      used = { method: 'raw Basic', result: raw.result, exchange: raw.exchange }
  }

  const findings: Finding[] = [succeeded]
  if (used.method !== 'client_secret_basic') {
    findings[0] = {
      ...succeeded,
      message: `${succeeded.message} The checks below use the token from ${used.method}.`,
    }
  }
  findings.push(...used.result.findings.filter((finding) => finding.id !== 'token.succeeded'))
  state.accessToken = used.result.accessToken
  state.expiresIn = used.result.expiresIn
  state.tokenExchange = used.result.accessToken ? used.exchange : undefined
  state.tokenAuthentication = used.result.accessToken ? used.method : undefined

  // The Orders feed needs only the token: the probes are judged while it is read.
  const later = (async () => {
    const [post, wrong, get, escalation] = await Promise.all([
      posting,
      wrongSecret,
      getting,
      probeEscalation(context, used, grant),
    ])
    const postResult = post && checkTokenResponse(post, scope)
    return [
      checkPost(postAdvertised, post, postResult),
      ...checkWrongSecret(wrong),
      escalation,
      checkGetRejected(get),
      checkEchoes(sent),
    ]
  })()
  return { findings, later }
}

/** Delays before retrying the first grant of a client registered a moment ago. */
const NEW_CLIENT_DELAYS_MS = [250, 500, 1000]

/**
 * The first client_secret_basic grant. A client registered a moment ago is not always usable at
 * once: refused as invalid_client, the request is tried again a few times with backoff, and the
 * time waited is reported.
 */
async function firstGrant(
  state: RunState,
  grant: Grant,
): Promise<{ exchange: Exchange; waitedMs: number }> {
  let exchange = await grant('client_secret_basic', { critical: true })
  let waitedMs = 0
  for (const delay of state.justRegistered ? NEW_CLIENT_DELAYS_MS : []) {
    if (!isInvalidClient(exchange)) break
    await new Promise((resolve) => setTimeout(resolve, delay))
    waitedMs += delay
    exchange = await grant('client_secret_basic', {
      label: `Client Credentials grant (client_secret_basic), retried after ${waitedMs} ms`,
      critical: true,
    })
  }
  return { exchange, waitedMs }
}

function isInvalidClient(exchange: Exchange): boolean {
  const body = parseJson(exchange.responseBody)
  return (
    (exchange.status === 401 || exchange.status === 400) &&
    isJsonObject(body) &&
    body.error === 'invalid_client'
  )
}

/** No token endpoint response may repeat the client secret it was sent. */
function checkEchoes(sent: [Exchange, string][]): Finding {
  const echoing = sent.filter(([exchange, secret]) => echoes(exchange.responseBody, secret))
  if (echoing.length === 0)
    return passed('token.no-secret-echo', 'No response repeats the client secret it was sent.')
  const labels = echoing.map(([exchange]) => exchange.label).join('; ')
  return violated(
    'token.no-secret-echo',
    `The client secret sent is echoed in the response to: ${labels}.`,
  )
}

interface GrantOptions {
  /** Default: the client of the run. */
  credentials?: RegisteredClient
  /** Default: the configured scope. */
  scope?: string
  label?: string
  critical?: boolean
}

type Grant = (method: ClientAuthentication, options?: GrantOptions) => Promise<Exchange>

/**
 * After refused Basic credentials, tries them unencoded (RFC 7617 only) to tell an encoding bug
 * apart. Only when encoding changes them: otherwise the second request would say nothing new.
 */
async function diagnoseRaw(
  context: StageContext,
  spec: Exchange,
  grant: Grant,
  client: RegisteredClient,
) {
  if (spec.status !== 400 && spec.status !== 401) return undefined
  const raw = unencodedBasicCredentials(client.clientId, client.clientSecret)
  if (raw === basicCredentials(client.clientId, client.clientSecret)) return undefined
  const exchange = await grant('raw Basic', {
    label: 'Client Credentials grant (unencoded Basic credentials, for diagnosis)',
    critical: true,
  })
  const result = checkTokenResponse(exchange, context.config.scope)
  return { exchange, result, diagnosis: diagnoseBasicEncoding(spec, exchange) }
}

function checkPost(
  advertised: boolean,
  post: Exchange | undefined,
  result: TokenResult | undefined,
): Finding {
  if (!advertised || !post || !result) {
    return skipped(
      'token.client-secret-post',
      'Not checked: token_endpoint_auth_methods_supported does not list client_secret_post.',
    )
  }
  if (result.accessToken) return passed('token.client-secret-post', 'client_secret_post works too.')
  return violated(
    'token.client-secret-post',
    `client_secret_post is advertised but was refused: ${describeResponse(post)}.`,
  )
}

async function probeEscalation(
  context: StageContext,
  used: { method: ClientAuthentication; result: TokenResult },
  grant: Grant,
): Promise<Finding> {
  if (!used.result.accessToken)
    return skipped(
      'token.scope-not-escalated',
      'Not checked: no client authentication method worked.',
    )
  if (context.config.scope.split(' ').includes(BOOKING_SCOPE)) {
    return skipped(
      'token.scope-not-escalated',
      `Not applicable: the requested scope includes ${BOOKING_SCOPE}.`,
    )
  }
  const exchange = await grant(used.method, {
    scope: BOOKING_SCOPE,
    label: `Client Credentials grant for ${BOOKING_SCOPE}`,
  })
  const { accessToken } = tokensOf(exchange)
  const claims = accessToken ? decodeJwt(accessToken)?.claims : undefined
  return checkScopeEscalation(exchange, BOOKING_SCOPE, claims)
}

function requestToken(
  context: StageContext,
  url: string,
  method: ClientAuthentication,
  {
    credentials: client,
    scope,
    label = `Client Credentials grant (${method})`,
    critical,
  }: GrantOptions & { credentials: RegisteredClient; scope: string },
): Promise<Exchange> {
  return postToTokenEndpoint(context, {
    stage: 'token',
    label,
    url,
    form: { grant_type: 'client_credentials', scope },
    client,
    authentication: method,
    critical,
  })
}
