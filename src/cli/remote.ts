import type { Command } from 'commander';
import { RemoteLibrary } from '../adapters/import/remote-library.js';
import { LibraryClient } from '../adapters/remote/library-client.js';
import { CamtroveError } from '../domain/errors.js';
import { withLibrary, type CommonOptions } from './context.js';
import type { LibraryApi } from './library-api.js';
import { localApi } from './local-api.js';

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

/** The server of --server and its token, checked before any work; null without --server. */
export function serverOf(options: ServerOptions): { url: URL; token: string | null } | null {
  if (options.server === undefined) return null;
  let url: URL;
  try {
    url = new URL(options.server);
  } catch {
    throw new CamtroveError('CAMTROVE_ERR_CONFIG', `--server ${JSON.stringify(options.server)} is not a URL; give the server's base URL, e.g. http://nas.local:8080`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CamtroveError('CAMTROVE_ERR_CONFIG', `--server must be an http:// or https:// URL, not ${url.protocol}`);
  if (url.username || url.password) throw new CamtroveError('CAMTROVE_ERR_CONFIG', '--server must not carry credentials; give the API token with --token (or env CAMTROVE_TOKEN)');
  return { url, token: options.token ?? process.env.CAMTROVE_TOKEN ?? null };
}

/** The import destination of `import --server`; null without --server. */
export function remoteLibrary(options: ServerOptions): RemoteLibrary | null {
  const server = serverOf(options);
  return server && new RemoteLibrary(server.url, server.token);
}

/** Runs a command against the server of --server, or else the local library, and closes it after. */
export async function withLibraryApi<T>(options: CommonOptions & ServerOptions, run: (api: LibraryApi) => Promise<T>, quietLevel = 'warn'): Promise<T> {
  const server = serverOf(options);
  if (!server) return withLibrary(options, (library) => run(localApi(library)), {}, quietLevel);
  const client = new LibraryClient(server.url, server.token);
  try {
    return await run(client);
  } finally {
    await client.close();
  }
}
