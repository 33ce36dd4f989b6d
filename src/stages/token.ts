import { randomBytes } from 'node:crypto'
import { decodeJwt } from '../checks/access-token.js'
import { passed, skipped, violated } from '../checks/catalogue.js'
import type { RegisteredClient } from '../checks/registration.js'
import { describeResponse } from '../checks/response.js'
import {
  checkGetRejected,
  checkScopeEscalation,
  checkTokenResponse,
  checkWrongSecret,
  diagnoseBasicEncoding,
  type TokenResult,
} from '../checks/token.js'
import type { Exchange, Finding } from '../model.js'
import { basicCredentials } from '../secrets.js'
import { endpoint, type StageContext, type StageRunner } from './context.js'

type Method = 'client_secret_basic' | 'client_secret_post' | 'raw Basic'

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
  const grant: Grant = (method, credentials = client, requested = scope, label) =>
    requestToken(context, url, method, credentials, requested, label)

  const basic = await grant('client_secret_basic')
  const basicResult = checkTokenResponse(basic, scope)
  const methods = state.metadata?.token_endpoint_auth_methods_supported
  const postAdvertised = Array.isArray(methods) && methods.includes('client_secret_post')
  const post = postAdvertised ? await grant('client_secret_post') : undefined
  const postResult = post && checkTokenResponse(post, scope)

  let used: { method: Method; result: TokenResult; exchange: Exchange } = {
    method: 'client_secret_basic',
    result: basicResult,
    exchange: basic,
  }
  let succeeded = basicResult.findings[0]
  if (!basicResult.accessToken) {
    const raw = await diagnoseRaw(context, basic, grant, client)
    if (raw?.diagnosis) succeeded = raw.diagnosis
    if (postResult?.accessToken && post)
      used = { method: 'client_secret_post', result: postResult, exchange: post }
    else if (raw?.result.accessToken)
      used = { method: 'raw Basic', result: raw.result, exchange: raw.exchange }
  }
  for (const result of [basicResult, postResult]) remember(context, result)

  const findings: Finding[] = [succeeded]
  if (used.method !== 'client_secret_basic') {
    findings[0] = {
      ...succeeded,
      message: `${succeeded.message} The checks below use the token from ${used.method}.`,
    }
  }
  findings.push(...used.result.findings.filter((finding) => finding.id !== 'token.succeeded'))
  findings.push(checkPost(postAdvertised, post, postResult))

  const wrong = await grant(
    'client_secret_basic',
    { ...client, clientSecret: `wrong-${randomBytes(12).toString('hex')}` },
    scope,
    'Client Credentials grant with a wrong secret',
  )
  findings.push(...checkWrongSecret(wrong))
  remember(context, checkTokenResponse(wrong, scope))

  findings.push(await probeEscalation(context, used, grant))
  findings.push(
    checkGetRejected(
      await context.http.send({
        stage: 'token',
        label: 'GET on the token endpoint',
        method: 'GET',
        url,
      }),
    ),
  )

  state.accessToken = used.result.accessToken
  state.expiresIn = used.result.expiresIn
  state.tokenExchange = used.result.accessToken ? used.exchange : undefined
  return findings
}

type Grant = (
  method: Method,
  credentials?: RegisteredClient,
  requested?: string,
  label?: string,
) => Promise<Exchange>

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
  const raw = Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')
  if (raw === basicCredentials(client.clientId, client.clientSecret)) return undefined
  const exchange = await grant(
    'raw Basic',
    client,
    context.config.scope,
    'Client Credentials grant (unencoded Basic credentials, for diagnosis)',
  )
  const result = checkTokenResponse(exchange, context.config.scope)
  remember(context, result)
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
  used: { method: Method; result: TokenResult },
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
  const exchange = await grant(
    used.method,
    undefined,
    BOOKING_SCOPE,
    `Client Credentials grant for ${BOOKING_SCOPE}`,
  )
  const result = checkTokenResponse(exchange, BOOKING_SCOPE)
  remember(context, result)
  return checkScopeEscalation(
    exchange,
    BOOKING_SCOPE,
    result.accessToken ? decodeJwt(result.accessToken)?.claims : undefined,
  )
}

function requestToken(
  context: StageContext,
  url: string,
  method: Method,
  client: RegisteredClient,
  scope: string,
  label = `Client Credentials grant (${method})`,
): Promise<Exchange> {
  const form = new URLSearchParams({ grant_type: 'client_credentials', scope })
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  }
  if (method === 'client_secret_basic')
    headers.authorization = `Basic ${basicCredentials(client.clientId, client.clientSecret)}`
  if (method === 'raw Basic') {
    const raw = Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')
    context.secrets.add(raw)
    headers.authorization = `Basic ${raw}`
  }
  if (method === 'client_secret_post') {
    form.set('client_id', client.clientId)
    form.set('client_secret', client.clientSecret)
  }
  return context.http.send({
    stage: 'token',
    label,
    method: 'POST',
    url,
    headers,
    body: form.toString(),
  })
}

/** Every token a response carried is a secret from now on. */
function remember(context: StageContext, result: TokenResult | undefined): void {
  context.secrets.add(result?.accessToken)
  context.secrets.add(result?.refreshToken)
}
