import { checkOauthMetadata, oauthMetadataUrl } from '../checks/discovery-metadata.js'
import { checkDiscovery, checkIssuerUrl, discoveryUrl } from '../checks/discovery.js'
import type { StageRunner } from './context.js'

/** GET {issuer}/.well-known/openid-configuration, then the RFC 8414 metadata to compare. */
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
  if (!metadata) return [...checkIssuerUrl(config.issuer), ...findings]

  const oauth = await http.send({
    stage: 'discovery',
    label: 'RFC 8414 authorization server metadata',
    method: 'GET',
    url: oauthMetadataUrl(config.issuer),
    headers: { accept: 'application/json' },
  })
  return [...checkIssuerUrl(config.issuer), ...findings, checkOauthMetadata(oauth, metadata)]
}
