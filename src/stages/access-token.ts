import { checkAccessToken } from '../checks/access-token.js'
import { header } from '../checks/response.js'
import type { StageRunner } from './context.js'

/** Verifies the access token's signature and claims; no requests of its own. */
export const accessToken: StageRunner = async ({ config, now }, state) => {
  if (!state.accessToken || !state.client) return 'there is no access token'
  return checkAccessToken(state.accessToken, {
    issuer: config.issuer,
    clientId: state.client.clientId,
    scope: config.scope,
    jwks: state.jwks,
    now: now(),
    serverDate: state.tokenExchange ? header(state.tokenExchange, 'date') : undefined,
    expiresIn: state.expiresIn,
    advertisedAlgs: state.metadata?.id_token_signing_alg_values_supported,
  })
}
