import type { JWK } from 'jose'
import type { KeySet } from './jwks.js'
import { type JsonObject, listed, shown } from './response.js'

/** Algorithms a booking partner can verify with a public key. */
const KEY_TYPE_OF_ALG: Record<string, string> = {
  RS256: 'RSA',
  RS384: 'RSA',
  RS512: 'RSA',
  PS256: 'RSA',
  PS384: 'RSA',
  PS512: 'RSA',
  ES256: 'EC',
  ES384: 'EC',
  ES512: 'EC',
  EdDSA: 'OKP',
  Ed25519: 'OKP',
}

const MAX_CANDIDATES = 10

/** JWK members that hold private or symmetric key material (RFC 7518 §6). */
export const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const

/** The key without its private members: what a verifier should import. */
export function publicMembers(key: JsonObject): JsonObject {
  const isPrivate = (name: string) => (PRIVATE_MEMBERS as readonly string[]).includes(name)
  return Object.fromEntries(Object.entries(key).filter(([name]) => !isPrivate(name)))
}

export type Verification =
  | { verified: true; kid?: string; candidates: number }
  | { verified: false; reason: string; candidates: number }

/** Why an `alg` cannot be accepted for a token a partner verifies, or undefined if it can. */
export function algProblem(alg: unknown): string | undefined {
  if (typeof alg !== 'string') return `the header has no alg (${shown(alg)})`
  if (alg.toLowerCase() === 'none') return 'alg is "none": the token is not signed at all'
  if (/^HS/i.test(alg)) {
    return `alg is ${alg}, a shared-secret (HMAC) algorithm: partners cannot verify it with the JWKS, and anyone holding the secret can mint tokens`
  }
  if (!KEY_TYPE_OF_ALG[alg]) return `alg ${JSON.stringify(alg)} is not an asymmetric JWS algorithm`
  return undefined
}

/**
 * The JWKS keys a token could have been signed with: matching `kid` when the token names one,
 * the algorithm's key type, `use` absent or "sig", and `alg` absent or equal.
 */
export function candidateKeys(keys: JsonObject[], alg: string, kid: unknown): JsonObject[] {
  return keys.filter(
    (key) =>
      key.kty === KEY_TYPE_OF_ALG[alg] &&
      (key.use === undefined || key.use === 'sig') &&
      (key.alg === undefined || key.alg === alg) &&
      (typeof kid !== 'string' || key.kid === kid),
  )
}

/** Why a JWK cannot be a public verification key, or undefined if its members are there. */
export function publicKeyProblem(key: JsonObject): string | undefined {
  const name = typeof key.kid === 'string' ? `JWK ${key.kid}` : 'A JWK without kid'
  const members: Record<string, string[]> = {
    RSA: ['n', 'e'],
    EC: ['crv', 'x', 'y'],
    OKP: ['crv', 'x'],
  }
  const required = members[String(key.kty)] ?? []
  const missing = required.filter((member) => typeof key[member] !== 'string')
  if (missing.length === 0) return undefined
  const x5c =
    Array.isArray(key.x5c) || typeof key.x5c === 'string'
      ? ' (it carries only x5c; the key members must be present too, RFC 7517 §4.7)'
      : ''
  return `${name} is not a valid ${key.kty} public JWK: missing required ${missing.join('/')}${x5c}`
}

/**
 * Verifies a compact JWS against the JWKS, trying each candidate key in turn (a token without
 * `kid` may match several). Never throws: every failure comes back as a reason.
 */
export async function verifyWithKeySet(
  token: string,
  header: JsonObject,
  jwks: KeySet,
): Promise<Verification> {
  const alg = String(header.alg)
  const candidates = candidateKeys(jwks.keys, alg, header.kid)
  if (candidates.length === 0) {
    const kids = listed(jwks.keys.map((key) => shown(key.kid ?? '(no kid)'))) || 'none'
    const wanted = typeof header.kid === 'string' ? `kid ${JSON.stringify(header.kid)} and ` : ''
    return {
      verified: false,
      candidates: 0,
      reason: `no key in the JWKS matches ${wanted}alg ${alg} (keys: ${kids})`,
    }
  }

  const reasons: string[] = []
  // Enough for any real key rotation; a token without kid against a huge JWKS stays bounded.
  for (const key of candidates.slice(0, MAX_CANDIDATES)) {
    const problem = publicKeyProblem(key)
    if (problem) {
      reasons.push(problem)
      continue
    }
    const name = typeof key.kid === 'string' ? `key ${key.kid}` : 'a key without kid'
    try {
      const { compactVerify, importJWK } = await loadJose()
      const publicKey = await importJWK(publicMembers(key) as JWK, alg)
      await compactVerify(token, publicKey, { algorithms: [alg] })
      return {
        verified: true,
        kid: typeof key.kid === 'string' ? key.kid : undefined,
        candidates: candidates.length,
      }
    } catch (error) {
      reasons.push(`${name}: ${joseReason(error)}`)
    }
  }
  return { verified: false, candidates: candidates.length, reason: listed(reasons, '; ') }
}

function joseReason(error: unknown): string {
  const code = (error as { code?: string }).code
  if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') return 'the signature does not verify'
  return error instanceof Error ? error.message : String(error)
}

/**
 * jose, loaded when a key is first imported: no request waits for it, so the action's first
 * request goes out sooner.
 */
export function loadJose(): Promise<typeof import('jose')> {
  jose ??= import('jose')
  return jose
}
let jose: Promise<typeof import('jose')> | undefined
