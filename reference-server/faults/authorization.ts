// Faults in the seller's authorization: the authorization code flow (RFC 6749 §4.1, RFC 7636).
import type { KoaContextWithOIDC } from 'oidc-provider'

import { IDENTITY_CLAIMS } from '../openactive.js'
import { decode, signWithServerKey, tokenResponse } from './jwt.js'
import { rewriteForm } from './request.js'
import type { FaultBehaviour } from './types.js'

/** Faults a booking partner meets when a seller authorizes it. */
export const AUTHORIZATION_FAULTS = {
  'authorization-pkce-not-enforced': {
    description:
      'PKCE is not enforced: a code is exchanged whatever code_verifier is sent (or none).',
    provider: {
      route: 'token',
      async around(ctx, env, next) {
        // The code forgets its challenge, and the verifier sent is dropped: anything goes.
        await rewriteForm(ctx, async (form) => {
          const code = form.get('code')
          if (form.get('grant_type') !== 'authorization_code' || code === null) return
          const stored = await env.adapter('AuthorizationCode').find(code)
          delete stored?.codeChallenge
          delete stored?.codeChallengeMethod
          form.delete('code_verifier')
        })
        await next()
      },
    },
  },
  'authorization-code-reusable': {
    description: 'An authorization code can be exchanged again after its first use.',
    provider: {
      route: 'token',
      async around(ctx, env, next) {
        await rewriteForm(ctx, async (form) => {
          const code = form.get('code')
          if (form.get('grant_type') !== 'authorization_code' || code === null) return
          const stored = await env.adapter('AuthorizationCode').find(code)
          if (stored) delete stored.consumed
        })
        await next()
      },
    },
  },
  'authorization-seller-claims-missing': {
    description: 'The ID token lacks the OpenActive seller and booking service claims.',
    provider: {
      route: 'token',
      async after(ctx, env) {
        const body = tokenResponse(ctx)
        const jwt = typeof body?.id_token === 'string' ? decode(body.id_token) : undefined
        if (!body || !jwt) return
        for (const claim of IDENTITY_CLAIMS) delete jwt.payload[claim]
        body.id_token = await signWithServerKey(jwt, env)
      },
    },
  },
  'authorization-no-refresh-token': {
    description: 'The code exchange issues no refresh_token, although offline_access was granted.',
    provider: {
      route: 'token',
      after(ctx) {
        const body = tokenResponse(ctx)
        if (body?.id_token !== undefined) delete body.refresh_token
      },
    },
  },
  'authorization-redirect-uri-unchecked': {
    description:
      'An authorization request with a redirect URI that was not registered goes on to the login.',
    provider: {
      route: 'authorization',
      async around(ctx, env, next) {
        const query = new URLSearchParams(ctx.querystring)
        const client = await env.adapter('Client').find(query.get('client_id') ?? '')
        const registered = Array.isArray(client?.redirect_uris) ? client.redirect_uris : []
        // oidc-provider is shown a registered one, so it never notices.
        if (registered.length > 0 && !registered.includes(query.get('redirect_uri'))) {
          rewriteQuery(ctx, (params) => params.set('redirect_uri', String(registered[0])))
        }
        await next()
      },
    },
  },
  'authorization-consent-every-time': {
    description: 'The seller is asked for consent again at every login, for the same scopes.',
    forgetsConsent: true,
  },
} satisfies Record<string, FaultBehaviour>

function rewriteQuery(ctx: KoaContextWithOIDC, change: (query: URLSearchParams) => void): void {
  const query = new URLSearchParams(ctx.querystring)
  change(query)
  ctx.querystring = query.toString()
}
