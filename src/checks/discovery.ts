import { isLoopbackHost } from '../config.js'
import type { Exchange, Finding } from '../model.js'
import { passed, violated } from './catalogue.js'
import { checkAdvertised, ENDPOINT_FIELDS } from './discovery-metadata.js'
import {
  describeResponse,
  isJsonMediaType,
  isJsonObject,
  type JsonObject,
  mediaType,
  parseJson,
  shown,
} from './response.js'

export const REQUIRED_METADATA = [
  'issuer',
  'jwks_uri',
  'authorization_endpoint',
  'token_endpoint',
  'response_types_supported',
  'subject_types_supported',
  'id_token_signing_alg_values_supported',
] as const

export interface DiscoveryContext {
  issuer: string
  registering: boolean
  allowInsecureHttp: boolean
}

/**
 * The discovery URL: a terminating "/" is removed from the issuer before the well-known path
 * is appended (OpenID Connect Discovery 1.0 §4.1). The issuer itself stays as given.
 */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`
}

/** Notes how the discovery URL was built when the issuer ends in "/". */
export function checkIssuerUrl(issuer: string): Finding[] {
  if (!issuer.endsWith('/')) return []
  return [
    passed(
      'discovery.issuer-url',
      `The issuer ${shown(issuer)} ends in "/": it was removed to request ${discoveryUrl(issuer)}. ` +
        'The OpenActive test suite appends the path without removing it.',
    ),
  ]
}

/** Checks the discovery response; returns the metadata whenever the body is a JSON object. */
export function checkDiscovery(
  exchange: Exchange,
  context: DiscoveryContext,
): { findings: Finding[]; metadata?: JsonObject } {
  const findings: Finding[] = []
  if (exchange.status !== 200) {
    findings.push(
      violated(
        'discovery.reachable',
        `Expected 200 from ${exchange.url}; got ${describeResponse(exchange)}.`,
      ),
    )
    return { findings }
  }
  findings.push(passed('discovery.reachable', `${exchange.url} answered 200.`))

  const document = parseJson(exchange.responseBody)
  if (!isJsonObject(document)) {
    const what =
      document === undefined ? 'is not JSON' : `is JSON but not an object (${shown(document)})`
    findings.push(violated('discovery.json-object', `The discovery document ${what}.`))
    return { findings }
  }
  findings.push(passed('discovery.json-object', 'The discovery document is a JSON object.'))
  findings.push(checkContentType(exchange))
  findings.push(checkIssuerMatches(context.issuer, document.issuer))
  findings.push(checkRequiredMetadata(document))
  if (context.registering) findings.push(checkRegistrationEndpoint(document))
  findings.push(checkEndpointsHttps(document, context.allowInsecureHttp))
  findings.push(...checkAdvertised(document, context.issuer))
  return { findings, metadata: document }
}

function checkContentType(exchange: Exchange): Finding {
  const type = mediaType(exchange)
  if (type === 'application/json') {
    return passed('discovery.content-type', `Served as ${shown(type)}.`)
  }
  return violated(
    'discovery.content-type',
    `Discovery must be served as application/json (got ${shown(type)}); the body parsed as JSON.` +
      (isJsonMediaType(type) ? '' : ' Clients that check the media type reject it.'),
  )
}

function checkIssuerMatches(configured: string, found: unknown): Finding {
  if (found === configured) {
    return passed('discovery.issuer-matches', `issuer is ${shown(found)}, as configured.`)
  }
  const why = typeof found === 'string' ? ` ${explainIssuerDifference(configured, found)}` : ''
  return violated(
    'discovery.issuer-matches',
    `issuer in the document is ${shown(found)}; the configured issuer is ${shown(configured)}.${why}`,
  )
}

/** Says in what way two issuer strings differ, so the fix is obvious. Pure. */
export function explainIssuerDifference(configured: string, found: string): string {
  if (found === `${configured}/` || configured === `${found}/`) {
    return 'They differ only by a trailing "/".'
  }
  if (found.toLowerCase() === configured.toLowerCase()) return 'They differ only in letter case.'
  let a: URL, b: URL
  try {
    a = new URL(configured)
    b = new URL(found)
  } catch {
    return 'The document’s issuer is not a URL.'
  }
  const parts: string[] = []
  if (a.protocol !== b.protocol) parts.push(`scheme (${a.protocol} vs ${b.protocol})`)
  if (a.hostname !== b.hostname) parts.push(`host (${a.hostname} vs ${b.hostname})`)
  if (a.port !== b.port) parts.push(`port (${a.port || 'default'} vs ${b.port || 'default'})`)
  if (a.pathname !== b.pathname) parts.push(`path (${a.pathname} vs ${b.pathname})`)
  return parts.length ? `They differ in ${parts.join(', ')}.` : 'They are not identical strings.'
}

function checkRequiredMetadata(document: JsonObject): Finding {
  const missing = REQUIRED_METADATA.filter((field) => {
    const value = document[field]
    return field.endsWith('_supported')
      ? !Array.isArray(value)
      : typeof value !== 'string' || value === ''
  })
  if (missing.length === 0) {
    return passed('discovery.required-metadata', 'All required metadata is present.')
  }
  const described = missing.map((field) => `${field} (${shown(document[field])})`)
  return violated(
    'discovery.required-metadata',
    `Missing or of the wrong type: ${described.join(', ')}.`,
  )
}

function checkRegistrationEndpoint(document: JsonObject): Finding {
  const value = document.registration_endpoint
  if (typeof value === 'string' && value !== '') {
    return passed('discovery.registration-endpoint', `registration_endpoint is ${shown(value)}.`)
  }
  return violated(
    'discovery.registration-endpoint',
    `registration_endpoint is ${shown(value)}: an initial access token was given, but there is nowhere to register.`,
  )
}

function checkEndpointsHttps(document: JsonObject, allowInsecureHttp: boolean): Finding {
  const problems: string[] = []
  for (const field of ENDPOINT_FIELDS) {
    const value = document[field]
    if (value === undefined) continue
    const problem = endpointProblem(value, allowInsecureHttp)
    if (problem) problems.push(`${field} ${shown(value)} ${problem}`)
  }
  if (problems.length === 0) {
    const loopback = allowInsecureHttp
      ? ' (or http on loopback, as allow-insecure-http permits)'
      : ''
    return passed(
      'discovery.endpoints-https',
      `Every advertised endpoint is an https URL${loopback}.`,
    )
  }
  return violated('discovery.endpoints-https', `${problems.join('; ')}.`)
}

function endpointProblem(value: unknown, allowInsecureHttp: boolean): string | undefined {
  if (typeof value !== 'string') return 'is not a string'
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return 'is not an absolute URL'
  }
  if (url.protocol === 'https:') return undefined
  if (url.protocol === 'http:' && allowInsecureHttp && isLoopbackHost(url.hostname))
    return undefined
  if (url.protocol === 'http:')
    return `uses http (host ${url.host}); endpoints must be https URLs reachable by booking partners`
  return `uses ${url.protocol}`
}
