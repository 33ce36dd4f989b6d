import { checkTokenResponse } from '../checks/token.js'
import { basicCredentials } from '../secrets.js'
import { endpoint, type StageRunner } from './context.js'

/** The client credentials grant with client_secret_basic (RFC 6749 §4.4, §2.3.1). */
export const token: StageRunner = async ({ config, http, secrets }, state) => {
  const url = endpoint(state, 'token_endpoint')
  if (!url) return 'discovery did not advertise token_endpoint'
  if (!state.client) return 'there is no client to authenticate'

  const { clientId, clientSecret } = state.client
  const exchange = await http.send({
    stage: 'token',
    label: 'Client Credentials grant',
    method: 'POST',
    url,
    headers: {
      authorization: `Basic ${basicCredentials(clientId, clientSecret)}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: config.scope }).toString(),
  })
  const result = checkTokenResponse(exchange, config.scope)
  secrets.add(result.accessToken)
  state.accessToken = result.accessToken
  state.tokenExchange = exchange
  return result.findings
}
