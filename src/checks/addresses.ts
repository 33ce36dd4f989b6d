import type { Finding } from '../model.js'
import { internalAddressProblem, type ResolvedAddress } from '../net/guard.js'
import { passed, skipped, violated } from './catalogue.js'

/** An advertised endpoint on another origin than the issuer, with what its host resolved to. */
export interface ResolvedEndpoint {
  field: string
  origin: string
  addresses?: ResolvedAddress[]
  /** The resolver's error, when the host did not resolve. */
  error?: string
}

/**
 * The SSRF guard, as a check: an endpoint on another origin whose host resolves to a loopback,
 * link-local or private address, while the issuer is public, is a failure and is not called,
 * unless its origin is allowed. Returns the refused fields with the reason for each.
 */
export function checkEndpointAddresses(
  issuerInternal: boolean,
  endpoints: ResolvedEndpoint[],
  allowedOrigins: readonly string[],
): { finding: Finding; refused: Record<string, string> } {
  const id = 'discovery.endpoint-addresses'
  if (issuerInternal) {
    const finding = skipped(id, 'Not applicable: the issuer is on an internal network itself.')
    return { finding, refused: {} }
  }
  const refused: Record<string, string> = {}
  for (const { field, origin, addresses } of endpoints) {
    if (!addresses || allowedOrigins.includes(origin)) continue
    const problem = internalAddressProblem(addresses, false)
    if (problem) refused[field] = `${field} on ${origin} ${problem}`
  }
  const reasons = Object.values(refused)
  if (reasons.length === 0) {
    return {
      finding: passed(id, 'No endpoint on another origin resolves to an internal address.'),
      refused,
    }
  }
  const allow = 'If that is intended, list the origin in allow-endpoint-origins.'
  return { finding: violated(id, `Not called: ${reasons.join('; ')}. ${allow}`), refused }
}
