// Faults in dynamic client registration (RFC 7591).
import type { KoaContextWithOIDC } from 'oidc-provider'

import type { FaultBehaviour } from './types.js'
import { jsonBody, removeCacheControl } from './types.js'

/** Faults a booking partner meets when it registers a client. */
export const REGISTRATION_FAULTS = {
  'registration-open': {
    description: 'Registration accepts requests with no initial access token, or a wrong one.',
    provider: {
      route: 'registration',
      async around(ctx, env, next) {
        // Whatever was sent, oidc-provider sees the right token.
        if (ctx.method === 'POST')
          ctx.req.headers.authorization = `Bearer ${env.initialAccessToken}`
        await next()
      },
    },
  },
  'registration-status-200': {
    description: 'Registration answers 200 instead of 201 Created.',
    provider: {
      route: 'registration',
      after(ctx) {
        if (ctx.status === 201) ctx.status = 200
      },
    },
  },
  'registration-no-secret': {
    description: 'The registration response has no client_secret.',
    provider: {
      route: 'registration',
      after(ctx) {
        const body = registered(ctx)
        if (body) delete body.client_secret
      },
    },
  },
  'registration-no-secret-expiry': {
    description: 'The registration response has no client_secret_expires_at.',
    provider: {
      route: 'registration',
      after(ctx) {
        const body = registered(ctx)
        if (body) delete body.client_secret_expires_at
      },
    },
  },
  'registration-drops-metadata': {
    description: 'The registration response leaves out the grant_types and scope registered.',
    provider: {
      route: 'registration',
      after(ctx) {
        const body = registered(ctx)
        delete body?.grant_types
        delete body?.scope
      },
    },
  },
  'registration-no-cache-control': {
    description:
      'The registration response, which holds a secret, may be cached (no Cache-Control).',
    provider: {
      route: 'registration',
      after: removeCacheControl,
    },
  },
} satisfies Record<string, FaultBehaviour>

// The new client's metadata, when registration succeeded (with 201, or 200 under another fault).
function registered(ctx: KoaContextWithOIDC): Record<string, unknown> | undefined {
  return ctx.status === 201 || ctx.status === 200 ? jsonBody(ctx) : undefined
}
