import { checkJwks } from '../checks/jwks.js'
import { endpoint, type StageRunner } from './context.js'

/** GET jwks_uri. */
export const jwks: StageRunner = async ({ http }, state) => {
  const url = endpoint(state, 'jwks_uri')
  if (!url) return 'discovery did not advertise jwks_uri'

  const exchange = await http.send({
    stage: 'jwks',
    label: 'JWKS',
    method: 'GET',
    url,
    headers: { accept: 'application/json' },
  })
  const result = checkJwks(exchange)
  state.jwks = result.jwks
  return result.findings
}
