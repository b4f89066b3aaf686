import { httpAccess, RTSP_ACCESS } from '../../domain/input-access.js';
import type { CamtroveError } from '../../domain/errors.js';
import { networkInputGate, type InputGate } from '../media/input-gate.js';
import { HttpForwardProxy } from './http-forward-proxy.js';
import type { NetworkPolicy } from './network-policy.js';
import { RtspRelay } from './rtsp-relay.js';

/** A URL a user gave ffmpeg to read, held to the network policy for as long as it is read. */
export interface NetworkInput {
  /** What ffmpeg is given: the URL itself (HTTP, through the proxy) or the relay's address (RTSP). */
  input: string;
  /** The gate media tools for this input run their command lines through. */
  gate: InputGate;
  /** What the policy refused, if anything (a redirect, an address outside it). */
  failure(): CamtroveError | null;
  /** The error to report for one ffmpeg saw: the refusal behind it when there is one. */
  explain(error: unknown): unknown;
  close(): Promise<void>;
}

/**
 * Opens a network input for ffmpeg under `policy`: http(s) through a forward proxy that checks every
 * request, redirects included; rtsp(s) through a relay that connects to the checked address and ends
 * the session at a redirect (credentials in the URL go to the relay, not to ffmpeg). Any other
 * scheme, no host, or an address the policy refuses fails here, before ffmpeg starts.
 */
export async function openNetworkInput(url: string, policy: NetworkPolicy, options: { timeoutMs: number }): Promise<NetworkInput> {
  const parsed = policy.checkUrl(url);
  await policy.check(url);
  if (parsed.protocol === 'http:' || parsed.protocol === 'https:') {
    const proxy = await HttpForwardProxy.start(policy, { origin: parsed.origin, timeoutMs: options.timeoutMs });
    return {
      input: url,
      gate: networkInputGate({ input: url, access: httpAccess(proxy.url) }),
      failure: () => proxy.failure(),
      explain: (error) => proxy.failure() ?? error,
      close: () => proxy.close(),
    };
  }
  const credentials = parsed.username ? { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password), scheme: 'digest' as const } : null;
  parsed.username = '';
  parsed.password = '';
  const relay = await RtspRelay.start({ url: parsed.toString(), credentials, policy, timeoutMs: options.timeoutMs });
  return {
    input: relay.url,
    gate: networkInputGate({ input: relay.url, access: RTSP_ACCESS }),
    failure: () => relay.failure(),
    explain: (error) => relay.explain(error),
    close: () => relay.close(),
  };
}
