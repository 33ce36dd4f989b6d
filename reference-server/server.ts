import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { RequestListener, Server } from 'node:http'
import type { AddressInfo } from 'node:net'

import { writeAnswer } from './answer.js'
import type { Fault, FaultEnvironment } from './faults.js'
import {
  AUTHORIZATION_FAULT_NAMES,
  faultMiddleware,
  faultPages,
  FAULTS,
  isFault,
  ordersFeedFaults,
  remembersConsent,
} from './faults.js'
import { INTERACTION_PATH, interactionHandler } from './interactions.js'
import { generateRsaPublicJwk, generateSigningKey, once } from './keys.js'
import type { SigningKey } from './keys.js'
import { MemoryStore } from './memory-store.js'
import { ORDERS_FEED_PATH, ORDERS_FEED_SCOPE, sellerClaims, type TestSeller } from './openactive.js'
import { ordersFeedHandler } from './orders-feed.js'
import { createProvider, generateClientId, generateClientSecret } from './provider.js'

export type { Fault, SigningKey }
export type { AuthorizationFault } from './faults.js'
export type { TestSeller }
export { AUTHORIZATION_FAULT_NAMES, FAULTS, generateSigningKey }

/** How to start a reference server. */
export interface ReferenceServerOptions {
  /** Default 0: an ephemeral port. */
  port?: number
  /** Default `127.0.0.1`. The issuer URL uses this host as given. */
  host?: string
  /** Default: a random value generated at start. */
  initialAccessToken?: string
  /** Ways to break the server on purpose; see {@link FAULTS}. */
  faults?: readonly Fault[]
  /**
   * Default: a new key. Generating an RSA key takes a few hundred milliseconds, so tests that
   * start many servers may share one from {@link generateSigningKey}.
   */
  signingKey?: SigningKey
  /** The test seller's password. Default: a random value generated at start. */
  sellerPassword?: string
  /**
   * Default 0. Every answer waits this long first: a stand-in for a network round trip, for
   * the benchmark.
   */
  latencyMs?: number
}

/** A running reference server. */
export interface ReferenceServer {
  /** E.g. `http://127.0.0.1:PORT`, with no trailing slash. */
  issuer: string
  initialAccessToken: string
  /** `${issuer}/api/openbooking/orders-rpde` */
  ordersFeedUrl: string
  /** The test seller whose login the authorization code flow needs, and its `@id`. */
  seller: TestSeller
  /**
   * Registers a client_credentials client directly (not via HTTP), for tests that pass
   * client-id/secret. Its secret has the same awkward characters as a registered one.
   */
  createClient(): Promise<{ clientId: string; clientSecret: string }>
  /** Stops the server: every socket is closed and no handle is left open. Safe to call twice. */
  close(): Promise<void>
}

/**
 * Starts an OpenID provider configured as an OpenActive booking system, with an Orders feed, on
 * plain HTTP.
 *
 * @remarks
 * Everything lives in memory and is lost on close. The cookie keys, and unless given the signing
 * key, are new on every start. Besides the OpenID discovery document, oidc-provider serves the same
 * metadata as RFC 8414's at `/.well-known/oauth-authorization-server`.
 *
 * @example
 * ```ts
 * const server = await startReferenceServer({ faults: ['issuer-mismatch'] })
 * // … point the checker at server.issuer …
 * await server.close()
 * ```
 */
export async function startReferenceServer(
  options: ReferenceServerOptions = {},
): Promise<ReferenceServer> {
  const host = options.host ?? '127.0.0.1'
  const initialAccessToken = options.initialAccessToken ?? randomBytes(24).toString('base64url')
  // oidc-provider treats an empty initial access token as none and would open registration.
  if (initialAccessToken === '') throw new TypeError('initialAccessToken must not be empty')
  const faults = new Set(options.faults ?? [])
  for (const fault of faults) {
    if (!isFault(fault)) throw new TypeError(`unknown fault: ${String(fault)}`)
  }

  // oidc-provider needs its issuer, and so the port, at construction: listen first, and answer
  // 503 in the moment before the provider is ready.
  let listener: RequestListener | undefined
  const answer: RequestListener = (req, res) => {
    if (listener) listener(req, res)
    else res.writeHead(503).end()
  }
  const latencyMs = options.latencyMs ?? 0
  const server = createServer(
    latencyMs > 0 ? (req, res) => setTimeout(answer, latencyMs, req, res) : answer,
  )
  await listen(server, options.port ?? 0, host)
  const close = closeOnce(server)

  try {
    const issuer = `http://${urlHost(host)}:${(server.address() as AddressInfo).port}`
    const ordersFeedUrl = `${issuer}${ORDERS_FEED_PATH}`
    const signingKey = options.signingKey ?? (await generateSigningKey())
    const store = new MemoryStore()
    const seller: TestSeller = {
      username: 'reference-seller@example.com',
      password: options.sellerPassword ?? randomBytes(18).toString('base64url'),
      id: `${issuer}/api/identifiers/sellers/1`,
    }

    const provider = await createProvider({
      issuer,
      initialAccessToken,
      signingJwk: signingKey.privateJwk,
      store,
      sellerClaims: sellerClaims(issuer, seller.id),
    })
    const env = faultEnvironment({ issuer, initialAccessToken, signingKey, store })
    provider.use(faultMiddleware(faults, env))

    const provide = provider.callback()
    const ordersFeed = ordersFeedHandler({
      issuer,
      ordersFeedUrl,
      publicKey: signingKey.publicKey,
      faults: ordersFeedFaults(faults, env),
    })
    const pages = faultPages(faults)
    const interactions = interactionHandler({
      provider,
      seller,
      rememberConsent: remembersConsent(faults),
    })
    listener = (req, res) => {
      const path = new URL(req.url ?? '/', issuer).pathname
      const page = pages.get(path)
      if (page) {
        writeAnswer(res, page, req.method)
        return
      }
      const handle = path.startsWith(INTERACTION_PATH)
        ? interactions
        : path === ORDERS_FEED_PATH
          ? ordersFeed
          : provide
      handle(req, res).catch((error: unknown) => {
        console.error(`reference server: ${req.method} ${path} failed:`, error)
        if (!res.headersSent) res.writeHead(500)
        res.end()
      })
    }

    const createClient = async (): Promise<{ clientId: string; clientSecret: string }> => {
      const metadata = clientCredentialsClient(generateClientId(), generateClientSecret())
      // The same validation registration applies, so a direct client is no laxer.
      await provider.Client.validate(metadata)
      await store.adapterFor('Client').upsert(metadata.client_id, metadata)
      return { clientId: metadata.client_id, clientSecret: metadata.client_secret }
    }

    return { issuer, initialAccessToken, ordersFeedUrl, seller, createClient, close }
  } catch (error) {
    await close()
    throw error
  }
}

function faultEnvironment(
  server: Pick<FaultEnvironment, 'issuer' | 'initialAccessToken' | 'signingKey'> & {
    store: MemoryStore
  },
): FaultEnvironment {
  const { store, ...known } = server
  const clients = store.adapterFor('Client')

  return {
    ...known,
    foreignPublicJwk: once(() => generateRsaPublicJwk(2048)),
    weakPublicJwk: once(() => generateRsaPublicJwk(1024)),
    clientSecret: async (clientId) => {
      const client = await clients.find(clientId)
      return typeof client?.client_secret === 'string' ? client.client_secret : undefined
    },
    opaqueTokens: new Map(),
    adapter: (model) => store.adapterFor(model),
  }
}

// A booking partner's client as dynamic registration would store it.
function clientCredentialsClient(clientId: string, clientSecret: string) {
  return {
    client_id: clientId,
    client_secret: clientSecret,
    client_id_issued_at: Math.floor(Date.now() / 1000),
    client_secret_expires_at: 0,
    client_name: 'Reference server client',
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    scope: ORDERS_FEED_SCOPE,
    token_endpoint_auth_method: 'client_secret_basic',
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
}

// Keep-alive sockets (fetch keeps them) would hold `server.close()` open until they time out, so
// they are cut; the result is shared so a second close does not fail on a stopped server.
function closeOnce(server: Server): () => Promise<void> {
  let closing: Promise<void> | undefined

  return () => {
    closing ??= new Promise((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()))
      server.closeAllConnections()
    })
    return closing
  }
}

// An IPv6 literal needs brackets in a URL.
function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host
}
