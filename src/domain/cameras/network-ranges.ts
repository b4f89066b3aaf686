import { isIP } from 'node:net';

/** An address range in CIDR form: `10.0.0.0/8`, `192.168.1.20` (one address), `fd00::/8`. */
export interface NetworkRange {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/**
 * Addresses cameras are never fetched from unless the allow-list names them: link-local ranges,
 * where cloud metadata services answer (169.254.169.254 and friends) and which no real camera a user
 * lists from elsewhere lives on, plus the metadata addresses outside them. Camera URLs come from users
 * and camera lists; without this, one listed URL could read a server's cloud credentials.
 */
export const REFUSED_BY_DEFAULT: readonly NetworkRange[] = [
  { address: '169.254.0.0', prefix: 16, family: 'ipv4' },
  { address: 'fe80::', prefix: 10, family: 'ipv6' },
  { address: '100.100.100.200', prefix: 32, family: 'ipv4' },
  { address: 'fd00:ec2::254', prefix: 128, family: 'ipv6' },
];

/** Parses a comma- or space-separated list of addresses and CIDR ranges; throws naming the bad entry. */
export function parseNetworkRanges(text: string): NetworkRange[] {
  return text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((entry) => {
      const [address = '', prefixText, extra] = entry.split('/');
      const version = isIP(address);
      if (version === 0 || extra !== undefined) throw new Error(`"${entry}" is not an IP address or CIDR range (e.g. 10.0.0.0/8, 192.168.1.20, fd00::/8)`);
      const max = version === 4 ? 32 : 128;
      const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
      if (!(prefix >= 0 && prefix <= max)) throw new Error(`"${entry}" has a prefix length outside 0-${max}`);
      return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' } as const;
    });
}

/** The IPv4 address inside an IPv4-mapped IPv6 one (`::ffff:169.254.169.254`), so it meets the IPv4 rules. */
export function unmapIpv4(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}
