import type { Exchange, Finding } from '../model.js'
import { type CheckId, passed, skipped, violated } from './catalogue.js'
import {
  describeResponse,
  excerpt,
  header,
  isJsonObject,
  type JsonObject,
  mediaType,
  parseJson,
  shown,
  stringify,
} from './response.js'

export const OPENACTIVE_MEDIA_TYPE = 'application/vnd.openactive.booking+json'

/** The RPDE page in a 200 response, or why there is none. */
export function rpdePage(exchange: Exchange): { page?: JsonObject; problem?: string } {
  if (exchange.status !== 200) return { problem: describeResponse(exchange) }
  const page = parseJson(exchange.responseBody)
  if (!isJsonObject(page))
    return { problem: `200, but not a JSON object: ${excerpt(exchange.responseBody)}` }
  const problems: string[] = []
  if (!Array.isArray(page.items)) problems.push(`items is ${shown(page.items)}, not an array`)
  if (typeof page.next !== 'string' || page.next === '')
    problems.push(`next is ${shown(page.next)}, not a URL`)
  if (problems.length > 0) return { problem: `200, but not an RPDE page: ${problems.join('; ')}` }
  return { page }
}

/** Checks the Orders feed response to a request carrying the access token. */
export function checkOrdersFeedAuthorized(exchange: Exchange): Finding[] {
  const { page, problem } = rpdePage(exchange)
  if (!page) {
    return [
      violated(
        'orders-feed.authorized',
        `The Orders feed did not serve the access token an RPDE page: ${problem}.`,
      ),
    ]
  }
  const items = page.items as unknown[]
  return [
    passed('orders-feed.authorized', `200 with an RPDE page of ${items.length} item(s).`),
    checkContentType(exchange),
  ]
}

function checkContentType(exchange: Exchange): Finding {
  const type = mediaType(exchange)
  if (type === OPENACTIVE_MEDIA_TYPE || type === 'application/json') {
    return passed(
      'orders-feed.content-type',
      `Served as ${shown(header(exchange, 'content-type'))}.`,
    )
  }
  return violated(
    'orders-feed.content-type',
    `Served as ${shown(header(exchange, 'content-type'))}; expected ${OPENACTIVE_MEDIA_TYPE}; version=1 or application/json.`,
  )
}

/** The URL of the next page when it can be followed: absolute and on the feed's origin. */
export function nextPageUrl(feedUrl: string, page: JsonObject): { url?: string; problem?: string } {
  let next: URL
  try {
    next = new URL(String(page.next))
  } catch {
    return { problem: `next ${shown(page.next)} is not an absolute URL` }
  }
  if (next.origin !== new URL(feedUrl).origin) {
    return {
      problem: `next ${shown(page.next)} leaves the feed’s origin ${new URL(feedUrl).origin}`,
    }
  }
  return { url: next.href }
}

export function checkNextPage(exchange: Exchange): Finding {
  const { page, problem } = rpdePage(exchange)
  if (page)
    return passed(
      'orders-feed.next-page',
      `The next page ${exchange.url} answered 200 with an RPDE page.`,
    )
  return violated('orders-feed.next-page', `The next page ${exchange.url} did not: ${problem}.`)
}

/** Checks that a request with a bad or no token was refused. */
export function checkRefused(
  exchange: Exchange,
  id: CheckId & `orders-feed.rejects-${string}`,
  what: string,
): Finding {
  if (exchange.status === 401 || exchange.status === 403) {
    return passed(id, `A request ${what} was refused with ${exchange.status}.`)
  }
  // A server error or no answer serves nothing, but says nothing about the token either;
  // unless its body is the feed all the same.
  if (exchange.error || (exchange.status ?? 0) >= 500) {
    const body = exchange.error ? undefined : parseJson(exchange.responseBody)
    if (isJsonObject(body) && Array.isArray(body.items) && body.items.length > 0) {
      return violated(
        id,
        `A request ${what} got HTTP ${exchange.status}, but its body is an RPDE page with ${body.items.length} item(s): the Orders feed is served whatever the status says.`,
      )
    }
    return skipped(id, `Could not tell: a request ${what} got ${describeResponse(exchange)}.`)
  }
  const open = exchange.status === 200 ? ' Anyone can read the Orders feed.' : ''
  const login =
    exchange.status && exchange.status >= 300 && exchange.status < 400
      ? ' A redirect (to a login page) is not a refusal an API client understands.'
      : ''
  return violated(
    id,
    `A request ${what} got ${describeResponse(exchange)}; expected 401 or 403.${open}${login}`,
  )
}

/** Checks that every 401 among the refusals carries a Bearer challenge. */
export function checkChallenges(refusals: Exchange[]): Finding {
  const unauthorized = refusals.filter((exchange) => exchange.status === 401)
  if (unauthorized.length === 0) {
    return skipped('orders-feed.www-authenticate', 'Not applicable: no request was answered 401.')
  }
  const without = unauthorized.filter(
    (exchange) => !/^\s*bearer\b/i.test(header(exchange, 'www-authenticate') ?? ''),
  )
  if (without.length === 0) {
    return passed(
      'orders-feed.www-authenticate',
      `Every 401 carries WWW-Authenticate: Bearer (${unauthorized.length}).`,
    )
  }
  const seen = without.map(
    (exchange) => `${exchange.label}: ${shown(header(exchange, 'www-authenticate'))}`,
  )
  return violated(
    'orders-feed.www-authenticate',
    `401 without a Bearer challenge: ${seen.join('; ')}.`,
  )
}

/** The token with one byte of its signature changed (the last character, for an opaque token). */
export function tamperedToken(token: string): string {
  const parts = token.split('.')
  if (parts.length === 3 && parts[2]) {
    const signature = Buffer.from(parts[2], 'base64url')
    signature[0] ^= 0x01
    return `${parts[0]}.${parts[1]}.${signature.toString('base64url')}`
  }
  const last = token.at(-1)
  return `${token.slice(0, -1)}${last === 'A' ? 'B' : 'A'}`
}

/** A JWT whose exp is an hour before `now`, signature left as it was; undefined when not a JWT. */
export function expiredLookingToken(
  token: string,
  claims: JsonObject | undefined,
  now: number,
): string | undefined {
  if (!claims) return undefined
  const parts = token.split('.')
  const payload = Buffer.from(
    stringify({ ...claims, exp: Math.floor(now / 1000) - 3600 }),
  ).toString('base64url')
  return `${parts[0]}.${payload}.${parts[2]}`
}
