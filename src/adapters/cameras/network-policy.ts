import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, connect as netConnect, isIP, type LookupFunction, type Socket } from 'node:net';
import { buildConnector } from 'undici';
import { formatDurationMs } from '../../domain/duration.js';
import { CamtroveError } from '../../domain/errors.js';
import { REFUSED_BY_DEFAULT, unmapIpv4, type NetworkRange } from '../../domain/cameras/network-ranges.js';
import { NETWORK_SCHEMES, networkUrlProblem, urlHost } from '../../domain/cameras/network-url.js';
import { redactUrl } from '../../domain/redact.js';

const blockList = (ranges: readonly NetworkRange[]) => {
  const list = new BlockList();
  for (const range of ranges) list.addSubnet(range.address, range.prefix, range.family);
  return list;
};

/**
 * Which addresses cameras may be fetched from. With an allow-list, only its ranges; without one,
 * any address. Link-local and cloud metadata addresses are refused either way, unless the
 * allow-list names an address inside them. Checked on the address a connection actually goes to
 * (after DNS, after every redirect), so a host name or a redirect cannot slip past it.
 */
export class NetworkPolicy {
  private readonly allowed: BlockList | null;
  private readonly refused = blockList(REFUSED_BY_DEFAULT);
  /** Allow-list entries inside the refused ranges: the user asked for those on purpose. */
  private readonly overrides: BlockList;

  constructor(private readonly allow: readonly NetworkRange[] = []) {
    this.allowed = allow.length > 0 ? blockList(allow) : null;
    this.overrides = blockList(allow.filter((range) => this.refused.check(range.address, range.family)));
  }

  permits(address: string): boolean {
    const plain = unmapIpv4(address.replace(/^\[|\]$/g, ''));
    const family = isIP(plain) === 6 ? 'ipv6' : 'ipv4';
    if (this.refused.check(plain, family)) return this.overrides.check(plain, family);
    return this.allowed ? this.allowed.check(plain, family) : true;
  }

  /** The error for a refused address, naming the host and how to allow it. */
  refusal(host: string, address: string): CamtroveError {
    const subject = host === address ? address : `${host} resolves to ${address}, which`;
    const why = this.allow.length > 0 && !this.refused.check(unmapIpv4(address), isIP(unmapIpv4(address)) === 6 ? 'ipv6' : 'ipv4')
      ? 'outside the networks cameras may be fetched from (CAMTROVE_CAMERA_NETWORKS)'
      : 'link-local or a cloud metadata address: cameras are not fetched from there unless CAMTROVE_CAMERA_NETWORKS names it';
    return new CamtroveError('CAMTROVE_ERR_CAMERA_FORBIDDEN', `${subject} is ${why}`);
  }

  /** DNS lookup for net.connect that leaves out refused addresses, and fails when none is left. */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, found: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const usable = found.filter((entry) => this.permits(entry.address));
      if (usable.length === 0) return callback(this.refusal(hostname, found[0]?.address ?? hostname), '', 0);
      if (options.all) return (callback as unknown as (e: null, all: LookupAddress[]) => void)(null, usable);
      return callback(null, usable[0]!.address, usable[0]!.family);
    });
  };

  /** An undici connector under this policy: names go through `lookup`, literal addresses are checked here. */
  connector(options: buildConnector.BuildOptions = {}): buildConnector.connector {
    const connect = buildConnector({ ...options, lookup: this.lookup });
    return (target, callback) => {
      const host = target.hostname.replace(/^\[|\]$/g, '');
      if (isIP(host) && !this.permits(host)) return callback(this.refusal(host, host), null);
      return connect(target, callback);
    };
  }

  /**
   * Refuses, before any lookup, what is not a network address at all: a URL that does not parse,
   * one of another scheme (`file:`, `concat:`, `data:`…, which would read local files instead) or
   * one without a host. `schemes` narrows the network schemes to those the caller speaks.
   */
  checkUrl(url: string, schemes: readonly string[] = NETWORK_SCHEMES): URL {
    const problem = networkUrlProblem(url, schemes);
    if (problem) throw new CamtroveError('CAMTROVE_ERR_CAMERA_FORBIDDEN', `${redactUrl(url)} ${problem}`);
    return new URL(url);
  }

  /** Checks a URL (its scheme, then every address its host resolves to) before anything connects to it. */
  async check(url: string, schemes: readonly string[] = NETWORK_SCHEMES): Promise<void> {
    const host = urlHost(this.checkUrl(url, schemes));
    if (isIP(host)) {
      if (!this.permits(host)) throw this.refusal(host, host);
      return;
    }
    const found = await new Promise<LookupAddress[]>((resolve, reject) => dnsLookup(host, { all: true }, (error, all) => (error ? reject(new CamtroveError('CAMTROVE_ERR_CAMERA_UNREACHABLE', `${host}: the host name does not resolve`)) : resolve(all))));
    const refused = found.find((entry) => !this.permits(entry.address));
    if (refused) throw this.refusal(host, refused.address);
  }

  /**
   * A TCP connection to `host:port` under this policy, for relays that speak for a program (ffmpeg):
   * the address connected to is the one checked, from the same lookup, so a name that resolves
   * differently a moment later (DNS rebinding) cannot slip past. Fails with a CamtroveError naming
   * `shown`: refused by the policy, refused by the host, unresolvable, unreachable, or no answer in `timeoutMs`.
   */
  connect(host: string, port: number, options: { shown: string; timeoutMs: number; signal?: AbortSignal }): Promise<Socket> {
    const plain = host.replace(/^\[|\]$/g, '');
    if (isIP(plain) && !this.permits(plain)) return Promise.reject(this.refusal(plain, plain));
    return new Promise((resolve, reject) => {
      const socket = netConnect({ host: plain, port, lookup: this.lookup, signal: options.signal });
      const timer = setTimeout(() => socket.destroy(new CamtroveError('CAMTROVE_ERR_CAMERA_TIMEOUT', `${options.shown}: no connection within ${formatDurationMs(options.timeoutMs)}`)), options.timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(socket);
      });
      socket.once('error', (error: Error & { code?: string }) => {
        clearTimeout(timer);
        socket.destroy();
        if (error instanceof CamtroveError) return reject(error.message.startsWith(options.shown) ? error : new CamtroveError(error.code, `${options.shown}: ${error.message}`));
        const code = error.code ?? '';
        const reason = code === 'ECONNREFUSED' ? 'connection refused' : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'the host name does not resolve' : code === 'EHOSTUNREACH' || code === 'ENETUNREACH' ? 'the host is unreachable' : error.message;
        reject(new CamtroveError('CAMTROVE_ERR_CAMERA_UNREACHABLE', `${options.shown}: ${reason}`, { cause: error }));
      });
    });
  }
}
