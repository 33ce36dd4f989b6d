import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose'
import type { CryptoKey, JSONWebKeySet, JWK } from 'jose'

/** The RS256 key pair that signs the reference server's access tokens. */
export interface SigningKey {
  kid: string
  /** Private JWK with `kid`, `alg` and `use`, in the form oidc-provider's `jwks` option takes. */
  privateJwk: JWK
  /** Verifies access tokens at the Orders feed. */
  publicKey: CryptoKey
}

/**
 * Generates a fresh RS256 signing key; its `kid` is the key's RFC 7638 thumbprint.
 *
 * @remarks
 * A new key each start means a token from an earlier run never verifies, which is what a seller's
 * rotated key would do too.
 */
export async function generateSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true })
  const jwk = await exportJWK(privateKey)
  const kid = await calculateJwkThumbprint(jwk)

  return { kid, privateJwk: { ...jwk, kid, alg: 'RS256', use: 'sig' }, publicKey }
}

/**
 * Returns a function that makes, once, a JWKS holding an unrelated RSA public key under `kid`.
 *
 * @remarks
 * Generating an RSA key takes tens of milliseconds, so it happens on first use rather than on
 * every start of a server that never publishes it.
 */
export function lazyForeignJwks(kid: string): () => Promise<JSONWebKeySet> {
  let jwks: Promise<JSONWebKeySet> | undefined

  return () => {
    jwks ??= generateKeyPair('RS256', { extractable: true }).then(async ({ publicKey }) => ({
      keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }],
    }))
    return jwks
  }
}
