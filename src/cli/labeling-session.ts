import { randomBytes, timingSafeEqual } from 'node:crypto';
import { ServerConnection } from '../adapters/remote/server-connection.js';
import { CamtroveError, errorCatalogue, type ErrorCode } from '../domain/errors.js';
import { Camtrove, CamtroveApiError, type BatchStatus } from '../sdk/index.js';
import { parseAuthorization, type TokenService } from '../services/token.service.js';
import { withLibrary, type CommonOptions } from './context.js';
import { serverOf, type ServerOptions } from './remote.js';

/** One command's connection to a camtrove API: the SDK, and an import's preparation status (which the SDK waits for without telling how it goes). */
export interface LabelingSession {
  sdk: Camtrove;
  batch(projectId: string, batchId: string): Promise<BatchStatus>;
}

/**
 * Runs a command through the SDK: against the server of --server, or else against the local library
 * served for this command alone on a random loopback port (with in-process workers when `workers`,
 * so added assets get prepared), closed after. Either way the command takes one code path. The
 * in-process server answers only this process: it requires a secret made for the command, kept in
 * memory, whatever tokens the library has.
 */
export async function withLabelingSession<T>(options: CommonOptions & ServerOptions, run: (session: LabelingSession) => Promise<T>, settings: { workers: boolean }): Promise<T> {
  const server = serverOf(options);
  if (server) return remoteSession(server.url, server.token, run);
  return withLibrary(options, async (library) => {
    if (settings.workers) library.media.ensureAvailable();
    // Loaded here, not at the top: the commands that never get here start faster without the HTTP stack.
    const { buildApp } = await import('../http/app.js');
    const secret = randomBytes(32).toString('base64url');
    const app = await buildApp({ ...library, config: { ...library.config, host: '127.0.0.1' }, tokens: sessionTokens(secret), logger: false });
    try {
      const address = await app.listen({ host: '127.0.0.1', port: 0 });
      if (settings.workers) library.startWorkers();
      return await remoteSession(new URL(address), secret, run);
    } finally {
      await app.close();
    }
  });
}

async function remoteSession<T>(url: URL, token: string | null, run: (session: LabelingSession) => Promise<T>): Promise<T> {
  const apiEndpoint = url.href.replace(/\/+$/, '');
  const sdk = new Camtrove({ apiEndpoint, ...(token !== null ? { apiKey: token } : {}) });
  const connection = new ServerConnection(url, token, 'labeling projects');
  const session: LabelingSession = {
    sdk,
    batch: (projectId, batchId) => connection.json<BatchStatus>({ method: 'GET', path: `/api/projects/${encodeURIComponent(projectId)}/assets/batches/${encodeURIComponent(batchId)}` }),
  };
  try {
    return await run(session);
  } catch (error) {
    throw asCamtroveError(error, apiEndpoint);
  } finally {
    await connection.close();
  }
}

/** The SDK's typed errors as the CLI's own, so they print as one line with their code like every other command's. */
function asCamtroveError(error: unknown, address: string): unknown {
  if (error instanceof CamtroveApiError) {
    const known = error.code in errorCatalogue;
    const code = known ? (error.code as ErrorCode) : 'CAMTROVE_ERR_SERVER_UNREACHABLE';
    const message = !known ? `${address}: ${error.message} (${error.code})` : code === 'CAMTROVE_ERR_SERVER_UNREACHABLE' && !error.message.includes(address) ? `cannot reach the camtrove server at ${address}: ${error.message}` : error.message;
    return new CamtroveError(code, message, { cause: error });
  }
  // fetch's own failure: the server is not there.
  if (error instanceof TypeError && error.message === 'fetch failed') {
    const reason = (error.cause as NodeJS.ErrnoException | undefined)?.code ?? 'no answer';
    return new CamtroveError('CAMTROVE_ERR_SERVER_UNREACHABLE', `cannot reach the camtrove server at ${address} (${reason})`, { cause: error });
  }
  return error;
}

/** The in-process server's only key: this command's secret. */
function sessionTokens(secret: string): TokenService {
  const expected = Buffer.from(secret);
  const authenticate: TokenService['authenticate'] = async (header) => {
    const given = Buffer.from(parseAuthorization(header) ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected)
      ? { allowed: true, tokenId: 'cli-session' }
      : { allowed: false, reason: 'this server answers only the camtrove command that started it' };
  };
  // buildApp asks tokens only to authenticate requests.
  return { authenticate } as unknown as TokenService;
}
