import ipaddr from 'ipaddr.js';

/**
 * The unit login throttling counts a client by: an IPv4 address, or the /64 network of an IPv6
 * one. One subscriber usually holds a whole /64, so counting single IPv6 addresses would give
 * an attacker billions of fresh ones. IPv4-mapped IPv6 (`::ffff:192.0.2.1`) counts as the IPv4
 * address; anything that is not an address (no proxy header, a test name) counts as itself.
 */
export function throttledAddress(clientIp: string): string {
  if (!ipaddr.isValid(clientIp)) return clientIp || 'unknown';
  const address = ipaddr.process(clientIp);
  if (address.kind() === 'ipv4') return address.toString();
  const network = (address as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${network.join(':')}::/64`;
}
