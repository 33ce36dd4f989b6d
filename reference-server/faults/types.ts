import type { JWK } from 'jose'
import type { Adapter, KoaContextWithOIDC } from 'oidc-provider'

import type { PlainAnswer } from '../answer.js'
import type { SigningKey } from '../keys.js'
import type { ROUTES } from '../openactive.js'

/** What a fault may need to know about, or share with, the server it breaks. */
export interface FaultEnvironment {
  issuer: string
  initialAccessToken: string
  signingKey: SigningKey
  /** An RSA-2048 public key unrelated to the signing key, made on first use. */
  foreignPublicJwk(): Promise<JWK>
  /** An RSA-1024 public key, made on first use. */
  weakPublicJwk(): Promise<JWK>
  /** The secret registered for `clientId`, or undefined for an unknown client. */
  clientSecret(clientId: string): Promise<string | undefined>
  /**
   * Opaque access tokens handed out, each to the JWT it stands for.
   *
   * > [!NOTE]
   * > Nothing is ever removed: the server lives for one test or one manual session.
   */
  opaqueTokens: Map<string, string>
  /** The server's store for one oidc-provider model (e.g. `AuthorizationCode`, `Client`). */
  adapter(model: string): Adapter
}

/**
 * Changes one oidc-provider endpoint's request or answer.
 *
 * @remarks
 * oidc-provider has matched no endpoint yet when `around` starts, so `around` wraps requests to
 * the route's path in {@link ROUTES}; `after` is called once oidc-provider names the endpoint it
 * answered (discovery answers on two paths), before any `around` sees the answer.
 */
export interface ProviderRewrite {
  /** oidc-provider's route name. */
  route: keyof typeof ROUTES
  /** Like a Koa middleware: may rewrite the request, answer it alone, or change the answer. */
  around?: (
    ctx: KoaContextWithOIDC,
    env: FaultEnvironment,
    next: () => Promise<void>,
  ) => Promise<void>
  after?: (ctx: KoaContextWithOIDC, env: FaultEnvironment) => void | Promise<void>
}

/** A request to the Orders feed, as the feed's rewrites see it. */
export interface OrdersFeedRequest {
  /** The bearer token received, if any. */
  token?: string
  /** The feed's page, as a valid request gets it. */
  page: PlainAnswer
}

/** Changes how the Orders feed checks a token or what it answers. */
export interface OrdersFeedRewrite {
  /** Maps the token received to the token the feed verifies; undefined makes it invalid. */
  token?: (received: string, env: FaultEnvironment) => string | undefined
  answer?: (answer: PlainAnswer, request: OrdersFeedRequest) => PlainAnswer
}

/** One fault: what it breaks, and how. */
export interface FaultBehaviour {
  /** What a seller's server gets wrong, in one line, in the words a report would use. */
  description: string
  provider?: ProviderRewrite
  ordersFeed?: OrdersFeedRewrite
  /** Extra pages the server serves while the fault is on, by path. */
  pages?: Record<string, PlainAnswer>
  /** The seller's consent is not remembered from one login to the next. */
  forgetsConsent?: true
}

/** oidc-provider's JSON answers are plain objects until Koa serialises them after middlewares. */
export function jsonBody(ctx: KoaContextWithOIDC): Record<string, unknown> {
  if (typeof ctx.body !== 'object' || ctx.body === null) {
    throw new TypeError(`expected a JSON body from oidc-provider's ${ctx.oidc?.route} endpoint`)
  }
  return ctx.body as Record<string, unknown>
}

/** Drops the headers that stop a response being cached. */
export function removeCacheControl(ctx: KoaContextWithOIDC): void {
  ctx.remove('Cache-Control')
  ctx.remove('Pragma')
}
