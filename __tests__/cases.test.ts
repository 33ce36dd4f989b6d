/**
 * The real-world server behaviours in shared/cases, each with the verdict its case.md gives,
 * applied to the checks directly at the clock the cases fix.
 */
import { describe, expect, it } from '@jest/globals'
import { checkAccessToken } from '../src/checks/access-token.js'
import { checkDiscovery, discoveryUrl } from '../src/checks/discovery.js'
import type { KeySet } from '../src/checks/jwks.js'
import { checkRegistration } from '../src/checks/registration.js'
import { checkTokenResponse } from '../src/checks/token.js'
import { stageStatus } from '../src/report/model.js'
import { basicCredentials } from '../src/secrets.js'
import {
  CASE_ISSUER,
  CASE_NOW,
  caseExchange,
  findingOf,
  idsWith,
  readCase,
} from './helpers/cases.js'

const SCOPE = 'openactive-ordersfeed'
const CLIENT_ID = 'bp-7f3c2a91'

function discoveryOf(path: string, issuer = CASE_ISSUER) {
  return checkDiscovery(caseExchange(path, 'discovery'), {
    issuer,
    registering: true,
    allowInsecureHttp: false,
  })
}

function accessTokenChecks(token: string, jwksPath: string) {
  return checkAccessToken(token, {
    issuer: CASE_ISSUER,
    clientId: CLIENT_ID,
    scope: SCOPE,
    jwks: readCase(jwksPath) as KeySet,
    now: CASE_NOW,
  })
}

describe('baseline', () => {
  it('passes every check on the good discovery document and access token', async () => {
    const discovery = checkDiscovery(
      {
        ...caseExchange('01-issuer-trailing-slash/variant-a-discovery-response.json', 'discovery'),
        responseBody: JSON.stringify(readCase('_shared/good-discovery.json')),
      },
      { issuer: CASE_ISSUER, registering: true, allowInsecureHttp: false },
    )
    expect(idsWith(discovery.findings, 'fail')).toEqual([])
    const token = await accessTokenChecks(
      readCase('_shared/good-access-token.jwt') as string,
      '_shared/good-jwks.json',
    )
    expect(stageStatus(token)).toBe('pass')
  })
})

describe('01 issuer trailing slash', () => {
  it('A: fails when only the document adds a trailing "/", and says so', () => {
    const config = readCase('01-issuer-trailing-slash/variant-a-config.json') as {
      configuredIssuer: string
    }
    const { findings } = discoveryOf(
      '01-issuer-trailing-slash/variant-a-discovery-response.json',
      config.configuredIssuer,
    )
    const finding = findingOf(findings, 'discovery.issuer-matches')
    expect(finding.status).toBe('fail')
    expect(finding.message).toContain('"https://auth.booking-system.example/"')
    expect(finding.message).toContain('"https://auth.booking-system.example"')
    expect(finding.message).toContain('differ only by a trailing "/"')
  })

  it('B: passes a real trailing "/" and strips it only to build the discovery URL', () => {
    const config = readCase('01-issuer-trailing-slash/variant-b-config.json') as {
      configuredIssuer: string
      discoveryUrl: string
    }
    expect(discoveryUrl(config.configuredIssuer)).toBe(config.discoveryUrl)
    const { findings } = discoveryOf(
      '01-issuer-trailing-slash/variant-b-discovery-response.json',
      config.configuredIssuer,
    )
    expect(findingOf(findings, 'discovery.issuer-matches').status).toBe('pass')
    expect(idsWith(findings, 'fail')).toEqual([])
  })
})

describe('03 discovery content type', () => {
  it.each(['variant-a-text-plain.json', 'variant-d-form-urlencoded.json'])(
    '%s fails, saying the body parsed as JSON',
    (file) => {
      const { findings, metadata } = discoveryOf(`03-discovery-content-type/${file}`)
      const finding = findingOf(findings, 'discovery.content-type')
      expect(finding.status).toBe('fail')
      expect(finding.message).toMatch(
        /must be served as application\/json \(got "(text\/plain|application\/x-www-form-urlencoded)"\); the body parsed as JSON/,
      )
      expect(idsWith(findings, 'fail')).toEqual(['discovery.content-type'])
      expect(metadata?.issuer).toBe(CASE_ISSUER)
    },
  )

  it.each(['variant-b-json-charset.json', 'variant-c-json-uppercase.json'])('%s passes', (file) => {
    expect(
      findingOf(discoveryOf(`03-discovery-content-type/${file}`).findings, 'discovery.content-type')
        .status,
    ).toBe('pass')
  })
})

describe('05 kid absent', () => {
  const token = () => readCase('05-kid-absent/access-token.jwt') as string

  it('A: one key without kid passes', async () => {
    const findings = await accessTokenChecks(
      token(),
      '05-kid-absent/variant-a-jwks-single-key.json',
    )
    expect(stageStatus(findings)).toBe('pass')
    expect(findingOf(findings, 'access-token.key-id').message).toContain('only one key')
  })

  it('B: two keys without kid verifies with the second and warns', async () => {
    const findings = await accessTokenChecks(token(), '05-kid-absent/variant-b-jwks-two-keys.json')
    expect(findingOf(findings, 'access-token.signature').status).toBe('pass')
    const kid = findingOf(findings, 'access-token.key-id')
    expect(kid.status).toBe('warn')
    expect(kid.message).toContain('No kid while the JWKS has 2 signing keys')
    expect(stageStatus(findings)).toBe('warn')
  })
})

describe('07 RSA JWK with only x5c', () => {
  it('fails with the missing members named, without crashing', async () => {
    const findings = await accessTokenChecks(
      readCase('07-jwk-x5c-only/access-token.jwt') as string,
      '07-jwk-x5c-only/jwks.json',
    )
    const signature = findingOf(findings, 'access-token.signature')
    expect(signature.status).toBe('fail')
    expect(signature.message).toContain(
      'JWK bs-sig-2026-11 is not a valid RSA public JWK: missing required n/e',
    )
    expect(idsWith(findings, 'fail')).toEqual(['access-token.signature'])
  })
})

describe('08 token_type "bearer"', () => {
  it('passes: token_type is compared case-insensitively', () => {
    const { findings, accessToken } = checkTokenResponse(
      caseExchange('08-token-type-lowercase/token-response.json', 'token'),
      SCOPE,
    )
    expect(findingOf(findings, 'token.token-type').status).toBe('pass')
    expect(stageStatus(findings)).toBe('pass')
    expect(accessToken).toMatch(/^eyJ/)
  })
})

describe('10 token response scope as array', () => {
  it('fails, lists the scopes found, and still hands on the access token', () => {
    const { findings, accessToken } = checkTokenResponse(
      caseExchange('10-token-response-scope-array/token-response.json', 'token'),
      SCOPE,
    )
    const scope = findingOf(findings, 'token.scope')
    expect(scope.status).toBe('fail')
    expect(scope.message).toContain('scope must be a space-delimited string (got JSON array)')
    expect(scope.message).toContain('"openactive-ordersfeed"')
    expect(accessToken).toBeDefined()
  })
})

describe('11 access token scope claim as array', () => {
  it('passes with a warning on the scope format only', async () => {
    const response = readCase('11-at-scope-claim-array/token-response.json') as {
      body: { access_token: string }
    }
    const findings = await accessTokenChecks(
      response.body.access_token,
      '11-at-scope-claim-array/jwks.json',
    )
    expect(idsWith(findings, 'fail')).toEqual([])
    expect(idsWith(findings, 'warn')).toEqual(['access-token.scope-format'])
    expect(findingOf(findings, 'access-token.scope-format').message).toContain('JSON array')
    expect(findingOf(findings, 'access-token.scope').status).toBe('pass')
  })
})

describe('13 typ variants', () => {
  it.each(['a', 'b', 'c'])('variant %s passes', async (variant) => {
    const findings = await accessTokenChecks(
      readCase(`13-at-typ-variants/variant-${variant}-access-token.jwt`) as string,
      '13-at-typ-variants/jwks.json',
    )
    expect(stageStatus(findings)).toBe('pass')
  })

  it.each(['d', 'e'])('variant %s warns that the token is not typed at+jwt', async (variant) => {
    const findings = await accessTokenChecks(
      readCase(`13-at-typ-variants/variant-${variant}-access-token.jwt`) as string,
      '13-at-typ-variants/jwks.json',
    )
    expect(idsWith(findings, 'warn')).toEqual(['access-token.typ'])
    expect(idsWith(findings, 'fail')).toEqual([])
    expect(findingOf(findings, 'access-token.typ').message).toContain(
      'not typed as RFC 9068 at+jwt',
    )
  })
})

describe('15 client_secret_basic encoding', () => {
  it('form-urlencodes id and secret before base64, as RFC 6749 §2.3.1 requires', () => {
    const client = readCase('15-client-secret-basic-encoding/registered-client.json') as {
      client_id: string
      client_secret: string
    }
    const headers = readCase(
      '15-client-secret-basic-encoding/authorization-headers.json',
    ) as Record<string, { header: string }>
    expect(`Basic ${basicCredentials(client.client_id, client.client_secret)}`).toBe(
      headers.rfc6749_2_3_1_form_urlencoded.header,
    )
  })
})

describe('16 registration answers 200', () => {
  it('warns and carries on with the returned credentials', () => {
    const { findings, client } = checkRegistration(
      caseExchange('16-dcr-status-200/registration-response.json', 'registration'),
      SCOPE,
    )
    expect(findingOf(findings, 'registration.succeeded').status).toBe('pass')
    const status = findingOf(findings, 'registration.status-created')
    expect(status.status).toBe('warn')
    expect(status.message).toBe(
      'Registration succeeded with 200; RFC 7591 §3.2.1 specifies 201 Created.',
    )
    expect(client?.clientId).toBe(CLIENT_ID)
  })
})

describe('18 token endpoint answers 200 with an error body', () => {
  it('fails without an access token to send', () => {
    const { findings, accessToken } = checkTokenResponse(
      caseExchange('18-token-200-error-body/token-response.json', 'token'),
      SCOPE,
    )
    expect(accessToken).toBeUndefined()
    const finding = findingOf(findings, 'token.succeeded')
    expect(finding.status).toBe('fail')
    expect(finding.message).toContain('returned 200 without access_token')
    expect(finding.message).toContain('invalid client_secret')
  })

  it('variant B adds that error responses use 400 or 401', () => {
    const { findings } = checkTokenResponse(
      caseExchange(
        '18-token-200-error-body/token-response-variant-b-oauth-error-200.json',
        'token',
      ),
      SCOPE,
    )
    expect(findingOf(findings, 'token.succeeded').message).toContain(
      'Error responses must use 400 (or 401 for invalid_client',
    )
  })
})

describe('20 discovery advertises internal http endpoints', () => {
  it('fails at discovery, naming the fields and the internal host', () => {
    const { findings } = discoveryOf(
      '20-discovery-internal-hostnames/discovery-response.json',
      `${CASE_ISSUER}/realms/openactive`,
    )
    const finding = findingOf(findings, 'discovery.endpoints-https')
    expect(finding.status).toBe('fail')
    for (const field of ['token_endpoint', 'jwks_uri', 'registration_endpoint'])
      expect(finding.message).toContain(field)
    expect(finding.message).toContain('host keycloak:8080')
    expect(idsWith(findings, 'fail')).toEqual(['discovery.endpoints-https'])
  })
})

describe('23 opaque access token', () => {
  it.each(['token-response.json', 'token-response-variant-b-reference-with-dots.json'])(
    '%s passes, JWT checks skipped',
    async (file) => {
      const { findings, accessToken } = checkTokenResponse(
        caseExchange(`23-opaque-access-token/${file}`, 'token'),
        SCOPE,
      )
      expect(stageStatus(findings)).toBe('pass')
      const tokenFindings = await accessTokenChecks(accessToken as string, '_shared/good-jwks.json')
      expect(findingOf(tokenFindings, 'access-token.format').message).toContain(
        'not a JWT; signature and claim checks were not applied',
      )
      expect(idsWith(tokenFindings, 'fail')).toEqual([])
      expect(findingOf(tokenFindings, 'access-token.signature').status).toBe('skip')
    },
  )
})
