import type { Command } from 'commander';
import { RemoteLibrary } from '../adapters/import/remote-library.js';
import { CamtroveError } from '../domain/errors.js';

/** `--server URL --token T`: a camtrove server's library instead of a local one. */
export interface ServerOptions {
  server?: string;
  token?: string;
}

export function addServerOptions(command: Command, what: string): Command {
  return command
    .option('--server <url>', `${what}, instead of a local library: the server's base URL, e.g. http://nas.local:8080`)
    .option('--token <token>', 'the API token for --server (or env CAMTROVE_TOKEN, which keeps it out of the process list)');
}

/** The server of --server, checked before any work; null without --server. */
export function remoteLibrary(options: ServerOptions): RemoteLibrary | null {
  if (options.server === undefined) return null;
  let url: URL;
  try {
    url = new URL(options.server);
  } catch {
    throw new CamtroveError('CAMTROVE_ERR_INVALID_IMPORT', `--server ${JSON.stringify(options.server)} is not a URL; give the server's base URL, e.g. http://nas.local:8080`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CamtroveError('CAMTROVE_ERR_INVALID_IMPORT', `--server must be an http:// or https:// URL, not ${url.protocol}`);
  if (url.username || url.password) throw new CamtroveError('CAMTROVE_ERR_INVALID_IMPORT', '--server must not carry credentials; give the API token with --token (or env CAMTROVE_TOKEN)');
  return new RemoteLibrary(url, options.token ?? process.env.CAMTROVE_TOKEN ?? null);
}
