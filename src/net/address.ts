import { BlockList, isIP } from 'node:net'

/** What kind of network an address is on, for the SSRF guard. */
export type AddressClass = 'public' | 'loopback' | 'link-local' | 'private' | 'unspecified'

const LOOPBACK = new BlockList()
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4')
LOOPBACK.addAddress('::1', 'ipv6')

const LINK_LOCAL = new BlockList()
LINK_LOCAL.addSubnet('169.254.0.0', 16, 'ipv4') // the cloud metadata address lives here
LINK_LOCAL.addSubnet('fe80::', 10, 'ipv6')

const PRIVATE = new BlockList()
PRIVATE.addSubnet('10.0.0.0', 8, 'ipv4')
PRIVATE.addSubnet('172.16.0.0', 12, 'ipv4')
PRIVATE.addSubnet('192.168.0.0', 16, 'ipv4')
PRIVATE.addSubnet('100.64.0.0', 10, 'ipv4') // carrier-grade NAT
PRIVATE.addSubnet('fc00::', 7, 'ipv6') // unique local

const UNSPECIFIED = new BlockList()
UNSPECIFIED.addSubnet('0.0.0.0', 8, 'ipv4')
UNSPECIFIED.addAddress('::', 'ipv6')

/**
 * Classifies an IP address. IPv4-mapped IPv6 addresses (::ffff:10.0.0.1) are classified as the
 * IPv4 address they carry, so the mapping is no way around the guard.
 */
export function classifyAddress(address: string): AddressClass {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1]
  const ip = mapped ?? address
  const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4'
  if (isIP(ip) === 0) return 'public'
  if (LOOPBACK.check(ip, family)) return 'loopback'
  if (LINK_LOCAL.check(ip, family)) return 'link-local'
  if (PRIVATE.check(ip, family)) return 'private'
  if (UNSPECIFIED.check(ip, family)) return 'unspecified'
  return 'public'
}

/** Whether requests to an address of this class need the issuer to be on such a network too. */
export function isInternal(kind: AddressClass): boolean {
  return kind !== 'public'
}
