import type { JWK } from 'jose'
import type { Exchange, Finding } from '../model.js'
import { passed, violated } from './catalogue.js'
import { loadJose, PRIVATE_MEMBERS, publicKeyProblem, publicMembers } from './keys.js'
import {
  describeResponse,
  isJsonObject,
  type JsonObject,
  listed,
  parseJson,
  shown,
} from './response.js'

export interface KeySet {
  keys: JsonObject[]
}

const MAX_KEYS = 100

/** Checks the JWKS response; returns the key set when it has a `keys` array. */
export async function checkJwks(
  exchange: Exchange,
): Promise<{ findings: Finding[]; jwks?: KeySet }> {
  if (exchange.status !== 200) {
    const message = `Expected 200 from jwks_uri ${exchange.url}; got ${describeResponse(exchange)}.`
    return { findings: [violated('jwks.reachable', message)] }
  }
  const findings = [passed('jwks.reachable', `${exchange.url} answered 200.`)]

  const document = parseJson(exchange.responseBody)
  if (!isJsonObject(document) || !Array.isArray(document.keys)) {
    const what = document === undefined ? 'is not JSON' : `has no "keys" array (${shown(document)})`
    findings.push(violated('jwks.key-set', `The JWKS ${what}.`))
    return { findings }
  }
  const entries: unknown[] = document.keys
  const objects = entries.filter(isJsonObject)
  const notObjects = entries.length - objects.length
  // A real JWKS holds a handful of keys; checking thousands would only burn time.
  const keys = objects.slice(0, MAX_KEYS)
  const beyond =
    objects.length > MAX_KEYS
      ? ` Only the first ${MAX_KEYS} of ${objects.length} keys are checked.`
      : ''
  findings.push(
    notObjects > 0
      ? violated(
          'jwks.key-set',
          `${notObjects} of the ${entries.length} entries of "keys" are not JSON objects.`,
        )
      : passed(
          'jwks.key-set',
          `The JWKS has ${objects.length} key(s): ${listed(keys.map(keyName)) || 'none'}.${beyond}`,
        ),
  )
  findings.push(
    checkNoPrivateKeys(keys),
    checkSigningKeys(keys),
    checkKeyIds(keys),
    checkKeyStrength(keys),
    await checkImportable(keys),
  )
  return { findings, jwks: { keys } }
}

/** A key as a message names it. */
export function keyName(key: JsonObject): string {
  return typeof key.kid === 'string' ? key.kid : `(${String(key.kty)} key without kid)`
}

function isSigningKey(key: JsonObject): boolean {
  return key.use === undefined || key.use === 'sig'
}

function checkNoPrivateKeys(keys: JsonObject[]): Finding {
  const exposed = keys
    .map((key) => ({ key, members: PRIVATE_MEMBERS.filter((member) => key[member] !== undefined) }))
    .filter(({ members }) => members.length > 0)
  if (exposed.length === 0)
    return passed('jwks.no-private-keys', 'No key carries private or symmetric material.')
  const keysExposed = exposed.map(({ key, members }) => `${keyName(key)} has ${members.join(', ')}`)
  return violated(
    'jwks.no-private-keys',
    `The JWKS publishes secret key material: ${listed(keysExposed, '; ')}. Anyone can sign tokens with it.`,
  )
}

function checkSigningKeys(keys: JsonObject[]): Finding {
  const signing = keys.filter((key) => isSigningKey(key) && publicKeyProblem(key) === undefined)
  if (signing.length > 0) {
    return passed('jwks.signing-keys', `${signing.length} key(s) can verify signatures.`)
  }
  const uses = keys.map((key) => `${keyName(key)} use ${shown(key.use)}`).join(', ') || 'no keys'
  return violated('jwks.signing-keys', `No valid public key with use "sig" or no use (${uses}).`)
}

function checkKeyIds(keys: JsonObject[]): Finding {
  const signing = keys.filter(isSigningKey)
  const without = signing.filter((key) => typeof key.kid !== 'string' || key.kid === '')
  const counts = new Map<string, number>()
  for (const key of signing)
    if (typeof key.kid === 'string') counts.set(key.kid, (counts.get(key.kid) ?? 0) + 1)
  const duplicated = [...counts]
    .filter(([, count]) => count > 1)
    .map(([kid, count]) => `${kid} (${count} keys)`)

  const problems: string[] = []
  if (without.length > 0) problems.push(`${without.length} signing key(s) have no kid`)
  if (duplicated.length > 0)
    problems.push(`kid shared by several signing keys: ${duplicated.join(', ')}`)
  if (problems.length === 0) return passed('jwks.key-ids', 'Every signing key has its own kid.')
  const many = signing.length > 1 ? '; clients that choose keys by kid cannot pick one' : ''
  return violated('jwks.key-ids', `${problems.join('; ')}${many}.`)
}

function checkKeyStrength(keys: JsonObject[]): Finding {
  const weak: string[] = []
  for (const key of keys) {
    if (key.kty !== 'RSA' || typeof key.n !== 'string') continue
    const bits = rsaModulusBits(key.n)
    if (bits < 2048) weak.push(`${keyName(key)} is ${bits} bits`)
  }
  if (weak.length === 0) return passed('jwks.key-strength', 'No RSA key is shorter than 2048 bits.')
  return violated('jwks.key-strength', `RSA keys shorter than 2048 bits: ${weak.join(', ')}.`)
}

/** The bit length of a base64url RSA modulus, leading zero bits not counted. */
export function rsaModulusBits(n: string): number {
  const bytes = Buffer.from(n, 'base64url')
  let start = 0
  while (start < bytes.length && bytes[start] === 0) start++
  if (start === bytes.length) return 0
  return (bytes.length - start) * 8 - Math.clz32(bytes[start]) + 24
}

async function checkImportable(keys: JsonObject[]): Promise<Finding> {
  const problems: string[] = []
  for (const key of keys) {
    const problem = publicKeyProblem(key) ?? (await importProblem(key))
    if (problem) problems.push(problem)
  }
  if (problems.length === 0)
    return passed('jwks.keys-importable', 'Every key imports as a public JWK.')
  return violated('jwks.keys-importable', `${listed(problems, '; ')}.`)
}

async function importProblem(key: JsonObject): Promise<string | undefined> {
  if (key.kty === 'oct') return undefined // reported by jwks.no-private-keys
  const alg = typeof key.alg === 'string' ? key.alg : defaultAlg(key)
  if (!alg) return `${keyName(key)}: unsupported kty/crv ${shown(key.kty)}/${shown(key.crv)}`
  try {
    const { importJWK } = await loadJose()
    await importJWK({ ...publicMembers(key), alg } as JWK, alg)
    return undefined
  } catch (error) {
    return `${keyName(key)} cannot be imported: ${error instanceof Error ? error.message : String(error)}`
  }
}

function defaultAlg(key: JsonObject): string | undefined {
  if (key.kty === 'RSA') return 'RS256'
  if (key.kty === 'EC')
    return { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' }[String(key.crv)]
  if (key.kty === 'OKP' && key.crv === 'Ed25519') return 'EdDSA'
  return undefined
}
