import type { IncomingMessage, ServerResponse } from 'node:http'

import { jwtVerify } from 'jose'
import type { CryptoKey, JWTPayload } from 'jose'

import type { PlainAnswer } from './answer.js'
import { writeAnswer } from './answer.js'
import type { OrdersFeedFaults } from './faults.js'
import { BOOKING_MEDIA_TYPE, ORDERS_FEED_SCOPE, tokenScopes } from './openactive.js'

/** What the Orders feed needs to check an access token and page the feed. */
export interface OrdersFeedOptions {
  issuer: string
  ordersFeedUrl: string
  /** The public half of the key oidc-provider signs access tokens with. */
  publicKey: CryptoKey
  faults: OrdersFeedFaults
}

/**
 * Builds the handler for `GET /api/openbooking/orders-rpde`: the Orders feed a booking partner
 * reads with a client credentials access token.
 *
 * @remarks
 * It answers like the RI's ASP.NET JwtBearer resource server: 401 for a missing or invalid token,
 * 403 when the token lacks the `openactive-ordersfeed` scope, with no OpenBookingError body. A
 * token is valid when its RS256 signature verifies, its `iss` is the issuer and it is within
 * `nbf`…`exp`; `aud` and `typ` are not checked, so that a token fault shows only where a booking
 * partner looks. The key is the one the server really signs with, not the published JWKS, so
 * under a JWKS fault the feed still accepts the server's own tokens.
 */
export function ordersFeedHandler(
  options: OrdersFeedOptions,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const page = pageAnswer(options.ordersFeedUrl)

  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      writeAnswer(res, { status: 405, headers: { Allow: 'GET, HEAD' } })
      return
    }

    const token = /^Bearer +([^ ]+)$/i.exec(req.headers.authorization ?? '')?.[1]
    const answer = await authorize(token, options, page)
    writeAnswer(res, options.faults.answer(answer, { token, page }), req.method)
  }
}

async function authorize(
  received: string | undefined,
  options: OrdersFeedOptions,
  page: PlainAnswer,
): Promise<PlainAnswer> {
  if (received === undefined) return challenge(401, 'Bearer')

  const token = options.faults.token(received)
  const payload = token === undefined ? undefined : await verifyAccessToken(token, options)
  if (payload === undefined) return challenge(401, 'Bearer error="invalid_token"')

  if (!tokenScopes(payload).includes(ORDERS_FEED_SCOPE)) {
    return challenge(403, `Bearer error="insufficient_scope", scope="${ORDERS_FEED_SCOPE}"`)
  }
  return page
}

function challenge(status: 401 | 403, value: string): PlainAnswer {
  return { status, headers: { 'WWW-Authenticate': value } }
}

async function verifyAccessToken(
  token: string,
  options: OrdersFeedOptions,
): Promise<JWTPayload | undefined> {
  try {
    const { payload } = await jwtVerify(token, options.publicKey, {
      issuer: options.issuer,
      algorithms: ['RS256'],
    })
    return payload
  } catch {
    return undefined
  }
}

// An RPDE page with no items: the feed's last page, whose `next` repeats the query to poll again.
function pageAnswer(ordersFeedUrl: string): PlainAnswer {
  const body = {
    items: [],
    next: `${ordersFeedUrl}?afterTimestamp=0&afterId=0`,
    license: 'https://openactive.io/open-data-licence',
  }
  return {
    status: 200,
    headers: { 'Content-Type': BOOKING_MEDIA_TYPE },
    body: JSON.stringify(body),
  }
}
