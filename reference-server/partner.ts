// A booking partner's side of each exchange with a reference server, by plain fetch, so that tests
// (and anyone trying the server from a script) read as the calls a partner makes.
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose'
import type { JWK } from 'jose'

import { ORDERS_FEED_SCOPE, ROUTES } from './openactive.js'
import type { ReferenceServer } from './server.js'

/** A JSON object as received. */
export type Json = Record<string, unknown>

/** A client's id and secret. */
export interface Credentials {
  clientId: string
  clientSecret: string
}

/** What a partner sees of an answer: its status, Content-Type and body (parsed if JSON). */
export interface Seen {
  status: number
  type: string | null
  body: unknown
}

/** The client metadata a booking partner registers to read the Orders feed, and no more. */
export const REGISTRATION = {
  client_name: 'Reference server partner',
  grant_types: ['client_credentials'],
  response_types: [],
  scope: ORDERS_FEED_SCOPE,
  token_endpoint_auth_method: 'client_secret_basic',
}

/** The form of a client credentials request for the Orders feed. */
export const ORDERS_FEED_REQUEST: Json = {
  grant_type: 'client_credentials',
  scope: ORDERS_FEED_SCOPE,
}

/** An HTTP Basic header as RFC 6749 §2.3.1 asks: id and secret form-urlencoded, then base64. */
export function basic({ clientId, clientSecret }: Credentials): string {
  const encode = (value: string): string => new URLSearchParams({ v: value }).toString().slice(2)
  return `Basic ${btoa(`${encode(clientId)}:${encode(clientSecret)}`)}`
}

/** The same header without form-urlencoding, as a naive client sends it. */
export function rawBasic({ clientId, clientSecret }: Credentials): string {
  return `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`
}

/** client_secret_post: the credentials in the form. */
export function post({ clientId, clientSecret }: Credentials, form = ORDERS_FEED_REQUEST): Json {
  return { ...form, client_id: clientId, client_secret: clientSecret }
}

/** Reads an answer whole. */
export async function see(answer: Promise<Response>): Promise<Seen> {
  const response = await answer
  const text = await response.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    // Not JSON: the text is what was seen.
  }
  return { status: response.status, type: response.headers.get('content-type'), body }
}

/** An answer's status, then the value of each named header (null when absent). */
export async function statusAndHeaders(
  answer: Promise<Response>,
  ...names: string[]
): Promise<unknown[]> {
  const response = await answer
  return [response.status, ...names.map((name) => response.headers.get(name))]
}

/** The status of each answer. */
export async function statuses(...answers: Promise<Response>[]): Promise<number[]> {
  return (await Promise.all(answers)).map((response) => response.status)
}

/** Whether `token` verifies with one of `keys`, chosen as a partner would (by kid and alg). */
export function verifies(token: string, keys: JWK[]): Promise<boolean> {
  return jwtVerify(token, createLocalJWKSet({ keys })).then(
    () => true,
    () => false,
  )
}

/** A booking partner talking to one reference server. */
export class Partner {
  readonly issuer: string

  constructor(readonly server: ReferenceServer) {
    this.issuer = server.issuer
  }

  get(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.issuer}${path}`, init)
  }

  /** GETs `path` and reads the answer whole. */
  see(path: string, init?: RequestInit): Promise<Seen> {
    return see(this.get(path, init))
  }

  async discovery(): Promise<Json> {
    return (await (await this.get(ROUTES.discovery)).json()) as Json
  }

  async keys(): Promise<JWK[]> {
    return ((await (await this.get(ROUTES.jwks)).json()) as { keys: JWK[] }).keys
  }

  /** Registers with `authorization` (default: the initial access token; null: none). */
  register(authorization: string | null = `Bearer ${this.server.initialAccessToken}`) {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' }
    if (authorization !== null) headers.Authorization = authorization
    const body = JSON.stringify(REGISTRATION)
    return this.get(ROUTES.registration, { method: 'POST', headers, body })
  }

  /** The registration response's body. */
  async registered(): Promise<Json> {
    return (await (await this.register()).json()) as Json
  }

  /** A new client, made without registration. */
  client(): Promise<Credentials> {
    return this.server.createClient()
  }

  /** POSTs a token request with `authorization` (none if undefined) and `form`. */
  token(authorization: string | undefined, form = ORDERS_FEED_REQUEST): Promise<Response> {
    const headers: Record<string, string> = authorization ? { Authorization: authorization } : {}
    const body = new URLSearchParams(form as Record<string, string>)
    return this.get(ROUTES.token, { method: 'POST', headers, body })
  }

  /** A new client's token response body, asked for with an RFC 6749 Basic header. */
  async tokenBody(form?: Json): Promise<Json> {
    return (await (await this.token(basic(await this.client()), form)).json()) as Json
  }

  /** A new client's access token for the Orders feed. */
  async accessToken(): Promise<string> {
    return (await this.tokenBody()).access_token as string
  }

  /** The claims of a new access token, unverified. */
  async claims(): Promise<Json> {
    return decodeJwt(await this.accessToken())
  }

  /** GETs the Orders feed with `token` as bearer token (none if undefined). */
  feed(token?: string, init: RequestInit = {}): Promise<Response> {
    const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {}
    return fetch(this.server.ordersFeedUrl, { headers, ...init })
  }

  async feedStatus(token?: string): Promise<number> {
    return (await this.feed(token)).status
  }
}
