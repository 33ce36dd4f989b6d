/**
 * Which advertised endpoints the tool sends requests (and credentials) to: a pure function,
 * tested without any network.
 */
import { describe, expect, it } from '@jest/globals'
import { parseConfig } from '../src/config.js'
import { HttpClient } from '../src/http.js'
import { Secrets } from '../src/secrets.js'
import { checkEndpointAddresses } from '../src/checks/addresses.js'
import { classifyAddress } from '../src/net/address.js'
import { guardedLookup, type Lookup } from '../src/net/guard.js'
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
    lookup: async () => [],
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

describe('the SSRF guard', () => {
  it.each([
    ['127.0.0.2', 'loopback'],
    ['::1', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['10.1.2.3', 'private'],
    ['172.20.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['fd00::1', 'private'],
    ['::ffff:10.0.0.1', 'private'],
    ['0.0.0.0', 'unspecified'],
    ['203.0.113.7', 'public'],
    ['2001:db8::1', 'public'],
  ])('classifies %s as %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind)
  })

  const metadataHost = [
    {
      field: 'jwks_uri',
      origin: 'https://keys.example',
      addresses: [{ address: '169.254.169.254', family: 4 }],
    },
  ]

  it('refuses an endpoint resolving to the metadata address while the issuer is public', () => {
    const { finding, refused } = checkEndpointAddresses(false, metadataHost, [])
    expect(finding).toMatchObject({
      id: 'discovery.endpoint-addresses',
      status: 'fail',
      message:
        'Not called: jwks_uri on https://keys.example resolves to 169.254.169.254 (link-local), while the issuer is public. If that is intended, list the origin in allow-endpoint-origins.',
    })
    expect(
      endpoint(
        context(ISSUER),
        {
          metadata: { issuer: ISSUER, jwks_uri: 'https://keys.example/jwks' },
          refusedEndpoints: refused,
        },
        'jwks_uri',
      ),
    ).toEqual({
      reason: refused.jwks_uri,
    })
  })

  it('lets an allowed origin, or any endpoint of an internal issuer, through', () => {
    expect(checkEndpointAddresses(false, metadataHost, ['https://keys.example']).refused).toEqual(
      {},
    )
    expect(checkEndpointAddresses(true, metadataHost, []).finding.status).toBe('skip')
  })

  it('refuses again at connection time, from the injected resolver’s answer, without connecting', async () => {
    const answers: Lookup = async () => [{ address: '10.0.0.5', family: 4 }]
    const error = await new Promise<Error | null>((resolve) =>
      guardedLookup(answers, false)('rebinding.example', {}, (err) => resolve(err)),
    )
    expect(error).toMatchObject({
      code: 'ERR_ENDPOINT_ADDRESS',
      message: 'rebinding.example resolves to 10.0.0.5 (private), while the issuer is public',
    })
  })

  it('takes allow-endpoint-origins as origins only', () => {
    const config = parseConfig({
      issuer: ISSUER,
      'initial-access-token': 't',
      'allow-endpoint-origins': 'https://a.example, https://b.example:8443',
    })
    expect(config.allowEndpointOrigins).toEqual(['https://a.example', 'https://b.example:8443'])
    expect(() =>
      parseConfig({
        issuer: ISSUER,
        'initial-access-token': 't',
        'allow-endpoint-origins': 'https://a.example/path',
      }),
    ).toThrow('allow-endpoint-origins: must be origins such as https://host:port, without a path')
  })
})
