// Helpers for faults that change a request before oidc-provider reads it.
import { IncomingMessage } from 'node:http'
import type { IncomingHttpHeaders } from 'node:http'

import type { KoaContextWithOIDC } from 'oidc-provider'

const FORM = 'application/x-www-form-urlencoded'
// oidc-provider refuses larger bodies too.
const BODY_LIMIT = 56 * 1024

/**
 * Hands oidc-provider a request with another method, headers or body than the one received.
 *
 * @remarks
 * oidc-provider reads the body from the Node request stream, which can be read only once, so the
 * request is replaced by a new one on the same socket carrying `body`.
 */
export function replaceRequest(
  ctx: KoaContextWithOIDC,
  change: { method?: string; headers?: IncomingHttpHeaders; body: string },
): void {
  const original = ctx.req
  const body = Buffer.from(change.body)
  const replacement = new IncomingMessage(original.socket)

  replacement.method = change.method ?? original.method
  replacement.url = original.url
  replacement.httpVersion = original.httpVersion
  replacement.httpVersionMajor = original.httpVersionMajor
  replacement.httpVersionMinor = original.httpVersionMinor
  replacement.headers = {
    ...original.headers,
    ...change.headers,
    'content-length': String(body.length),
  }
  // An incomplete message destroys its socket when the stream ends, as for an aborted upload.
  replacement.complete = true
  replacement.push(body)
  replacement.push(null)

  ctx.req = replacement
  ctx.request.req = replacement
  ctx.response.req = replacement
}

/**
 * Reads a form-encoded POST body, lets `change` edit it, and hands oidc-provider the result.
 * Does nothing to a request that has no form body.
 */
export async function rewriteForm(
  ctx: KoaContextWithOIDC,
  change: (form: URLSearchParams) => void | Promise<void>,
): Promise<void> {
  if (ctx.method !== 'POST' || !ctx.is(FORM)) return

  const form = new URLSearchParams(await readBody(ctx.req))
  await change(form)
  replaceRequest(ctx, { body: form.toString() })
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  let length = 0
  for await (const chunk of req) {
    length += (chunk as Buffer).length
    if (length > BODY_LIMIT) throw new RangeError('request body too large')
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** The two halves of an HTTP Basic header, exactly as sent: not form-urldecoded. */
export function basicCredentials(
  authorization: string | undefined,
): { id: string; secret: string } | undefined {
  const encoded = /^Basic +([A-Za-z0-9+/]+=*)$/i.exec(authorization ?? '')?.[1]
  if (encoded === undefined) return undefined

  const decoded = Buffer.from(encoded, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon === -1) return undefined
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) }
}

/** Undoes RFC 6749 §2.3.1's form-urlencoding, leaving a value that is not encoded as it is. */
export function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replaceAll('+', ' '))
  } catch {
    return value
  }
}

/** An HTTP Basic header for client credentials, encoded as RFC 6749 §2.3.1 asks. */
export function basicAuthorization(id: string, secret: string): string {
  const encode = (value: string): string => new URLSearchParams({ v: value }).toString().slice(2)
  return `Basic ${Buffer.from(`${encode(id)}:${encode(secret)}`).toString('base64')}`
}

/** Answers like oidc-provider does to a client that fails to authenticate. */
export function refuseClient(ctx: KoaContextWithOIDC, issuer: string): void {
  ctx.status = 401
  ctx.set('Cache-Control', 'no-store')
  ctx.set('WWW-Authenticate', `Basic realm="${issuer}", error="invalid_client"`)
  ctx.body = { error: 'invalid_client', error_description: 'client authentication failed' }
}
