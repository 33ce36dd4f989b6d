// Faults in the discovery document (OpenID Connect Discovery 1.0 and RFC 8414).
import { htmlPage } from '../answer.js'
import type { FaultBehaviour } from './types.js'
import { jsonBody } from './types.js'

/** Faults a booking partner meets when it reads the discovery document. */
export const DISCOVERY_FAULTS = {
  'issuer-mismatch': {
    description: "The discovery document's issuer differs from the issuer URL it was fetched from.",
    provider: {
      route: 'discovery',
      after(ctx, env) {
        jsonBody(ctx).issuer = `${env.issuer}/other`
      },
    },
  },
  'issuer-trailing-slash': {
    description: "The discovery document's issuer has a trailing slash the issuer URL lacks.",
    provider: {
      route: 'discovery',
      after(ctx, env) {
        jsonBody(ctx).issuer = `${env.issuer}/`
      },
    },
  },
  'discovery-text-plain': {
    description: 'The discovery document is served as text/plain instead of application/json.',
    provider: {
      route: 'discovery',
      after(ctx) {
        ctx.body = JSON.stringify(jsonBody(ctx))
        ctx.set('Content-Type', 'text/plain;charset=UTF-8')
      },
    },
  },
  'discovery-html-500': {
    description: 'The discovery document URL answers 500 with an HTML error page.',
    provider: {
      route: 'discovery',
      after(ctx) {
        ctx.status = 500
        ctx.type = 'html'
        ctx.body = htmlPage('Internal Server Error', 'Something went wrong.')
      },
    },
  },
  'discovery-missing-metadata': {
    description: 'The discovery document lacks the required subject_types_supported.',
    provider: {
      route: 'discovery',
      after(ctx) {
        delete jsonBody(ctx).subject_types_supported
      },
    },
  },
  'discovery-no-client-credentials': {
    description:
      'The discovery document does not list client_credentials in grant_types_supported.',
    provider: {
      route: 'discovery',
      after(ctx) {
        const body = jsonBody(ctx)
        body.grant_types_supported = without(body.grant_types_supported, ['client_credentials'])
      },
    },
  },
  'discovery-missing-scopes': {
    description:
      "The discovery document's scopes_supported lacks openactive-ordersfeed and openactive-identity.",
    provider: {
      route: 'discovery',
      after(ctx) {
        const body = jsonBody(ctx)
        body.scopes_supported = without(body.scopes_supported, [
          'openactive-ordersfeed',
          'openactive-identity',
        ])
      },
    },
  },
} satisfies Record<string, FaultBehaviour>

function without(list: unknown, values: string[]): unknown[] {
  return (list as unknown[]).filter((value) => !values.includes(value as string))
}
