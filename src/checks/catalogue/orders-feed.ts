import type { CheckDefinition } from '../catalogue.js'
import { OBA } from './clauses.js'

export const ORDERS_FEED_CHECKS = {
  'orders-feed.authorized': {
    stage: 'orders-feed',
    level: 'must',
    title: 'GET the Orders feed with the access token answers 200 with an RPDE page (items, next).',
    reference: `${OBA} §Orders RPDE feed; RPDE 1.0; RFC 6750 §2.1`,
    fix: 'Accept access tokens issued by the client credentials grant with scope openactive-ordersfeed on the Orders feed, and return an RPDE page.',
  },
  'orders-feed.content-type': {
    stage: 'orders-feed',
    level: 'should',
    title:
      'The Orders feed is served as application/vnd.openactive.booking+json; version=1 or application/json.',
    reference: `${OBA} §Media types`,
    fix: 'Send Content-Type: application/vnd.openactive.booking+json; version=1.',
  },
  'orders-feed.next-page': {
    stage: 'orders-feed',
    level: 'should',
    title: 'The page’s next URL stays on the feed’s origin and answers 200 with the same token.',
    reference: 'RPDE 1.0; RFC 6750 §2.1',
    fix: 'Make next an absolute URL on the same origin that accepts the same access token.',
  },
  'orders-feed.rejects-no-token': {
    stage: 'orders-feed',
    level: 'must',
    title: 'GET the Orders feed without a token is refused with 401 or 403.',
    reference: `RFC 6750 §3; ${OBA} §Error Model (API authentication)`,
    fix: 'Require a valid access token on the Orders feed; answer 401 (or 403) without one.',
  },
  'orders-feed.rejects-tampered-token': {
    stage: 'orders-feed',
    level: 'must',
    title: 'The access token with one signature byte changed is refused with 401 or 403.',
    reference: `RFC 6750 §3.1 (invalid_token); ${OBA} §Error Model (InvalidAPITokenError)`,
    fix: 'Verify the access token’s signature (or look the token up) on every Orders feed request.',
  },
  'orders-feed.rejects-expired-token': {
    stage: 'orders-feed',
    level: 'must',
    title: 'The access token with exp moved into the past (signature left as it was) is refused.',
    reference: `RFC 6750 §3.1 (invalid_token); RFC 7519 §4.1.4; ${OBA} §Error Model (InvalidAPITokenError)`,
    fix: 'Verify the token’s signature and exp on every Orders feed request.',
  },
  'orders-feed.www-authenticate': {
    stage: 'orders-feed',
    level: 'should',
    title: 'A 401 from the Orders feed carries a WWW-Authenticate: Bearer header.',
    reference: 'RFC 6750 §3; RFC 9110 §11.6.1',
    fix: 'Send WWW-Authenticate: Bearer (with error="invalid_token" for a bad token) with every 401.',
  },
} as const satisfies Record<string, CheckDefinition>
