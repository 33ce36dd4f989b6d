import type { Exchange, Finding } from '../model.js'
import { passed, violated } from './catalogue.js'
import { describeResponse, isJsonObject, parseJson, shown } from './response.js'

export interface RegisteredClient {
  clientId: string
  clientSecret: string
}

/**
 * Checks the registration response. Any 2xx with client_id and client_secret counts as a
 * registration, so later stages run; a status other than 201 is reported on its own.
 */
export function checkRegistration(exchange: Exchange): {
  findings: Finding[]
  client?: RegisteredClient
} {
  const status = exchange.status
  if (status === undefined || status < 200 || status > 299) {
    return {
      findings: [
        violated(
          'registration.succeeded',
          `Registration was refused: ${describeResponse(exchange)}.`,
        ),
      ],
    }
  }

  const body = parseJson(exchange.responseBody)
  const clientId = isJsonObject(body) ? body.client_id : undefined
  const clientSecret = isJsonObject(body) ? body.client_secret : undefined
  if (
    typeof clientId !== 'string' ||
    clientId === '' ||
    typeof clientSecret !== 'string' ||
    clientSecret === ''
  ) {
    const what = isJsonObject(body)
      ? `client_id is ${shown(clientId)} and client_secret is ${clientSecret === undefined ? '(absent)' : 'not a non-empty string'}`
      : 'the body is not a JSON object'
    return {
      findings: [
        violated('registration.succeeded', `Registration answered ${status}, but ${what}.`),
      ],
    }
  }

  const findings = [passed('registration.succeeded', `Registered client ${shown(clientId)}.`)]
  findings.push(
    status === 201
      ? passed('registration.status-created', 'Registration answered 201 Created.')
      : violated(
          'registration.status-created',
          `Registration succeeded with ${status}; RFC 7591 §3.2.1 specifies 201 Created.`,
        ),
  )
  return { findings, client: { clientId, clientSecret } }
}
