import type { CheckDefinition } from '../catalogue.js'
import { OBA, OIDC_DISCOVERY, OIDC_REGISTRATION } from './clauses.js'

export const DISCOVERY_CHECKS = {
  'discovery.issuer-url': {
    stage: 'discovery',
    level: 'info',
    title: 'The issuer is used without a trailing "/" to build the discovery URL.',
    reference: `${OIDC_DISCOVERY} §4.1`,
    fix: 'Nothing to fix if the discovery document repeats the issuer exactly. Clients that append the path without removing "/" (the OpenActive test suite does) request //.well-known/openid-configuration.',
  },
  'discovery.reachable': {
    stage: 'discovery',
    level: 'must',
    title: 'GET {issuer}/.well-known/openid-configuration answers 200.',
    reference: `${OIDC_DISCOVERY} §4, §4.2`,
    fix: 'Serve the discovery document at the issuer followed by /.well-known/openid-configuration, without authentication.',
  },
  'discovery.json-object': {
    stage: 'discovery',
    level: 'must',
    title: 'The discovery document is a JSON object.',
    reference: `${OIDC_DISCOVERY} §4.2`,
    fix: 'Return the provider metadata as a JSON object.',
  },
  'discovery.content-type': {
    stage: 'discovery',
    level: 'must',
    title: 'The discovery document is served as application/json.',
    reference: `${OIDC_DISCOVERY} §4.2; RFC 9110 §8.3.1`,
    fix: 'Send Content-Type: application/json (parameters such as charset are fine).',
  },
  'discovery.issuer-matches': {
    stage: 'discovery',
    level: 'must',
    title: 'The document’s issuer is identical to the issuer it was fetched from.',
    reference: `${OIDC_DISCOVERY} §4.3; RFC 8414 §3.3`,
    fix: 'Set the issuer in the discovery document to exactly the URL booking partners are given: the same scheme, host, port, path and trailing "/".',
  },
  'discovery.required-metadata': {
    stage: 'discovery',
    level: 'must',
    title:
      'The required metadata is present: issuer, jwks_uri, authorization_endpoint, token_endpoint, response_types_supported, subject_types_supported, id_token_signing_alg_values_supported.',
    reference: `${OIDC_DISCOVERY} §3`,
    fix: 'Add the missing fields to the discovery document.',
  },
  'discovery.registration-endpoint': {
    stage: 'discovery',
    level: 'must',
    title: 'registration_endpoint is advertised (needed to register with an initial access token).',
    reference: `${OIDC_DISCOVERY} §3; ${OIDC_REGISTRATION} §3`,
    fix: 'Advertise the Dynamic Client Registration endpoint as registration_endpoint.',
  },
  'discovery.endpoints-https': {
    stage: 'discovery',
    level: 'must',
    title: 'Every endpoint the document advertises is an https URL.',
    reference: `${OIDC_DISCOVERY} §3; RFC 8414 §2; ${OBA} §Security`,
    fix: 'Advertise the public https URLs that booking partners reach, not internal http ones.',
  },
  'discovery.endpoint-origins': {
    stage: 'discovery',
    level: 'info',
    title: 'Endpoints on another origin than the issuer are listed.',
    reference: `${OIDC_DISCOVERY} §3; RFC 8414 §2`,
    fix: 'Nothing to fix if intended: booking partners must be able to reach every origin listed.',
  },
  'discovery.endpoint-addresses': {
    stage: 'discovery',
    level: 'must',
    title:
      'No endpoint on another origin resolves to a loopback, link-local or private address while the issuer is public; such an endpoint is not called.',
    reference: `${OIDC_DISCOVERY} §3; RFC 8414 §2; OWASP SSRF prevention`,
    fix: 'Advertise the public addresses booking partners reach. If an internal origin is intended, the workflow lists it in allow-endpoint-origins.',
  },
  'discovery.grant-types': {
    stage: 'discovery',
    level: 'should',
    title:
      'grant_types_supported includes client_credentials (when absent, it means authorization_code and implicit only).',
    reference: `${OIDC_DISCOVERY} §3; RFC 8414 §2; ${OBA} §Client Credentials Flow`,
    fix: 'Add "client_credentials" to grant_types_supported.',
  },
  'discovery.scopes': {
    stage: 'discovery',
    level: 'should',
    title:
      'scopes_supported lists the OpenActive scopes: openid, openactive-openbooking, openactive-ordersfeed, openactive-identity, offline_access.',
    reference: `${OIDC_DISCOVERY} §3; ${OBA} §OAuth Flows and Scopes`,
    fix: 'List the OpenActive scopes in scopes_supported.',
  },
  'discovery.auth-methods': {
    stage: 'discovery',
    level: 'should',
    title:
      'token_endpoint_auth_methods_supported includes client_secret_basic (when absent, it means client_secret_basic).',
    reference: `${OIDC_DISCOVERY} §3; RFC 6749 §2.3.1`,
    fix: 'Support client_secret_basic at the token endpoint and advertise it.',
  },
  'discovery.claims': {
    stage: 'discovery',
    level: 'info',
    title:
      'claims_supported lists the OpenActive claims (sellerId, sellerName, sellerUrl, sellerLogo, bookingServiceName, bookingServiceUrl).',
    reference: `${OBA} §ID Token claims`,
    fix: 'List the https://openactive.io/ claims your ID tokens carry in claims_supported.',
  },
  'discovery.oauth-metadata': {
    stage: 'discovery',
    level: 'info',
    title:
      'RFC 8414 metadata at /.well-known/oauth-authorization-server, when served, agrees with the discovery document.',
    reference: 'RFC 8414 §3, §5',
    fix: 'Serve the same issuer and endpoints in both documents, or serve only the OpenID one.',
  },
} as const satisfies Record<string, CheckDefinition>
