import type { Exchange, Finding } from '../model.js'
import { type CheckId, passed, violated } from './catalogue.js'
import { checkNoStore } from './headers.js'
import {
  describeResponse,
  isJsonObject,
  type JsonObject,
  parseJson,
  shown,
  isoTime,
} from './response.js'

export interface RegisteredClient {
  clientId: string
  clientSecret: string
}

/**
 * Checks the registration response. Any 2xx with client_id and client_secret counts as a
 * registration, so later stages run; a status other than 201 is reported on its own.
 */
export function checkRegistration(
  exchange: Exchange,
  scope: string,
): { findings: Finding[]; client?: RegisteredClient; registrationAccessToken?: string } {
  const status = exchange.status
  if (status === undefined || status < 200 || status > 299) {
    const message = `Registration was refused: ${describeResponse(exchange)}.`
    return { findings: [violated('registration.succeeded', message)] }
  }

  const body = parseJson(exchange.responseBody)
  const client = isJsonObject(body) ? clientOf(body) : undefined
  if (!isJsonObject(body) || !client) {
    const what = isJsonObject(body)
      ? `client_id is ${shown(body.client_id)} and client_secret is ${body.client_secret === undefined ? '(absent)' : 'not a non-empty string'}`
      : 'the body is not a JSON object'
    return {
      findings: [
        violated('registration.succeeded', `Registration answered ${status}, but ${what}.`),
      ],
    }
  }

  const findings = [
    passed('registration.succeeded', `Registered client ${shown(client.clientId)}.`),
    status === 201
      ? passed('registration.status-created', 'Registration answered 201 Created.')
      : violated(
          'registration.status-created',
          `Registration succeeded with ${status}; RFC 7591 §3.2.1 specifies 201 Created.`,
        ),
    checkSecretExpiry(body.client_secret_expires_at, exchange.startedAt),
    checkMetadataEchoed(body, scope),
    checkNoStore(exchange, 'registration.no-store'),
  ]
  return { findings, client, registrationAccessToken: registrationAccessTokenOf(body) }
}

/** The RFC 7592 registration access token: a secret, like the client secret. */
function registrationAccessTokenOf(body: unknown): string | undefined {
  const token = isJsonObject(body) ? body.registration_access_token : undefined
  return typeof token === 'string' ? token : undefined
}

function clientOf(body: JsonObject): RegisteredClient | undefined {
  const { client_id: clientId, client_secret: clientSecret } = body
  if (typeof clientId !== 'string' || clientId === '') return undefined
  if (typeof clientSecret !== 'string' || clientSecret === '') return undefined
  return { clientId, clientSecret }
}

/** `issuedAt` is when the request was sent, in milliseconds since the epoch. */
function checkSecretExpiry(expiresAt: unknown, issuedAt: number): Finding {
  if (typeof expiresAt === 'number' && expiresAt !== 0 && expiresAt * 1000 <= issuedAt) {
    return violated(
      'registration.secret-expiry',
      `client_secret_expires_at is ${expiresAt}: the secret expired ${isoTime(expiresAt)}, before it was issued; 0 means it never expires (RFC 7591 §3.2.1).`,
    )
  }
  if (typeof expiresAt === 'number') {
    const when = expiresAt === 0 ? 'never expires' : `expires ${isoTime(expiresAt)}`
    return passed(
      'registration.secret-expiry',
      `client_secret_expires_at is ${expiresAt}: the secret ${when}.`,
    )
  }
  return violated(
    'registration.secret-expiry',
    `client_secret_expires_at is ${shown(expiresAt)}; RFC 7591 §3.2.1 requires it with a secret (0 for never).`,
  )
}

function checkMetadataEchoed(body: JsonObject, scope: string): Finding {
  const problems: string[] = []
  const grantTypes = body.grant_types
  if (!Array.isArray(grantTypes)) problems.push(`grant_types is ${shown(grantTypes)}`)
  else if (!grantTypes.includes('client_credentials')) {
    problems.push(`grant_types ${shown(grantTypes)} dropped client_credentials`)
  }
  const granted = typeof body.scope === 'string' ? body.scope.split(' ') : undefined
  if (!granted) problems.push(`scope is ${shown(body.scope)}`)
  else {
    const dropped = scope.split(' ').filter((token) => !granted.includes(token))
    if (dropped.length > 0) problems.push(`scope ${shown(body.scope)} dropped ${dropped.join(' ')}`)
  }
  if (problems.length === 0) {
    return passed(
      'registration.metadata-echoed',
      `grant_types and scope are returned, with client_credentials and ${scope}.`,
    )
  }
  return violated(
    'registration.metadata-echoed',
    `The response does not return the registered metadata: ${problems.join('; ')}. The client may be unable to read the Orders feed.`,
  )
}

/**
 * Checks that a registration attempt without valid authorization was refused. Returns the
 * client the server wrongly registered, so its secret can be redacted.
 */
export function checkRegistrationRefused(
  exchange: Exchange,
  id: CheckId & ('registration.requires-token' | 'registration.rejects-invalid-token'),
  what: string,
): { finding: Finding; client?: RegisteredClient; registrationAccessToken?: string } {
  const status = exchange.status
  if (status === 400 || status === 401 || status === 403) {
    return { finding: passed(id, `A registration ${what} was refused with ${status}.`) }
  }
  if (status !== undefined && status >= 200 && status < 300) {
    const body = parseJson(exchange.responseBody)
    return {
      finding: violated(
        id,
        `A registration ${what} was accepted (${status}): anyone can register clients.`,
      ),
      client: isJsonObject(body) ? clientOf(body) : undefined,
      registrationAccessToken: registrationAccessTokenOf(body),
    }
  }
  return {
    finding: violated(
      id,
      `A registration ${what} got ${describeResponse(exchange)}; expected 401 (or 400/403).`,
    ),
  }
}
