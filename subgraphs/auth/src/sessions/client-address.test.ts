import { throttledAddress } from './client-address';

describe('throttledAddress', () => {
  it.each([
    ['an IPv4 address is itself', '203.0.113.7', '203.0.113.7'],
    ['an IPv4-mapped IPv6 address is its IPv4 address', '::ffff:203.0.113.7', '203.0.113.7'],
    ['an IPv6 address is its /64', '2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['however it is written', '2001:0db8:0001:0002::ffff', '2001:db8:1:2::/64'],
    ['the loopback /64', '::1', '0:0:0:0::/64'],
    ['something else is itself', 'gateway', 'gateway'],
    ['nothing is "unknown"', '', 'unknown'],
  ])('%s', (_, input, expected) => {
    expect(throttledAddress(input)).toBe(expected);
  });
});
