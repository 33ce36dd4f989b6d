// oidc-provider ships no types and @types/oidc-provider is not a dependency. This declares only
// the slice the reference server uses, so a misspelt option still fails `tsc`.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'
  import type { JWK } from 'jose'

  /** The part of oidc-provider's Koa context that our middlewares read and rewrite. */
  export interface KoaContextWithOIDC {
    method: string
    path: string
    status: number
    body: unknown
    type: string
    querystring: string
    /** Koa keeps the Node request in three places; a fault that replaces it sets all three. */
    req: IncomingMessage
    request: { req: IncomingMessage }
    response: { req: IncomingMessage }
    is(...types: string[]): string | false | null
    get(field: string): string
    set(field: string, value: string): void
    remove(field: string): void
    /** Set once oidc-provider has matched an endpoint; absent before `next()` and on a 404. */
    oidc?: { route: string; params?: Record<string, unknown> }
  }

  export type Middleware = (ctx: KoaContextWithOIDC, next: () => Promise<void>) => Promise<void>

  /** A stored artefact (client, token, session…), as oidc-provider hands it to an adapter. */
  export interface AdapterPayload {
    [key: string]: unknown
    uid?: string
    userCode?: string
    grantId?: string
    consumed?: number
  }

  /** oidc-provider's persistence interface; one instance serves one model (e.g. `Client`). */
  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void>
    find(id: string): Promise<AdapterPayload | undefined>
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>
    findByUid(uid: string): Promise<AdapterPayload | undefined>
    consume(id: string): Promise<void>
    destroy(id: string): Promise<void>
    revokeByGrantId(grantId: string): Promise<void>
  }

  /** Client metadata as registered (RFC 7591 names). */
  export interface ClientMetadata {
    [key: string]: unknown
    client_id: string
    client_secret?: string
  }

  /** The token fields our configuration callbacks read. */
  export interface IssuedToken {
    kind: string
    clientId?: string
  }

  export interface ResourceServerInfo {
    scope: string
    audience?: string
    accessTokenTTL?: number
    accessTokenFormat?: 'opaque' | 'jwt'
    jwt?: { sign?: { alg: string; kid?: string } }
  }

  /** An account as findAccount returns it: its id and its claims for a scope. */
  export interface Account {
    accountId: string
    claims(use: string, scope: string): Promise<Record<string, unknown>>
  }

  /** The slice of an interaction (login or consent) that the reference server's pages read. */
  export interface Interaction {
    uid: string
    prompt: { name: string; details: Record<string, unknown> }
    params: Record<string, unknown>
    session?: { accountId: string }
    grantId?: string
  }

  /** A seller's consent to a client: the scopes and claims it granted (oidc-provider `Grant`). */
  export interface Grant {
    getOIDCScope(): string
    getOIDCClaims(): string[]
    getResourceScope(resource: string): string
    addOIDCScope(scope: string): void
    addOIDCClaims(claims: string[]): void
    addResourceScope(resource: string, scope: string): void
    save(): Promise<string>
  }

  export interface Configuration {
    adapter?: (model: string) => Adapter
    findAccount?: (ctx: KoaContextWithOIDC, sub: string) => Promise<Account | undefined>
    conformIdTokenClaims?: boolean
    jwks?: { keys: JWK[] }
    cookies?: { keys: string[] }
    scopes?: string[]
    claims?: Record<string, string[] | null>
    clientAuthMethods?: string[]
    clientDefaults?: Record<string, unknown>
    clientBasedCORS?: (ctx: KoaContextWithOIDC, origin: string, client: unknown) => boolean
    enabledJWA?: { idTokenSigningAlgValues?: string[] }
    routes?: Record<string, string>
    ttl?: Record<string, number>
    extraTokenClaims?: (
      ctx: KoaContextWithOIDC,
      token: IssuedToken,
    ) => Promise<Record<string, unknown> | undefined>
    renderError?: (
      ctx: KoaContextWithOIDC,
      out: Record<string, string>,
      error: Error,
    ) => Promise<void>
    features?: {
      devInteractions?: { enabled: boolean }
      clientCredentials?: { enabled: boolean }
      introspection?: { enabled: boolean }
      revocation?: { enabled: boolean }
      registration?: {
        enabled: boolean
        initialAccessToken?: string | boolean
        idFactory?: (ctx: KoaContextWithOIDC) => string
        secretFactory?: (ctx: KoaContextWithOIDC) => Promise<string>
        issueRegistrationAccessToken?: boolean
      }
      registrationManagement?: { enabled: boolean; rotateRegistrationAccessToken?: boolean }
      resourceIndicators?: {
        enabled: boolean
        defaultResource?: (
          ctx: KoaContextWithOIDC,
          client: unknown,
          oneOf?: string[],
        ) => Promise<string | string[] | undefined>
        getResourceServerInfo?: (
          ctx: KoaContextWithOIDC,
          resourceIndicator: string,
          client: unknown,
        ) => Promise<ResourceServerInfo>
        useGrantedResource?: (ctx: KoaContextWithOIDC, model: unknown) => Promise<boolean>
      }
    }
  }

  export class Provider {
    constructor(issuer: string, configuration?: Configuration)
    readonly issuer: string
    readonly Client: { validate(metadata: ClientMetadata): Promise<void> }
    use(middleware: Middleware): this
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>
    readonly Grant: {
      new (properties: { accountId: string; clientId: string }): Grant
      find(id: string): Promise<Grant | undefined>
    }
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>
    on(event: 'server_error', listener: (ctx: KoaContextWithOIDC, error: Error) => void): this
  }

  export const errors: {
    InvalidTarget: new (description?: string) => Error
    InvalidScope: new (description: string, scope: string) => Error
  }

  export default Provider
}
