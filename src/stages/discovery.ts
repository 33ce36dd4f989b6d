import { checkDiscovery, checkIssuerUrl, discoveryUrl } from '../checks/discovery.js'
import type { StageRunner } from './context.js'

/** GET {issuer}/.well-known/openid-configuration. */
export const discovery: StageRunner = async ({ config, http }, state) => {
  const exchange = await http.send({
    stage: 'discovery',
    label: 'Discovery',
    method: 'GET',
    url: discoveryUrl(config.issuer),
    headers: { accept: 'application/json' },
  })
  const { findings, metadata } = checkDiscovery(exchange, {
    issuer: config.issuer,
    registering: config.initialAccessToken !== undefined,
    allowInsecureHttp: config.allowInsecureHttp,
  })
  state.metadata = metadata
  return [...checkIssuerUrl(config.issuer), ...findings]
}
