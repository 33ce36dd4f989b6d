/** Names of the specifications the catalogue cites, spelt one way everywhere. */
export const OIDC_DISCOVERY = 'OpenID Connect Discovery 1.0'
export const OIDC_REGISTRATION = 'OpenID Connect Dynamic Client Registration 1.0'
export const OBA = 'OpenActive Open Booking API (Editor’s Draft)'
