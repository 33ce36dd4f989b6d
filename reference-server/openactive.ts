// The names the OpenActive Open Booking API and its reference implementation (RI) use, in one place
// so the provider, the Orders feed and the faults agree on them.

/** The scope a booking partner asks for, with client credentials, to read the Orders feed. */
export const ORDERS_FEED_SCOPE = 'openactive-ordersfeed'

/** The scope a booking partner gets, by a seller's authorization, to book for that seller. */
export const BOOKING_SCOPE = 'openactive-openbooking'

/** Every scope discovery advertises, as the RI does. */
export const SCOPES = [
  'openid',
  'openactive-openbooking',
  ORDERS_FEED_SCOPE,
  'openactive-identity',
  'offline_access',
]

/** The ID token claims the `openactive-identity` scope carries (seller and booking service). */
export const IDENTITY_CLAIMS = [
  'https://openactive.io/sellerId',
  'https://openactive.io/sellerName',
  'https://openactive.io/sellerUrl',
  'https://openactive.io/sellerLogo',
  'https://openactive.io/bookingServiceName',
  'https://openactive.io/bookingServiceUrl',
]

/** The access token claim naming the booking partner. */
export const CLIENT_ID_CLAIM = 'https://openactive.io/clientId'

/** The `aud` of access tokens for the Open Booking API, as in the RI. */
export const API_AUDIENCE = 'openbooking'

/** Scopes the Open Booking API resource server accepts, as in the RI. */
export const API_SCOPES = `${ORDERS_FEED_SCOPE} openactive-openbooking`

/** The Open Booking API's base path, relative to the issuer, as in the RI. */
export const API_PATH = '/api/openbooking'

/** The Orders feed's path, relative to the issuer: `${endpointUrl}/orders-rpde`. */
export const ORDERS_FEED_PATH = `${API_PATH}/orders-rpde`

/** The media type of Open Booking API answers. */
export const BOOKING_MEDIA_TYPE = 'application/vnd.openactive.booking+json; version=1'

// oidc-provider's endpoints at the RI's (IdentityServer4) paths, so a checker sees the URLs a
// seller's RI-based server would have. Discovery's path is fixed by oidc-provider.
const CONFIGURABLE_ROUTES = {
  authorization: '/connect/authorize',
  token: '/connect/token',
  userinfo: '/connect/userinfo',
  jwks: '/.well-known/openid-configuration/jwks',
  registration: '/connect/register',
  end_session: '/connect/endsession',
}

/** The routes oidc-provider lets us place, for its `routes` option. */
export const PROVIDER_ROUTES: Readonly<Record<string, string>> = CONFIGURABLE_ROUTES

/** Every oidc-provider route the faults may rewrite, by oidc-provider's route name. */
export const ROUTES = {
  discovery: '/.well-known/openid-configuration',
  ...CONFIGURABLE_ROUTES,
} as const

/**
 * The scopes an access token's `scope` claim grants.
 *
 * @remarks
 * RFC 9068 makes `scope` a space-separated string; IdentityServer (the RI) sends an array, and its
 * resource server accepts both, so this does too.
 */
export function tokenScopes(payload: Record<string, unknown>): string[] {
  const { scope } = payload
  if (typeof scope === 'string') return scope.split(' ')
  if (Array.isArray(scope)) return scope.filter((value) => typeof value === 'string')
  return []
}

/** The reference server's one test seller, as a booking system's seller account would be. */
export interface TestSeller {
  /** The login name; distinctive, since reports redact it wherever it appears. */
  username: string
  password: string
  /** The seller's JSON-LD `@id`, which the ID token's sellerId names. */
  id: string
}

/** The account id (the ID token's `sub`) of the test seller: the seller, not a person (R12). */
export const SELLER_ACCOUNT_ID = 'seller-1'

/** The OpenActive ID token claims of the test seller, for the `openactive-identity` scope. */
export function sellerClaims(issuer: string, sellerId: string): Record<string, string> {
  return {
    'https://openactive.io/sellerId': sellerId,
    'https://openactive.io/sellerName': 'Reference Leisure Centre',
    'https://openactive.io/sellerUrl': `${issuer}/sellers/1`,
    'https://openactive.io/sellerLogo': `${issuer}/sellers/1/logo.png`,
    'https://openactive.io/bookingServiceName': 'Reference Booking System',
    'https://openactive.io/bookingServiceUrl': `${issuer}/`,
  }
}
