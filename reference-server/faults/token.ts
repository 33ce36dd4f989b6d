// Faults in the token endpoint's handling of a client credentials request (RFC 6749 §4.4).
import { randomBytes } from 'node:crypto'

import { rewriteAccessToken, tokenResponse } from './jwt.js'
import {
  basicAuthorization,
  basicCredentials,
  formDecode,
  refuseClient,
  replaceRequest,
  rewriteForm,
} from './request.js'
import type { FaultBehaviour } from './types.js'
import { removeCacheControl } from './types.js'

/** Faults a booking partner meets when it asks the token endpoint for an access token. */
export const TOKEN_FAULTS = {
  'token-expires-in-string': {
    description: 'The token response gives expires_in as a string ("900"), not a number.',
    provider: {
      route: 'token',
      after(ctx) {
        const body = tokenResponse(ctx)
        if (body) body.expires_in = String(body.expires_in)
      },
    },
  },
  'token-scope-array': {
    description: 'The token response gives scope as a JSON array, not a space-separated string.',
    provider: {
      route: 'token',
      after(ctx) {
        const body = tokenResponse(ctx)
        if (typeof body?.scope === 'string') body.scope = body.scope.split(' ')
      },
    },
  },
  'token-type-missing': {
    description: 'The token response has no token_type.',
    provider: {
      route: 'token',
      after(ctx) {
        delete tokenResponse(ctx)?.token_type
      },
    },
  },
  'token-no-cache-control': {
    description: 'The token response, which holds a token, may be cached (no Cache-Control).',
    provider: { route: 'token', after: removeCacheControl },
  },
  'token-refresh-token': {
    description: 'The token response to a client credentials request includes a refresh_token.',
    provider: {
      route: 'token',
      after(ctx) {
        const body = tokenResponse(ctx)
        if (body) body.refresh_token = randomBytes(32).toString('base64url')
      },
    },
  },
  'token-accepts-wrong-secret': {
    description: 'The token endpoint issues a token to a known client_id with a wrong secret.',
    provider: {
      route: 'token',
      async around(ctx, env, next) {
        const basic = basicCredentials(ctx.get('authorization'))
        if (basic) {
          const id = formDecode(basic.id)
          const secret = await env.clientSecret(id)
          if (secret !== undefined) ctx.req.headers.authorization = basicAuthorization(id, secret)
        } else {
          await rewriteForm(ctx, async (form) => {
            const secret = await env.clientSecret(form.get('client_id') ?? '')
            if (secret !== undefined && form.has('client_secret')) form.set('client_secret', secret)
          })
        }
        await next()
      },
    },
  },
  'token-grants-any-scope': {
    description: 'The token endpoint grants scopes the client did not register for.',
    provider: {
      route: 'token',
      async around(ctx, env, next) {
        // oidc-provider is asked for no scope at all; the scope asked for is granted afterwards.
        let asked = ''
        await rewriteForm(ctx, (form) => {
          asked = form.get('scope') ?? ''
          form.delete('scope')
        })
        await next()

        const body = tokenResponse(ctx)
        if (!body || asked === '') return
        body.scope = asked
        await rewriteAccessToken(ctx, env, ({ payload }) => {
          payload.scope = asked
        })
      },
    },
  },
  'token-200-error-body': {
    description: 'The token endpoint answers every request with 200 and an error body.',
    provider: {
      route: 'token',
      after(ctx) {
        ctx.status = 200
        ctx.remove('WWW-Authenticate')
        ctx.body = {
          error: 'invalid_client',
          error_description: 'client authentication failed',
        }
      },
    },
  },
  'token-basic-not-decoded': {
    description:
      'The token endpoint does not form-urldecode client_secret_basic credentials (RFC 6749 §2.3.1).',
    provider: {
      route: 'token',
      async around(ctx, env, next) {
        const basic = basicCredentials(ctx.get('authorization'))
        if (basic) {
          // The id and secret are compared as sent, then passed on encoded as oidc-provider wants.
          if ((await env.clientSecret(basic.id)) !== basic.secret) {
            refuseClient(ctx, env.issuer)
            return
          }
          ctx.req.headers.authorization = basicAuthorization(basic.id, basic.secret)
        }
        await next()
      },
    },
  },
  'token-get-accepted': {
    description: 'The token endpoint answers GET requests with 200, putting secrets in URLs.',
    provider: {
      route: 'token',
      async around(ctx, _env, next) {
        if (ctx.method !== 'GET') return next()

        // The query is handled as the form a POST would carry.
        replaceRequest(ctx, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: ctx.querystring,
        })
        await next()
        ctx.status = 200
      },
    },
  },
} satisfies Record<string, FaultBehaviour>
