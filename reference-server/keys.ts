import { generateKeyPair as generateNodeKeyPair } from 'node:crypto'
import { promisify } from 'node:util'

import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose'
import type { CryptoKey, JWK } from 'jose'

/** The RS256 key pair that signs the reference server's access tokens. */
export interface SigningKey {
  kid: string
  /** Private JWK with `kid`, `alg` and `use`, in the form oidc-provider's `jwks` option takes. */
  privateJwk: JWK
  /** Re-signs access tokens that a fault rewrites. */
  privateKey: CryptoKey
  /** Verifies access tokens at the Orders feed. */
  publicKey: CryptoKey
}

/**
 * Generates a fresh RS256 signing key; its `kid` is the key's RFC 7638 thumbprint.
 *
 * @remarks
 * A new key each start means a token from an earlier run never verifies, which is what a seller's
 * rotated key would do too. Generating it takes a few hundred milliseconds.
 */
export async function generateSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true })
  const jwk = await exportJWK(privateKey)
  const kid = await calculateJwkThumbprint(jwk)

  return { kid, privateJwk: { ...jwk, kid, alg: 'RS256', use: 'sig' }, publicKey, privateKey }
}

const generateRsaKeyPair = promisify(generateNodeKeyPair)

/**
 * Generates an RSA public key of `modulusLength` bits as a bare JWK (`kty`, `n`, `e`), unrelated to
 * any key the server signs with.
 */
export async function generateRsaPublicJwk(modulusLength: number): Promise<JWK> {
  const { publicKey } = await generateRsaKeyPair('rsa', { modulusLength })
  return publicKey.export({ format: 'jwk' }) as JWK
}

/**
 * Returns a function that calls `make` on first use and hands out its result ever after.
 *
 * @remarks
 * For keys only some faults publish: an RSA key takes long enough to generate that a server which
 * never publishes it should not pay for it at start.
 */
export function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined
  return () => (made ??= make())
}
