import type { CheckDefinition } from '../catalogue.js'

export const JWKS_CHECKS = {
  'jwks.reachable': {
    stage: 'jwks',
    level: 'must',
    title: 'GET jwks_uri answers 200.',
    reference: 'RFC 8414 §2 (jwks_uri); OpenID Connect Core 1.0 §10.1.1',
    fix: 'Serve the JSON Web Key Set at the advertised jwks_uri, without authentication.',
  },
  'jwks.key-set': {
    stage: 'jwks',
    level: 'must',
    title: 'The JWKS is a JSON object with a "keys" array.',
    reference: 'RFC 7517 §5',
    fix: 'Return {"keys": [...]} with the public signing keys.',
  },
  'jwks.no-private-keys': {
    stage: 'jwks',
    level: 'must',
    title: 'No key carries private or symmetric material (d, p, q, dp, dq, qi, oth, k).',
    reference: 'RFC 7517 §9.3; RFC 7518 §6.2.2, §6.3.2, §6.4',
    fix: 'Publish only the public members of each key, and no symmetric (oct) keys. Rotate any key that was exposed.',
  },
  'jwks.signing-keys': {
    stage: 'jwks',
    level: 'must',
    title: 'The JWKS has at least one public key for verifying signatures (use "sig" or absent).',
    reference: 'RFC 7517 §4.2; OpenID Connect Core 1.0 §10.1.1',
    fix: 'Publish the public key your tokens are signed with, with "use": "sig" or no use.',
  },
  'jwks.key-ids': {
    stage: 'jwks',
    level: 'should',
    title: 'Every signing key has a kid, and no two share one.',
    reference: 'RFC 7517 §4.5; OpenID Connect Core 1.0 §10.1',
    fix: 'Give each signing key its own kid (a thumbprint, RFC 7638, is a good choice).',
  },
  'jwks.key-strength': {
    stage: 'jwks',
    level: 'must',
    title: 'RSA keys are at least 2048 bits.',
    reference: 'RFC 7518 §3.3, §3.5',
    fix: 'Replace RSA keys shorter than 2048 bits.',
  },
  'jwks.keys-importable': {
    stage: 'jwks',
    level: 'should',
    title: 'Every key is a valid public JWK that a JOSE library can import.',
    reference: 'RFC 7517 §4; RFC 7518 §6',
    fix: 'Give each key the members its kty requires (RSA: n, e; EC: crv, x, y; OKP: crv, x).',
  },
} as const satisfies Record<string, CheckDefinition>
