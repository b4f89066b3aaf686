import { apiError, CamtroveApiError, CamtroveConnectionError } from './errors.js';

export type Fetch = typeof globalThis.fetch;

/** A query string's values: lists become repeated keys; undefined is left out. */
export type QueryValues = Record<string, string | number | boolean | readonly string[] | undefined>;

export interface Call {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: QueryValues;
  json?: unknown;
  /** A body sent as is (a multipart upload), with its content type when the body does not carry one. */
  body?: { data: NonNullable<RequestInit['body']>; contentType?: string; streamed: boolean };
}

/**
 * The HTTP transport of the SDK: the endpoint, the bearer key on every request, JSON both ways, and
 * the server's `{error: {code, message}}` answers as typed errors. Works with any `fetch` (Node's,
 * a browser's, or one given for another runtime).
 */
export class Connection {
  /** The endpoint without credentials or a trailing slash, to name in messages. */
  readonly endpoint: string;

  constructor(
    endpoint: string,
    private readonly apiKey: string | null,
    private readonly fetchFn: Fetch,
  ) {
    this.endpoint = endpointName(endpoint);
  }

  async json<T>(call: Call): Promise<T> {
    const what = `${call.method} ${call.path}`;
    const response = await this.send(call);
    const text = await response.text().catch((error: unknown) => {
      throw new CamtroveConnectionError(`the camtrove server at ${this.endpoint} stopped answering ${what}: ${reason(error)}`, { cause: error });
    });
    const parsed = parseJson(text);
    if (response.ok) {
      if (parsed === undefined) throw new CamtroveConnectionError(`the server at ${this.endpoint} answered ${what} with something that is not camtrove's JSON (HTTP ${response.status})`);
      return parsed as T;
    }
    throw this.failure(response, parsed, what);
  }

  /** A binary answer (a download), its body left to read; an error answer is thrown like json's. */
  async download(call: Call): Promise<Response> {
    const response = await this.send({ ...call });
    if (response.ok) return response;
    throw this.failure(response, parseJson(await response.text().catch(() => '')), `${call.method} ${call.path}`);
  }

  private async send(call: Call): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    let body: RequestInit['body'];
    if (call.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(call.json);
    } else if (call.body) {
      if (call.body.contentType) headers['content-type'] = call.body.contentType;
      body = call.body.data;
    }
    const url = `${this.endpoint}${call.path}${queryString(call.query)}`;
    try {
      // A streamed body needs half duplex (Node's fetch insists; browsers ignore what they do not know).
      const init: RequestInit & { duplex?: 'half' } = { method: call.method, headers, body, ...(call.body?.streamed ? { duplex: 'half' } : {}) };
      return await this.fetchFn(url, init);
    } catch (error) {
      if (error instanceof CamtroveApiError) throw error;
      // A local file that failed while it was being sent is the file's problem, not the server's.
      if ((error as { cause?: unknown }).cause instanceof CamtroveApiError) throw (error as { cause: CamtroveApiError }).cause;
      throw new CamtroveConnectionError(`the camtrove server at ${this.endpoint} could not be reached (${call.method} ${call.path}): ${reason(error)}`, { cause: error });
    }
  }

  private failure(response: Response, parsed: unknown, what: string): Error {
    const error = (parsed as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    if (typeof error?.code !== 'string' || typeof error.message !== 'string') {
      return new CamtroveConnectionError(`the server at ${this.endpoint} answered ${what} with HTTP ${response.status} and no camtrove error: is it a camtrove server?`);
    }
    return apiError(response.status, error.code, error.message);
  }
}

/** The endpoint as a base URL to name: no user or password, no trailing slash. */
function endpointName(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    url.username = '';
    url.password = '';
    return url.href.replace(/\/+$/, '');
  } catch {
    throw new CamtroveApiError('CAMTROVE_ERR_CONFIG', 400, `the API endpoint "${endpoint}" is not a URL (such as http://127.0.0.1:8080)`);
  }
}

export function queryString(query: QueryValues | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value as readonly string[]) params.append(key, item);
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Why a request failed, from fetch's error and its cause (where Node puts ECONNREFUSED). */
function reason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}
