// Helpers for faults that rewrite the access token oidc-provider issued.
import { randomBytes } from 'node:crypto'

import { base64url, CompactSign } from 'jose'
import type { CryptoKey } from 'jose'
import type { KoaContextWithOIDC } from 'oidc-provider'

import type { FaultEnvironment } from './types.js'
import { jsonBody } from './types.js'

/** A decoded JWT, free to change. */
export interface Jwt {
  header: Record<string, unknown>
  payload: Record<string, unknown>
}

/** Turns a changed JWT back into a compact token. */
export type Signer = (jwt: Jwt, env: FaultEnvironment) => Promise<string>

/** Signs RS256 with the server's real private key, as oidc-provider does. */
export const signWithServerKey: Signer = (jwt, env) =>
  sign({ ...jwt.header, alg: 'RS256' }, jwt.payload, env.signingKey.privateKey)

/** Signs HS256 with a fresh random secret that nobody else knows. */
export const signWithRandomSecret: Signer = (jwt) =>
  sign({ ...jwt.header, alg: 'HS256' }, jwt.payload, randomBytes(32))

/** An unsecured JWT (RFC 7519 §6): `alg` none and an empty signature. */
export const leaveUnsigned: Signer = async (jwt) =>
  `${encodePart({ ...jwt.header, alg: 'none' })}.${encodePart(jwt.payload)}.`

/** The body of a successful token response; undefined when the token endpoint refused. */
export function tokenResponse(ctx: KoaContextWithOIDC): Record<string, unknown> | undefined {
  if (ctx.status !== 200) return undefined
  const body = jsonBody(ctx)
  return typeof body.access_token === 'string' ? body : undefined
}

/**
 * Decodes the access token in a successful token response, lets `change` edit it, and puts it
 * back signed by `signer`; the client and the Orders feed then both see the changed token. Does
 * nothing when there is no token, or when it is not a JWT (another fault made it opaque).
 */
export async function rewriteAccessToken(
  ctx: KoaContextWithOIDC,
  env: FaultEnvironment,
  change: (jwt: Jwt, env: FaultEnvironment) => void,
  signer: Signer = signWithServerKey,
): Promise<void> {
  const body = tokenResponse(ctx)
  const jwt = body && decode(body.access_token as string)
  if (!body || !jwt) return

  change(jwt, env)
  body.access_token = await signer(jwt, env)
}

export function decode(token: string): Jwt | undefined {
  const [header, payload] = token.split('.')
  if (payload === undefined) return undefined
  return { header: decodePart(header), payload: decodePart(payload) }
}

function decodePart(part: string): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(base64url.decode(part))) as Record<string, unknown>
}

function encodePart(part: Record<string, unknown>): string {
  return base64url.encode(JSON.stringify(part))
}

function sign(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: CryptoKey | Uint8Array,
): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(payload))
  return new CompactSign(bytes)
    .setProtectedHeader({ ...header, alg: header.alg as string })
    .sign(key)
}
