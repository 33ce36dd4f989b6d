import { randomBytes } from 'node:crypto'
import { type CheckId, passed, skipped, violated } from '../checks/catalogue.js'
import { checkRegistration, checkRegistrationRefused } from '../checks/registration.js'
import { isJsonObject, parseJson } from '../checks/response.js'
import type { Exchange, Finding } from '../model.js'
import { echoes } from '../secrets.js'
import { TOOL } from '../tool.js'
import { sellerAuthorizationMetadata } from './authorization.js'
import {
  checkedUrl,
  endpoint,
  type RunState,
  type StageContext,
  type StageRunner,
} from './context.js'

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
  const sent: [Exchange, string | undefined][] = []

  const given = config.clientId !== undefined && config.clientSecret !== undefined
  if (!given && !url) return (found as { reason: string }).reason
  const probes: [
    CheckId & ('registration.requires-token' | 'registration.rejects-invalid-token'),
    string,
    string | undefined,
  ][] = [
    ['registration.requires-token', 'without an initial access token', undefined],
    [
      'registration.rejects-invalid-token',
      'with a wrong initial access token',
      `invalid-${randomBytes(16).toString('hex')}`,
    ],
  ]
  // The registration and the probes need nothing from each other: they run side by side.
  const token = config.initialAccessToken
  const main =
    !given && url ? register(context, url, 'Dynamic Client Registration', token, true) : undefined
  const probed = url
    ? probes.map(([, what, probeToken]) =>
        register(context, url, `Registration ${what}`, probeToken),
      )
    : []

  if (given) {
    state.client = { clientId: config.clientId!, clientSecret: config.clientSecret! }
    findings.push(
      skipped(
        'registration.skipped',
        'Client credentials were given, so no client was registered.',
      ),
    )
  } else if (main) {
    findings.push(passed('registration.skipped', 'Not skipped: an initial access token was given.'))
    const exchange = await main
    sent.push([exchange, token])
    const result = checkRegistration(exchange, config.scope)
    if (result.client) {
      secrets.add(result.client.clientSecret)
      secrets.addBasic(result.client.clientId, result.client.clientSecret)
      state.justRegistered = true
    }
    secrets.add(result.registrationAccessToken)
    remember(state, exchange, result.client?.clientId)
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
  // The next stage needs only the client: the refusals are judged while it runs.
  const later = (async () => {
    const refusals: Finding[] = []
    for (const [index, [id, what, probeToken]] of probes.entries()) {
      const exchange = await probed[index]
      sent.push([exchange, probeToken])
      const { finding, client, registrationAccessToken } = checkRegistrationRefused(
        exchange,
        id,
        what,
      )
      secrets.add(client?.clientSecret)
      secrets.add(registrationAccessToken)
      remember(state, exchange, client?.clientId)
      refusals.push(finding)
    }
    return [...refusals, checkEchoes(sent)]
  })()
  return { findings, later }
}

/** No registration response may repeat the initial access token it was sent. */
function checkEchoes(sent: [Exchange, string | undefined][]): Finding {
  const echoing = sent.filter(([exchange, token]) => echoes(exchange.responseBody, token))
  if (echoing.length === 0) {
    return passed(
      'registration.no-secret-echo',
      'No response repeats the initial access token it was sent.',
    )
  }
  const labels = echoing.map(([exchange]) => exchange.label).join('; ')
  return violated(
    'registration.no-secret-echo',
    `The initial access token sent is echoed in the response to: ${labels}.`,
  )
}

/** Notes a client the check registered, with its RFC 7592 management URI and token if any. */
function remember(state: RunState, exchange: Exchange, clientId: string | undefined): void {
  if (!clientId) return
  const body = parseJson(exchange.responseBody)
  const field = (name: string) =>
    isJsonObject(body) && typeof body[name] === 'string' ? (body[name] as string) : undefined
  state.registeredClients = [
    ...(state.registeredClients ?? []),
    {
      clientId,
      uri: field('registration_client_uri'),
      accessToken: field('registration_access_token'),
    },
  ]
}

/**
 * Deletes the clients the check registered, where the server offers RFC 7592 management; run
 * once every stage is done. Returns the finding that reports it.
 */
export async function deleteRegisteredClients(
  context: StageContext,
  state: RunState,
): Promise<Finding | undefined> {
  const clients = state.registeredClients ?? []
  if (clients.length === 0) return undefined
  const outcomes: string[] = []
  for (const { clientId, uri, accessToken } of clients) {
    if (!uri || !accessToken) {
      outcomes.push(
        `client ${clientId} remains registered: the server returned no registration_client_uri and registration_access_token (RFC 7592)`,
      )
      continue
    }
    const checked = checkedUrl(context, state, 'registration_client_uri', uri)
    if (!('url' in checked)) {
      outcomes.push(`client ${clientId} remains registered: ${checked.reason}`)
      continue
    }
    const exchange = await context.http.send({
      stage: 'registration',
      label: 'Delete the registered client (RFC 7592)',
      method: 'DELETE',
      url: checked.url,
      headers: { authorization: `Bearer ${accessToken}` },
    })
    const status = exchange.error ? exchange.error.message : `HTTP ${exchange.status}`
    outcomes.push(
      exchange.status === 204 || exchange.status === 200
        ? `client ${clientId} deleted (${status})`
        : `client ${clientId} could not be deleted (${status}) and remains registered`,
    )
  }
  return passed('registration.client-deleted', `${outcomes.join('; ')}.`)
}

function register(
  context: StageContext,
  url: string,
  label: string,
  token: string | undefined,
  critical = false,
) {
  return context.http.send({
    stage: 'registration',
    label,
    critical,
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
      // With a seller login, the same client runs the authorization code flow too.
      ...sellerAuthorizationMetadata(context.config),
    }),
  })
}
