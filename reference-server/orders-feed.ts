import type { IncomingMessage, ServerResponse } from 'node:http'

import { jwtVerify } from 'jose'
import type { CryptoKey, JWTPayload } from 'jose'

import type { Fault } from './faults.js'
import { API_AUDIENCE, BOOKING_MEDIA_TYPE, ORDERS_FEED_SCOPE } from './openactive.js'

/** What the Orders feed needs to check an access token and page the feed. */
export interface OrdersFeedOptions {
  issuer: string
  ordersFeedUrl: string
  /** The public half of the key oidc-provider signs access tokens with. */
  publicKey: CryptoKey
  faults: ReadonlySet<Fault>
}

type Outcome = { status: 200 } | { status: 401 | 403; challenge: string }

/**
 * Builds the handler for `GET /api/openbooking/orders-rpde`: the Orders feed a booking partner
 * reads with a client credentials access token.
 *
 * @remarks
 * It answers like the RI's ASP.NET JwtBearer resource server: 401 for a missing or invalid token,
 * 403 when the token lacks the `openactive-ordersfeed` scope, with no OpenBookingError body. The
 * token is checked against the key the server really signs with, not the published JWKS, so under
 * the `foreign-signing-key` fault the feed still accepts the server's own tokens.
 */
export function ordersFeedHandler(
  options: OrdersFeedOptions,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end()
      return
    }

    const outcome = options.faults.has('orders-feed-open')
      ? { status: 200 as const }
      : await authorize(req.headers.authorization, options)
    if (outcome.status !== 200) {
      res.writeHead(outcome.status, { 'WWW-Authenticate': outcome.challenge }).end()
      return
    }

    const body = JSON.stringify(emptyPage(options.ordersFeedUrl))
    res.writeHead(200, { 'Content-Type': BOOKING_MEDIA_TYPE })
    res.end(req.method === 'HEAD' ? undefined : body)
  }
}

async function authorize(
  authorization: string | undefined,
  options: OrdersFeedOptions,
): Promise<Outcome> {
  const token = /^Bearer +([^ ]+)$/i.exec(authorization ?? '')?.[1]
  if (token === undefined) return { status: 401, challenge: 'Bearer' }

  const payload = await verifyAccessToken(token, options)
  if (payload === undefined) return { status: 401, challenge: 'Bearer error="invalid_token"' }

  if (!scopesOf(payload).includes(ORDERS_FEED_SCOPE)) {
    return {
      status: 403,
      challenge: `Bearer error="insufficient_scope", scope="${ORDERS_FEED_SCOPE}"`,
    }
  }
  return { status: 200 }
}

async function verifyAccessToken(
  token: string,
  options: OrdersFeedOptions,
): Promise<JWTPayload | undefined> {
  try {
    const { payload } = await jwtVerify(token, options.publicKey, {
      issuer: options.issuer,
      audience: API_AUDIENCE,
      algorithms: ['RS256'],
      typ: 'at+jwt',
    })
    return payload
  } catch {
    return undefined
  }
}

// RFC 9068 makes `scope` a space-separated string; IdentityServer (the RI) sends an array, and
// its resource server accepts both, so this one does too.
function scopesOf(payload: JWTPayload): string[] {
  const { scope } = payload
  if (typeof scope === 'string') return scope.split(' ')
  if (Array.isArray(scope)) return scope.filter((value) => typeof value === 'string')
  return []
}

// An RPDE page with no items: the feed's last page, whose `next` repeats the query to poll again.
function emptyPage(ordersFeedUrl: string): Record<string, unknown> {
  return {
    items: [],
    next: `${ordersFeedUrl}?afterTimestamp=0&afterId=0`,
    license: 'https://openactive.io/open-data-licence',
  }
}
