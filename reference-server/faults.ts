import type { JSONWebKeySet } from 'jose'
import type { KoaContextWithOIDC, Middleware } from 'oidc-provider'

import { ROUTES } from './openactive.js'

/** What a fault's rewrite may need to know about the server it breaks. */
export interface FaultEnvironment {
  issuer: string
  initialAccessToken: string
  /** A JWKS with an unrelated RSA key under the real signing key's `kid`. */
  foreignJwks(): Promise<JSONWebKeySet>
}

/**
 * Changes one oidc-provider endpoint's request or answer.
 *
 * @remarks
 * oidc-provider has matched no endpoint yet when `before` runs, so `before` is called on the
 * endpoint's path; `after` is called once oidc-provider names the endpoint it answered.
 */
interface ProviderRewrite {
  /** oidc-provider's route name; its path, where we set one, is in {@link ROUTES}. */
  route: keyof typeof ROUTES
  before?: (ctx: KoaContextWithOIDC, env: FaultEnvironment) => void
  after?: (ctx: KoaContextWithOIDC, env: FaultEnvironment) => void | Promise<void>
}

interface FaultBehaviour {
  /** What a seller's server gets wrong, in the words a report would use. */
  description: string
  /** Absent for faults that the Orders feed handler implements itself. */
  rewrite?: ProviderRewrite
}

// One entry per fault: adding a fault is adding an entry here (and, for an Orders feed fault, a
// check of `faults.has(...)` in orders-feed.ts).
const BEHAVIOURS = {
  'issuer-mismatch': {
    description: "The discovery document's issuer differs from the issuer URL it was fetched from.",
    rewrite: {
      route: 'discovery',
      after(ctx, env) {
        jsonBody(ctx).issuer = `${env.issuer}/other`
      },
    },
  },
  'foreign-signing-key': {
    description:
      'Access tokens are signed by a key that is not in the published JWKS, which holds a ' +
      'different RSA key under the same kid.',
    rewrite: {
      route: 'jwks',
      async after(ctx, env) {
        ctx.body = await env.foreignJwks()
      },
    },
  },
  'orders-feed-open': {
    description: 'The Orders feed answers 200 with its RPDE page even without an access token.',
  },
} satisfies Record<string, FaultBehaviour>

/** A named way in which the reference server can be made to break the OpenActive profile. */
export type Fault = keyof typeof BEHAVIOURS

/** Every fault the reference server can simulate. */
export const FAULTS: readonly Fault[] = Object.freeze(Object.keys(BEHAVIOURS) as Fault[])

/** Whether `name` is one of {@link FAULTS}; for checking command-line and other untyped input. */
export function isFault(name: string): name is Fault {
  return Object.hasOwn(BEHAVIOURS, name)
}

/** One line saying what `fault` breaks. */
export function describeFault(fault: Fault): string {
  return BEHAVIOURS[fault].description
}

/**
 * Builds the Koa middleware that applies the active faults' rewrites to oidc-provider, for
 * `provider.use(...)`.
 */
export function faultMiddleware(faults: ReadonlySet<Fault>, env: FaultEnvironment): Middleware {
  const rewrites = [...faults].flatMap((fault): ProviderRewrite[] => {
    const behaviour: FaultBehaviour = BEHAVIOURS[fault]
    return behaviour.rewrite ? [behaviour.rewrite] : []
  })

  return async (ctx, next) => {
    for (const rewrite of rewrites) {
      if (rewrite.before && ctx.path === ROUTES[rewrite.route]) rewrite.before(ctx, env)
    }

    await next()

    for (const rewrite of rewrites) {
      if (rewrite.after && ctx.oidc?.route === rewrite.route) await rewrite.after(ctx, env)
    }
  }
}

// oidc-provider's JSON answers are plain objects until Koa serialises them after the middlewares.
function jsonBody(ctx: KoaContextWithOIDC): Record<string, unknown> {
  if (typeof ctx.body !== 'object' || ctx.body === null) {
    throw new TypeError(`expected a JSON body from oidc-provider's ${ctx.oidc?.route} endpoint`)
  }
  return ctx.body as Record<string, unknown>
}
