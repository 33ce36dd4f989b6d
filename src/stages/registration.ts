import { randomBytes } from 'node:crypto'
import { type CheckId, passed, skipped } from '../checks/catalogue.js'
import { checkRegistration, checkRegistrationRefused } from '../checks/registration.js'
import type { Finding } from '../model.js'
import { TOOL } from '../tool.js'
import { endpoint, type StageContext, type StageRunner } from './context.js'

/**
 * Registers a client_credentials client with the initial access token (RFC 7591), or takes the
 * given client credentials and reports registration as skipped. Then tries to register without
 * a token and with a wrong one: both must be refused.
 */
export const registration: StageRunner = async (context, state) => {
  const { config, secrets } = context
  const found = endpoint(context, state, 'registration_endpoint')
  const url = 'url' in found ? found.url : undefined
  const findings: Finding[] = []

  if (config.clientId !== undefined && config.clientSecret !== undefined) {
    state.client = { clientId: config.clientId, clientSecret: config.clientSecret }
    findings.push(
      skipped(
        'registration.skipped',
        'Client credentials were given, so no client was registered.',
      ),
    )
  } else if (!url) {
    return (found as { reason: string }).reason
  } else {
    findings.push(passed('registration.skipped', 'Not skipped: an initial access token was given.'))
    const exchange = await register(
      context,
      url,
      'Dynamic Client Registration',
      config.initialAccessToken,
    )
    const result = checkRegistration(exchange, config.scope)
    if (result.client) {
      secrets.add(result.client.clientSecret)
      secrets.addBasic(result.client.clientId, result.client.clientSecret)
    }
    secrets.add(result.registrationAccessToken)
    state.client = result.client
    findings.push(...result.findings)
  }

  if (!url) {
    const why = `Not checked: ${(found as { reason: string }).reason}.`
    return [
      ...findings,
      skipped('registration.requires-token', why),
      skipped('registration.rejects-invalid-token', why),
    ]
  }
  findings.push(
    await probe(
      context,
      url,
      'registration.requires-token',
      'without an initial access token',
      undefined,
    ),
    await probe(
      context,
      url,
      'registration.rejects-invalid-token',
      'with a wrong initial access token',
      wrongToken(),
    ),
  )
  return findings
}

async function probe(
  context: StageContext,
  url: string,
  id: CheckId & ('registration.requires-token' | 'registration.rejects-invalid-token'),
  what: string,
  token: string | undefined,
): Promise<Finding> {
  const exchange = await register(context, url, `Registration ${what}`, token)
  const { finding, client, registrationAccessToken } = checkRegistrationRefused(exchange, id, what)
  context.secrets.add(client?.clientSecret)
  context.secrets.add(registrationAccessToken)
  return finding
}

function register(context: StageContext, url: string, label: string, token: string | undefined) {
  return context.http.send({
    stage: 'registration',
    label,
    method: 'POST',
    url,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      'content-type': 'application/json',
      accept: 'application/json',
    },
    body: JSON.stringify({
      client_name: `${TOOL.name} (OpenActive auth conformance check)`,
      grant_types: ['client_credentials'],
      response_types: [],
      scope: context.config.scope,
      token_endpoint_auth_method: 'client_secret_basic',
    }),
  })
}

function wrongToken(): string {
  return `invalid-${randomBytes(16).toString('hex')}`
}
