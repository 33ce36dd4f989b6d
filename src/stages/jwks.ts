import { checkJwks } from '../checks/jwks.js'
import { endpoint, type StageRunner } from './context.js'

/** GET jwks_uri. */
export const jwks: StageRunner = async (context, state) => {
  const found = endpoint(context, state, 'jwks_uri')
  if (!('url' in found)) return found.reason
  const url = found.url

  const exchange = await context.http.send({
    stage: 'jwks',
    label: 'JWKS',
    method: 'GET',
    url,
    headers: { accept: 'application/json' },
  })
  const result = await checkJwks(exchange)
  state.jwks = result.jwks
  return result.findings
}
