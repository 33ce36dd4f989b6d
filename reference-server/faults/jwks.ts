// Faults in the published JWKS, and in how access tokens name their signing key.
import { randomBytes } from 'node:crypto'

import type { JWK } from 'jose'
import type { KoaContextWithOIDC } from 'oidc-provider'

import { rewriteAccessToken } from './jwt.js'
import type { FaultBehaviour } from './types.js'
import { jsonBody } from './types.js'

/** The private members of an RSA JWK (RFC 7518 §6.3.2). */
const RSA_PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const

/** Faults a booking partner meets when it fetches the keys that verify access tokens. */
export const JWKS_FAULTS = {
  'foreign-signing-key': {
    description:
      'Access tokens are signed by a key that is not in the published JWKS, which holds a ' +
      'different RSA key under the same kid.',
    provider: {
      route: 'jwks',
      async after(ctx, env) {
        const foreign = await env.foreignPublicJwk()
        ctx.body = { keys: [{ ...foreign, kid: env.signingKey.kid, alg: 'RS256', use: 'sig' }] }
      },
    },
  },
  'jwks-500': {
    description: 'The JWKS URL answers 500 with a JSON error.',
    provider: {
      route: 'jwks',
      after(ctx) {
        ctx.status = 500
        ctx.body = { error: 'server_error', error_description: 'the key store is unavailable' }
      },
    },
  },
  'jwks-private-key': {
    description: "The JWKS publishes the signing key's private parts (d, p, q, dp, dq, qi).",
    provider: {
      route: 'jwks',
      after(ctx, env) {
        const { privateJwk } = env.signingKey
        for (const key of publishedKeys(ctx)) {
          if (key.kid !== privateJwk.kid) continue
          for (const member of RSA_PRIVATE_MEMBERS) key[member] = privateJwk[member]
        }
      },
    },
  },
  'jwks-symmetric-key': {
    description: 'The JWKS publishes a symmetric (oct) key, giving away a shared secret.',
    provider: {
      route: 'jwks',
      after(ctx) {
        publishedKeys(ctx).push({
          kty: 'oct',
          k: randomBytes(32).toString('base64url'),
          kid: 'hmac-1',
        })
      },
    },
  },
  'jwks-weak-rsa': {
    description: 'The JWKS also publishes an RSA key of only 1024 bits.',
    provider: {
      route: 'jwks',
      async after(ctx, env) {
        const weak = await env.weakPublicJwk()
        publishedKeys(ctx).push({ ...weak, kid: 'legacy-rsa-1024', alg: 'RS256', use: 'sig' })
      },
    },
  },
  'jwks-duplicate-kid': {
    description: "The JWKS publishes two different RSA keys under the signing key's kid.",
    provider: {
      route: 'jwks',
      async after(ctx, env) {
        const foreign = await env.foreignPublicJwk()
        publishedKeys(ctx).unshift({
          ...foreign,
          kid: env.signingKey.kid,
          alg: 'RS256',
          use: 'sig',
        })
      },
    },
  },
  'jwks-kid-missing': {
    description: 'The JWKS keys have no kid, though access tokens name their key by kid.',
    provider: {
      route: 'jwks',
      after(ctx) {
        for (const key of publishedKeys(ctx)) delete key.kid
      },
    },
  },
  'token-kid-unknown': {
    description: 'Access tokens name a kid (rotated-away-key) that the JWKS does not publish.',
    provider: {
      route: 'token',
      async after(ctx, env) {
        await rewriteAccessToken(ctx, env, ({ header }) => {
          header.kid = 'rotated-away-key'
        })
      },
    },
  },
} satisfies Record<string, FaultBehaviour>

// oidc-provider answers with its own list of keys, shared by every request: the answer gets a
// copy, so that a change to it is not published again, and again, to later requests.
function publishedKeys(ctx: KoaContextWithOIDC): JWK[] {
  const keys = (jsonBody(ctx).keys as JWK[]).map((key) => ({ ...key }))
  ctx.body = { keys }
  return keys
}
