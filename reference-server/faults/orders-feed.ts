// Faults in the Orders feed, the resource server a booking partner reads with its access token.
import { decodeJwt } from 'jose'

import type { PlainAnswer } from '../answer.js'
import { htmlAnswer } from '../answer.js'
import { ORDERS_FEED_SCOPE, tokenScopes } from '../openactive.js'
import type { FaultBehaviour } from './types.js'

const LOGIN_PATH = '/login'

/** Faults a booking partner meets when it reads the Orders feed. */
export const ORDERS_FEED_FAULTS = {
  'orders-feed-open': {
    description: 'The Orders feed answers 200 with its RPDE page even without an access token.',
    ordersFeed: {
      answer: (answer, { page }) => (refused(answer) ? page : answer),
    },
  },
  'orders-feed-rejects-valid': {
    description: 'The Orders feed refuses every request with 401, even with a valid access token.',
    ordersFeed: {
      answer: (answer) =>
        answer.status === 200 ? challenge('Bearer error="invalid_token"') : answer,
    },
  },
  'orders-feed-accepts-tampered': {
    description:
      "The Orders feed does not verify access tokens' signature or expiry, only their scope.",
    ordersFeed: {
      answer: (answer, { token, page }) =>
        token !== undefined && refused(answer) && claimsOrdersFeedScope(token) ? page : answer,
    },
  },
  'orders-feed-login-redirect': {
    description: 'The Orders feed redirects every request to an HTML login page.',
    ordersFeed: {
      answer: () => ({ status: 302, headers: { Location: LOGIN_PATH } }),
    },
    pages: {
      [LOGIN_PATH]: htmlAnswer(200, 'Sign in', 'Sign in to the booking system to continue.'),
    },
  },
  'orders-feed-wrong-content-type': {
    description: 'The Orders feed serves its RPDE page as text/html.',
    ordersFeed: {
      answer: (answer) =>
        answer.status === 200
          ? { ...answer, headers: { ...answer.headers, 'Content-Type': 'text/html' } }
          : answer,
    },
  },
  'orders-feed-no-www-authenticate': {
    description: "The Orders feed's 401 answers have no WWW-Authenticate header.",
    ordersFeed: {
      answer: (answer) => {
        if (answer.status !== 401) return answer
        const headers = { ...answer.headers }
        delete headers['WWW-Authenticate']
        return { ...answer, headers }
      },
    },
  },
  'orders-feed-500': {
    description: 'The Orders feed answers 500 with an HTML error page to requests with a token.',
    ordersFeed: {
      answer: (answer, { token }) =>
        token === undefined
          ? answer
          : htmlAnswer(500, 'Internal Server Error', 'Something went wrong.'),
    },
  },
} satisfies Record<string, FaultBehaviour>

function refused(answer: PlainAnswer): boolean {
  return answer.status === 401 || answer.status === 403
}

function challenge(value: string): PlainAnswer {
  return { status: 401, headers: { 'WWW-Authenticate': value } }
}

// Whether the token's payload claims the Orders feed scope, read without any verification.
function claimsOrdersFeedScope(token: string): boolean {
  try {
    return tokenScopes(decodeJwt(token)).includes(ORDERS_FEED_SCOPE)
  } catch {
    return false
  }
}
