import type { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
import { CamtroveError, errorCatalogue, type ErrorCode } from '../../domain/errors.js';

/** One request to a camtrove server. */
export interface ServerCall {
  method: Dispatcher.HttpMethod;
  /** A path from API_PATHS, with its query string. */
  path: string;
  json?: unknown;
  /** Raw bytes with their content type (application/octet-stream unless given) and length. */
  raw?: { body: Buffer | Readable; size: number; contentType?: string };
  /** Answers with this status are returned as null instead of thrown. */
  nullOn?: number;
  headers?: Record<string, string>;
}

/** An answer whose body is read as a stream: downloads and exports. */
export interface StreamedAnswer {
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
}

/**
 * The HTTP transport to a camtrove server (`--server URL --token T`): the bearer token on every
 * request, the server's `{error: {code, message}}` answers turned back into the same CamtroveError
 * a local library would throw, and a network failure into SERVER_UNREACHABLE.
 */
export class ServerConnection {
  /** The base URL, as the user gave it. */
  readonly address: string;
  private readonly agent = new Agent({ connections: 16, keepAliveTimeout: 10_000 });

  constructor(
    base: URL,
    private readonly token: string | null,
    /** What the commands ask of the server ("imports"), to say what an older server lacks. */
    private readonly offering: string,
  ) {
    this.address = base.href.replace(/\/+$/, '');
  }

  /** One request answered with JSON (or nothing). */
  async json<T = unknown>(call: ServerCall): Promise<T> {
    const response = await this.send(call);
    const text = await response.body.text();
    if (response.statusCode === call.nullOn) return null as T;
    if (response.statusCode >= 400) throw answerError(response.statusCode, text, this.address, this.token !== null, this.offering);
    return (text === '' ? null : JSON.parse(text)) as T;
  }

  /** One request whose successful body is streamed to the caller. */
  async stream(call: ServerCall): Promise<StreamedAnswer> {
    const response = await this.send(call);
    if (response.statusCode >= 400) throw answerError(response.statusCode, await response.body.text(), this.address, this.token !== null, this.offering);
    return { headers: response.headers, body: response.body };
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async send(call: ServerCall): Promise<Dispatcher.ResponseData> {
    const headers: Record<string, string> = { ...call.headers };
    if (this.token !== null) headers.authorization = `Bearer ${this.token}`;
    let body: string | Buffer | Readable | undefined;
    if (call.raw) {
      headers['content-type'] = call.raw.contentType ?? 'application/octet-stream';
      headers['content-length'] = String(call.raw.size);
      body = call.raw.body;
    } else if (call.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(call.json);
    }
    try {
      return await request(`${this.address}${call.path}`, { method: call.method, headers, body, dispatcher: this.agent, headersTimeout: 600_000, bodyTimeout: 600_000 });
    } catch (error) {
      // A file that cannot be read while it is sent is the file's problem, not the server's.
      if (call.raw && isFileError(error)) throw error;
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new CamtroveError('CAMTROVE_ERR_SERVER_UNREACHABLE', `cannot reach the camtrove server at ${this.address} (${reason})`, { cause: error });
    }
  }
}

function isFileError(error: unknown): boolean {
  return typeof (error as NodeJS.ErrnoException).syscall === 'string' && ['open', 'read'].includes((error as NodeJS.ErrnoException).syscall!);
}

/** The server's own error when it answered one, else a message naming the status. */
function answerError(status: number, text: string, address: string, tokenGiven: boolean, offering: string): CamtroveError {
  let body: { error?: { code?: string; message?: string } } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // Not camtrove answering (a proxy's page): said below.
  }
  const code = body.error?.code;
  if (code === 'CAMTROVE_ERR_ROUTE_NOT_FOUND') {
    return new CamtroveError('CAMTROVE_ERR_SERVER_UNREACHABLE', `the camtrove server at ${address} does not offer ${offering} (${body.error?.message ?? 'no such endpoint'}); it is older than this camtrove: update it`);
  }
  if (code && code in errorCatalogue && body.error?.message) {
    const message =
      code !== 'CAMTROVE_ERR_UNAUTHORIZED' ? body.error.message
      : tokenGiven ? `the server at ${address} refused the token: ${body.error.message}`
      : `the server at ${address} needs an API token: give it with --token, or in env CAMTROVE_TOKEN (\`camtrove token create\` on the server makes one)`;
    return new CamtroveError(code as ErrorCode, message);
  }
  return new CamtroveError('CAMTROVE_ERR_SERVER_UNREACHABLE', `${address} answered HTTP ${status} without a camtrove error; is it a camtrove server (of this version)?`);
}
