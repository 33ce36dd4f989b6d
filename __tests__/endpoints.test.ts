/**
 * Which advertised endpoints the tool sends requests (and credentials) to: a pure function,
 * tested without any network.
 */
import { describe, expect, it } from '@jest/globals'
import { parseConfig } from '../src/config.js'
import { HttpClient } from '../src/http.js'
import { Secrets } from '../src/secrets.js'
import { endpoint, type StageContext } from '../src/stages/context.js'

function context(issuer: string, allowInsecureHttp = false): StageContext {
  const config = parseConfig({
    issuer,
    'client-id': 'a-client',
    'client-secret': 'a-secret',
    'allow-insecure-http': String(allowInsecureHttp),
  })
  return {
    config,
    http: new HttpClient({ timeoutMs: 1000 }),
    secrets: new Secrets(),
    now: Date.now,
  }
}

const ISSUER = 'https://auth.booking-system.example'

describe('endpoint', () => {
  it('uses an https endpoint of a matching document', () => {
    const metadata = { issuer: ISSUER, token_endpoint: 'https://api.booking-system.example/token' }
    expect(endpoint(context(ISSUER), { metadata }, 'token_endpoint')).toEqual({
      url: 'https://api.booking-system.example/token',
    })
  })

  it('never sends anything to an http endpoint, such as an internal host', () => {
    const metadata = { issuer: ISSUER, token_endpoint: 'http://keycloak:8080/token' }
    expect(endpoint(context(ISSUER), { metadata }, 'token_endpoint')).toEqual({
      reason:
        'token_endpoint http://keycloak:8080/token is not https, and nothing is sent to it over plain http',
    })
  })

  it('allows http on loopback only with allow-insecure-http', () => {
    const issuer = 'http://127.0.0.1:8080'
    const metadata = {
      issuer,
      token_endpoint: 'http://127.0.0.1:8080/token',
      jwks_uri: 'http://10.0.0.8/jwks',
    }
    expect(endpoint(context(issuer, true), { metadata }, 'token_endpoint')).toEqual({
      url: 'http://127.0.0.1:8080/token',
    })
    expect(endpoint(context(issuer, true), { metadata }, 'jwks_uri')).toEqual({
      reason:
        'jwks_uri http://10.0.0.8/jwks is not https, and nothing is sent to it over plain http',
    })
  })

  it('sends nothing to another origin when the document’s issuer does not match', () => {
    const metadata = {
      issuer: 'https://elsewhere.example',
      token_endpoint: 'https://elsewhere.example/token',
      jwks_uri: `${ISSUER}/jwks`,
    }
    expect(endpoint(context(ISSUER), { metadata }, 'token_endpoint')).toEqual({
      reason:
        "the document's issuer does not match, so nothing is sent to token_endpoint on another origin (https://elsewhere.example) than the configured issuer's",
    })
    expect(endpoint(context(ISSUER), { metadata }, 'jwks_uri')).toEqual({ url: `${ISSUER}/jwks` })
  })

  it('says why when there is nothing to use', () => {
    expect(endpoint(context(ISSUER), {}, 'token_endpoint')).toEqual({ reason: 'discovery failed' })
    expect(endpoint(context(ISSUER), { metadata: { issuer: ISSUER } }, 'token_endpoint')).toEqual({
      reason: 'discovery did not advertise token_endpoint',
    })
    expect(
      endpoint(
        context(ISSUER),
        { metadata: { issuer: ISSUER, token_endpoint: '/token' } },
        'token_endpoint',
      ),
    ).toEqual({
      reason: 'token_endpoint "/token" is not an absolute URL',
    })
  })
})
