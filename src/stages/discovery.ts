import {
  checkOauthMetadata,
  ENDPOINT_FIELDS,
  oauthMetadataUrl,
} from '../checks/discovery-metadata.js'
import { checkDiscovery, checkIssuerUrl, discoveryUrl } from '../checks/discovery.js'
import { checkEndpointAddresses, type ResolvedEndpoint } from '../checks/addresses.js'
import type { JsonObject } from '../checks/response.js'
import type { Finding } from '../model.js'
import { anyInternal, resolveHost } from '../net/guard.js'
import type { RunState, StageContext, StageRunner } from './context.js'

/** GET {issuer}/.well-known/openid-configuration, then the RFC 8414 metadata to compare. */
export const discovery: StageRunner = async (context, state) => {
  const { config, http } = context
  const exchange = await http.send({
    stage: 'discovery',
    label: 'Discovery',
    method: 'GET',
    url: discoveryUrl(config.issuer),
    headers: { accept: 'application/json' },
    critical: true,
  })
  const { findings, metadata } = checkDiscovery(exchange, {
    issuer: config.issuer,
    registering: config.initialAccessToken !== undefined,
    allowInsecureHttp: config.allowInsecureHttp,
  })
  state.metadata = metadata
  if (!metadata) return [...checkIssuerUrl(config.issuer), ...findings]
  findings.push(await guardEndpoints(context, metadata, state))

  // Nothing later depends on the RFC 8414 document: it is compared while registration runs.
  const later = http
    .send({
      stage: 'discovery',
      label: 'RFC 8414 authorization server metadata',
      method: 'GET',
      url: oauthMetadataUrl(config.issuer),
      headers: { accept: 'application/json' },
    })
    .then((oauth) => [checkOauthMetadata(oauth, metadata)])
  return { findings: [...checkIssuerUrl(config.issuer), ...findings], later }
}

/**
 * Resolves the hosts of the endpoints on other origins than the issuer (DNS only, no
 * connection), refuses those on internal addresses while the issuer is public, and tells the
 * HTTP client to check again at connection time.
 */
async function guardEndpoints(
  context: StageContext,
  metadata: JsonObject,
  state: RunState,
): Promise<Finding> {
  const { config, http, lookup } = context
  const issuer = new URL(config.issuer)
  const issuerAddresses = await resolveHost(issuer, lookup).catch(() => [])
  const issuerInternal = anyInternal(issuerAddresses)

  const endpoints: ResolvedEndpoint[] = []
  for (const field of ENDPOINT_FIELDS) {
    let url: URL
    try {
      url = new URL(String(metadata[field]))
    } catch {
      continue
    }
    if (metadata[field] === undefined || url.origin === issuer.origin) continue
    const resolved = await resolveHost(url, lookup).then(
      (addresses) => ({ addresses }),
      (error: Error) => ({ error: error.message }),
    )
    endpoints.push({ field, origin: url.origin, ...resolved })
  }
  const { finding, refused } = checkEndpointAddresses(
    issuerInternal,
    endpoints,
    config.allowEndpointOrigins,
  )
  state.refusedEndpoints = refused
  http.guardAddresses({
    issuerInternal,
    lookup,
    exempt: [issuer.origin, ...config.allowEndpointOrigins],
  })
  return finding
}
