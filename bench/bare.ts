import got from 'got'
import { createLocalJWKSet, jwtVerify } from 'jose'

/**
 * The least a booking partner's client does, for comparison: the five positive requests
 * (discovery, JWKS, registration, client credentials, Orders feed) with got, and the access
 * token verified with jose. No checks, no report.
 */
export async function bareClient(
  issuer: string,
  initialAccessToken: string,
  ordersFeedUrl: string,
): Promise<void> {
  const http = got.extend({ retry: { limit: 0 }, timeout: { request: 20_000 } })
  const metadata = await http(`${issuer}/.well-known/openid-configuration`).json<
    Record<string, string>
  >()
  const jwks = await http(metadata.jwks_uri).json<{ keys: [] }>()
  const client = await http
    .post(metadata.registration_endpoint, {
      headers: { authorization: `Bearer ${initialAccessToken}` },
      json: {
        grant_types: ['client_credentials'],
        response_types: [],
        scope: 'openactive-ordersfeed',
        token_endpoint_auth_method: 'client_secret_basic',
      },
    })
    .json<{ client_id: string; client_secret: string }>()
  const encode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2)
  const basic = Buffer.from(`${encode(client.client_id)}:${encode(client.client_secret)}`).toString(
    'base64',
  )
  const token = await http
    .post(metadata.token_endpoint, {
      headers: { authorization: `Basic ${basic}` },
      form: { grant_type: 'client_credentials', scope: 'openactive-ordersfeed' },
    })
    .json<{ access_token: string }>()
  await jwtVerify(token.access_token, createLocalJWKSet(jwks), { issuer })
  await http(ordersFeedUrl, { headers: { authorization: `Bearer ${token.access_token}` } }).json()
}
