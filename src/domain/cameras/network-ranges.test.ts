import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseNetworkRanges, unmapIpv4 } from './network-ranges.js';

describe('network ranges', () => {
  it('parses addresses and CIDR ranges of both families', () => {
    assert.deepEqual(parseNetworkRanges('10.0.0.0/8, 192.168.1.20 fd00::/8'), [
      { address: '10.0.0.0', prefix: 8, family: 'ipv4' },
      { address: '192.168.1.20', prefix: 32, family: 'ipv4' },
      { address: 'fd00::', prefix: 8, family: 'ipv6' },
    ]);
    assert.deepEqual(parseNetworkRanges(' '), []);
  });

  it('names the entry that is not a range', () => {
    assert.throws(() => parseNetworkRanges('10.0.0.0/8,camera.example'), /"camera\.example" is not an IP address or CIDR range/);
    assert.throws(() => parseNetworkRanges('10.0.0.0/33'), /"10\.0\.0\.0\/33" has a prefix length outside 0-32/);
    assert.throws(() => parseNetworkRanges('10.0.0.0/8/1'), /not an IP address/);
  });

  it('unmaps IPv4-mapped IPv6 addresses', () => {
    assert.equal(unmapIpv4('::ffff:169.254.169.254'), '169.254.169.254');
    assert.equal(unmapIpv4('fe80::1'), 'fe80::1');
  });
});
