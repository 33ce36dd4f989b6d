import { randomBytes } from 'node:crypto'

import type { JWK } from 'jose'
import type { Configuration, Provider } from 'oidc-provider'

import type { MemoryStore } from './memory-store.js'
import {
  API_AUDIENCE,
  API_PATH,
  API_SCOPES,
  CLIENT_ID_CLAIM,
  IDENTITY_CLAIMS,
  SELLER_ACCOUNT_ID,
  BOOKING_SCOPE,
  PROVIDER_ROUTES,
  SCOPES,
} from './openactive.js'

/** What {@link createProvider} needs to know about the server it belongs to. */
export interface ProviderOptions {
  issuer: string
  /** The one initial access token registration accepts. */
  initialAccessToken: string
  /** Private RS256 JWK, with `kid`, that signs access tokens. */
  signingJwk: JWK
  store: MemoryStore
  /** The test seller's ID token claims (openactive-identity); `sub` is the seller's account. */
  sellerClaims: Record<string, string>
}

/** Access token lifetime, as the OpenActive Open Booking API recommends (15 minutes). */
const ACCESS_TOKEN_TTL = 900

/**
 * Makes a client secret holding every character that breaks a naive HTTP Basic header.
 *
 * @remarks
 * RFC 6749 §2.3.1 has the client form-urlencode its id and secret before base64. A client that
 * skips this sends `+` (read back as a space), `%` (a broken escape) or `:` (the separator) raw,
 * and the server rejects it; a secret without them would hide the bug. The characters sit in the
 * middle so that trimming, too, breaks the secret visibly rather than silently.
 */
export function generateClientSecret(): string {
  return `${randomBytes(24).toString('base64url')}+/:=% ~${randomBytes(8).toString('base64url')}`
}

/** Makes a URL-safe random client id, like oidc-provider's own. */
export function generateClientId(): string {
  return randomBytes(16).toString('base64url')
}

/**
 * Builds the oidc-provider instance that plays an OpenActive booking system's OpenID provider:
 * dynamic client registration behind an initial access token, and client credentials issuing
 * RS256 JWT access tokens for the Open Booking API; and the authorization code flow for its test
 * seller, whose login and consent pages `interactions.ts` serves.
 */
export async function createProvider(options: ProviderOptions): Promise<Provider> {
  const { Provider, errors } = await loadOidcProvider()
  // The RI's API resource is `openbooking`; a resource indicator must be an absolute URI, so the
  // API's base URL names it while `aud` keeps the RI's value.
  const apiResource = `${options.issuer}${API_PATH}`

  const configuration: Configuration = {
    adapter: (model) => options.store.adapterFor(model),
    // One account: the test seller, whose login the interaction pages check.
    findAccount: async (_ctx, sub) =>
      sub === SELLER_ACCOUNT_ID
        ? { accountId: sub, claims: async () => ({ sub, ...options.sellerClaims }) }
        : undefined,
    // The seller claims go in the ID token itself, as OpenActive asks, not only in userinfo.
    conformIdTokenClaims: false,
    jwks: { keys: [options.signingJwk] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    scopes: SCOPES,
    claims: {
      openid: ['sub'],
      'openactive-identity': IDENTITY_CLAIMS,
      [CLIENT_ID_CLAIM]: null,
    },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    // A booking partner registers for client credentials only; with oidc-provider's default
    // `response_types: ['code']` such a registration would need redirect_uris.
    clientDefaults: {
      grant_types: ['client_credentials'],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
    },
    enabledJWA: { idTokenSigningAlgValues: ['RS256'] },
    routes: { ...PROVIDER_ROUTES },
    ttl: {
      AccessToken: ACCESS_TOKEN_TTL,
      ClientCredentials: ACCESS_TOKEN_TTL,
      // The seller's login: ten minutes to sign in, a day's session, a fortnight's consent.
      Interaction: 600,
      Session: 24 * 3600,
      IdToken: 3600,
      Grant: 14 * 24 * 3600,
      RefreshToken: 14 * 24 * 3600,
      AuthorizationCode: 60,
    },
    // Booking partners call from servers; no browser origin is ever entitled to CORS.
    clientBasedCORS: () => false,
    extraTokenClaims: async (_ctx, token) =>
      token.clientId === undefined ? undefined : { [CLIENT_ID_CLAIM]: token.clientId },
    // The default error page is HTML that loads a web font; JSON keeps errors readable in tests.
    renderError: async (ctx, out) => {
      ctx.type = 'json'
      ctx.body = out
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      registration: {
        enabled: true,
        initialAccessToken: options.initialAccessToken,
        secretFactory: async () => generateClientSecret(),
      },
      // RFC 7592: the checker deletes the client it registered when the run ends.
      registrationManagement: { enabled: true, rotateRegistrationAccessToken: false },
      resourceIndicators: {
        enabled: true,
        // Booking partners send no `resource` parameter (the Test Suite's Broker does not), so
        // every token request defaults to the Open Booking API; that is what makes the access
        // token a JWT for `openbooking` rather than an opaque token for userinfo.
        defaultResource: async () => apiResource,
        getResourceServerInfo: async (ctx, indicator) => {
          if (indicator !== apiResource) throw new errors.InvalidTarget()
          // Booking on a seller's behalf needs the seller's authorization, never client
          // credentials, even for a client also registered for the authorization code flow.
          const params = ctx.oidc?.params ?? {}
          const asked = String(params.scope ?? '').split(' ')
          if (params.grant_type === 'client_credentials' && asked.includes(BOOKING_SCOPE)) {
            throw new errors.InvalidScope('requires the seller’s authorization', BOOKING_SCOPE)
          }
          return {
            scope: API_SCOPES,
            audience: API_AUDIENCE,
            accessTokenFormat: 'jwt',
            accessTokenTTL: ACCESS_TOKEN_TTL,
            jwt: { sign: { alg: 'RS256' } },
          }
        },
        useGrantedResource: async () => true,
      },
    },
  }

  const provider = new Provider(options.issuer, configuration)
  // oidc-provider answers 500 with no log of its own; this is where a bug in it or in us shows.
  provider.on('server_error', (ctx, error) => {
    console.error(`reference server: ${ctx.method} ${ctx.path} failed:`, error)
  })
  return provider
}

let loading: Promise<typeof import('oidc-provider')> | undefined

// oidc-provider warns, on import, that Node 20 is unsupported. It works on 20 (see the toolchain
// notes) and the warning would open every test log, so that one line is dropped; every other
// warning still prints. Importing once means the console is patched once, even when servers
// start in parallel.
function loadOidcProvider(): Promise<typeof import('oidc-provider')> {
  loading ??= (async () => {
    const original = console.warn
    console.warn = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('Unsupported runtime')) return
      original.apply(console, args)
    }
    try {
      return await import('oidc-provider')
    } finally {
      console.warn = original
    }
  })()
  return loading
}
