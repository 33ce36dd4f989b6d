// Faults in the access token itself (RFC 9068's JWT profile, as OpenActive's RI issues it).
import { randomBytes } from 'node:crypto'

import type { KoaContextWithOIDC } from 'oidc-provider'

import { CLIENT_ID_CLAIM } from '../openactive.js'
import type { Jwt, Signer } from './jwt.js'
import { leaveUnsigned, rewriteAccessToken, signWithRandomSecret, tokenResponse } from './jwt.js'
import type { FaultBehaviour, FaultEnvironment, ProviderRewrite } from './types.js'

const MINUTE = 60

/** Faults a booking partner, or its resource server, meets in the access token's header or claims. */
export const ACCESS_TOKEN_FAULTS = {
  'access-token-alg-none': {
    description: 'Access tokens are unsigned (alg none).',
    provider: rewrite((jwt) => {
      jwt.header = { alg: 'none', typ: 'at+jwt' }
    }, leaveUnsigned),
  },
  'access-token-hs256': {
    description: 'Access tokens are signed HS256 with a secret, not with the published RSA key.',
    provider: rewrite(() => {}, signWithRandomSecret),
  },
  'access-token-expired': {
    description: 'Access tokens have already expired when they are issued.',
    provider: rewrite(({ payload }) => {
      const now = epochSeconds()
      payload.iat = payload.nbf = now - 120 * MINUTE
      payload.exp = now - 105 * MINUTE
    }),
  },
  'access-token-future-iat': {
    description: 'Access tokens are issued 10 minutes in the future (iat and nbf).',
    provider: rewrite(({ payload }) => {
      const issued = epochSeconds() + 10 * MINUTE
      payload.iat = payload.nbf = issued
      payload.exp = issued + 15 * MINUTE
    }),
  },
  'access-token-no-aud': {
    description: 'Access tokens have no aud claim.',
    provider: rewrite(({ payload }) => {
      delete payload.aud
    }),
  },
  'access-token-missing-claims': {
    description: 'Access tokens have no sub or jti claim.',
    provider: rewrite(({ payload }) => {
      delete payload.sub
      delete payload.jti
    }),
  },
  'access-token-wrong-issuer': {
    description: "Access tokens' iss is not the issuer.",
    provider: rewrite(({ payload }, env) => {
      payload.iss = `${env.issuer}/other-issuer`
    }),
  },
  'access-token-wrong-client-id': {
    description: 'Access tokens name another client (client_id) than the one they were issued to.',
    provider: rewrite(({ payload }) => {
      payload.client_id = 'someone-else'
      payload[CLIENT_ID_CLAIM] = 'someone-else'
    }),
  },
  'access-token-scope-array': {
    description: "Access tokens' scope claim is a JSON array, not a space-separated string.",
    provider: rewrite(({ payload }) => {
      if (typeof payload.scope === 'string') payload.scope = payload.scope.split(' ')
    }),
  },
  'access-token-typ-jwt': {
    description: "Access tokens' typ header is JWT, not at+jwt (RFC 9068).",
    provider: rewrite(({ header }) => {
      header.typ = 'JWT'
    }),
  },
  'access-token-long-lived': {
    description: 'Access tokens live an hour, not the 15 minutes OpenActive recommends.',
    provider: {
      route: 'token',
      async after(ctx, env) {
        const body = tokenResponse(ctx)
        if (body) body.expires_in = 60 * MINUTE
        await rewriteAccessToken(ctx, env, ({ payload }) => {
          payload.exp = Number(payload.iat) + 60 * MINUTE
        })
      },
    },
  },
  'opaque-access-token': {
    description: 'Access tokens are opaque strings, not JWTs.',
    provider: {
      route: 'token',
      after(ctx, env) {
        const body = tokenResponse(ctx)
        if (!body) return
        const opaque = randomBytes(32).toString('hex')
        env.opaqueTokens.set(opaque, body.access_token as string)
        body.access_token = opaque
      },
    },
    ordersFeed: {
      // The feed looks the JWT up, as a resource server would introspect an opaque token.
      token: (received, env) => env.opaqueTokens.get(received),
    },
  },
} satisfies Record<string, FaultBehaviour>

// A rewrite of the token endpoint's answer that changes the access token, signed by `signer`.
function rewrite(
  change: (jwt: Jwt, env: FaultEnvironment) => void,
  signer?: Signer,
): ProviderRewrite {
  return {
    route: 'token',
    after: (ctx: KoaContextWithOIDC, env: FaultEnvironment) =>
      rewriteAccessToken(ctx, env, change, signer),
  }
}

function epochSeconds(): number {
  return Math.floor(Date.now() / 1000)
}
