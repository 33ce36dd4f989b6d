import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export type Handler = (req: IncomingMessage, res: ServerResponse, base: string) => void

export interface HostileServer {
  base: string
  /** Requests seen, as "METHOD path". */
  seen: string[]
  close(): Promise<void>
}

/**
 * A loopback HTTP(S) server that misbehaves as the handler says. Every socket is destroyed on
 * close, so a server that never answers does not keep the test process alive.
 */
export async function hostileServer(
  handler: Handler,
  options: { host?: string; tls?: { key: string; cert: string } } = {},
): Promise<HostileServer> {
  const host = options.host ?? '127.0.0.1'
  const seen: string[] = []
  const sockets = new Set<Socket>()
  let base = ''
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    seen.push(`${req.method} ${req.url}`)
    handler(req, res, base)
  }
  const server: Server = options.tls
    ? createHttpsServer(options.tls, listener)
    : createServer(listener)
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, host, resolve))
  base = `${options.tls ? 'https' : 'http'}://${host}:${(server.address() as AddressInfo).port}`
  return {
    base,
    seen,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** A discovery document whose endpoints are all under `base`. */
export function discoveryDocument(base: string, overrides: Record<string, unknown> = {}) {
  return {
    issuer: base,
    authorization_endpoint: `${base}/authorize`,
    token_endpoint: `${base}/token`,
    jwks_uri: `${base}/jwks`,
    registration_endpoint: `${base}/register`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    ...overrides,
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}

/** Whether the openssl command is here, to make a certificate authority for a TLS test. */
export const HAS_OPENSSL = existsSync('/usr/bin/openssl')

/**
 * A throwaway certificate authority and a server certificate for 127.0.0.1 signed by it,
 * made with openssl in a temporary folder.
 */
export function makeCertificates(): { ca: string; key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'test-ca-'))
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' })
  try {
    run(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '1',
      '-subj',
      '/CN=Test CA for openactive-auth-check',
    )
    run(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
      '-subj',
      '/CN=127.0.0.1',
    )
    writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n')
    run(
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.pem',
      '-days',
      '1',
      '-extfile',
      'san.ext',
    )
    const read = (name: string) => readFileSync(join(dir, name), 'utf8')
    return { ca: read('ca.pem'), key: read('server.key'), cert: read('server.pem') }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
