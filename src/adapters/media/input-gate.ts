import { guardInputs, localFileOnly, type InputAccess, type InputDecision } from '../../domain/input-access.js';

/**
 * The one gate every ffmpeg and ffprobe command line passes before it runs: each input held to the
 * protocols and demuxers it may use (see input-access.ts), and the environment the program gets.
 */
export interface InputGate {
  /** The command line with each input guarded; throws for an input this gate does not let through. */
  guard(args: readonly string[]): string[];
  /** The program's environment; undefined for camtrove's own. */
  env?: NodeJS.ProcessEnv;
}

/** Local files only: library blobs and users' files. */
export const LOCAL_FILES: InputGate = { guard: (args) => guardInputs(args, localFileOnly) };

/** Proxy variables ffmpeg reads by itself: `no_proxy` would let it bypass camtrove's proxy. */
const PROXY_VARIABLES = ['http_proxy', 'https_proxy', 'all_proxy', 'no_proxy'];

/**
 * Local files, and one network input read through `access` (the relay or proxy that applies the
 * network policy); any other address is refused. ffmpeg runs without proxy variables of the
 * caller's, which could send it around camtrove's proxy.
 */
export function networkInputGate(network: { input: string; access: InputAccess }): InputGate {
  const decide = (input: string): InputDecision => (input === network.input ? { access: network.access, input } : localFileOnly(input));
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !PROXY_VARIABLES.includes(name.toLowerCase())));
  return { guard: (args) => guardInputs(args, decide), env };
}
