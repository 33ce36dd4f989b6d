import { skipped } from '../checks/catalogue.js'
import { checkRegistration } from '../checks/registration.js'
import { TOOL } from '../tool.js'
import { endpoint, type StageRunner } from './context.js'

/**
 * Registers a client_credentials client with the initial access token (RFC 7591), or takes the
 * given client credentials and reports registration as skipped.
 */
export const registration: StageRunner = async ({ config, http, secrets }, state) => {
  if (config.clientId !== undefined && config.clientSecret !== undefined) {
    state.client = { clientId: config.clientId, clientSecret: config.clientSecret }
    return [
      skipped(
        'registration.skipped',
        'Client credentials were given, so no client was registered.',
      ),
    ]
  }
  const url = endpoint(state, 'registration_endpoint')
  if (!url) return 'discovery did not advertise registration_endpoint'

  const exchange = await http.send({
    stage: 'registration',
    label: 'Dynamic Client Registration',
    method: 'POST',
    url,
    headers: {
      authorization: `Bearer ${config.initialAccessToken}`,
      'content-type': 'application/json',
      accept: 'application/json',
    },
    body: JSON.stringify({
      client_name: `${TOOL.name} (OpenActive auth conformance check, ${new Date().toISOString()})`,
      grant_types: ['client_credentials'],
      response_types: [],
      scope: config.scope,
      token_endpoint_auth_method: 'client_secret_basic',
    }),
  })
  const result = checkRegistration(exchange)
  if (result.client) {
    secrets.add(result.client.clientSecret)
    secrets.addBasic(result.client.clientId, result.client.clientSecret)
  }
  state.client = result.client
  return result.findings
}
