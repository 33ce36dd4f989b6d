import { lookup as dnsLookup } from 'node:dns'
import { isIP, type LookupFunction } from 'node:net'
import { type AddressClass, classifyAddress, isInternal } from './address.js'

export interface ResolvedAddress {
  address: string
  family: number
}

/** Resolves a host name to its addresses; injectable so tests never need real DNS. */
export type Lookup = (hostname: string) => Promise<ResolvedAddress[]>

/** The system resolver, as Node's HTTP client would use it. */
export const systemLookup: Lookup = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    ),
  )

/** The addresses of a URL's host: an IP literal is its own answer. */
export async function resolveHost(url: URL, lookup: Lookup): Promise<ResolvedAddress[]> {
  const host = url.hostname.replace(/^\[|\]$/g, '')
  if (isIP(host)) return [{ address: host, family: isIP(host) }]
  return lookup(host)
}

/**
 * Why requests to these addresses must not be sent, or undefined when they may: an endpoint on
 * an internal network (loopback, link-local such as the cloud metadata address, private) is
 * refused when the issuer is on the public internet. A booking system never needs that, and an
 * attacker-controlled discovery document could otherwise aim the runner at its own network.
 */
export function internalAddressProblem(
  addresses: ResolvedAddress[],
  issuerInternal: boolean,
): string | undefined {
  if (issuerInternal) return undefined
  const internal = addresses
    .map(({ address }) => ({ address, kind: classifyAddress(address) }))
    .filter(({ kind }) => isInternal(kind))
  if (internal.length === 0) return undefined
  return `resolves to ${internal.map(({ address, kind }) => `${address} (${kind})`).join(', ')}, while the issuer is public`
}

/** Whether any of the issuer's addresses is internal: then internal endpoints are expected. */
export function anyInternal(addresses: ResolvedAddress[]): boolean {
  return addresses.some(({ address }) => isInternal(classifyAddress(address)))
}

export type { AddressClass }

/**
 * A lookup function for Node's HTTP client that applies {@link internalAddressProblem} to the
 * addresses it is about to connect to: the check is made again at connection time, so a name
 * that resolves differently the second time (DNS rebinding) is still refused.
 */
export function guardedLookup(lookup: Lookup, issuerInternal: boolean): LookupFunction {
  return ((
    hostname: string,
    options: { all?: boolean },
    callback: (error: Error | null, address?: string | ResolvedAddress[], family?: number) => void,
  ): void => {
    lookup(hostname).then(
      (addresses) => {
        const problem = internalAddressProblem(addresses, issuerInternal)
        if (problem) {
          callback(
            Object.assign(new Error(`${hostname} ${problem}`), { code: 'ERR_ENDPOINT_ADDRESS' }),
          )
        } else if (addresses.length === 0) {
          callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }))
        } else if (options.all) callback(null, addresses)
        else callback(null, addresses[0].address, addresses[0].family)
      },
      (error: Error) => callback(error),
    )
  }) as unknown as LookupFunction
}
