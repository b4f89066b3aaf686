import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { CamtroveError, errorCatalogue, type ErrorCode } from '../domain/errors.js';
import { BARE_ERROR_HEADERS } from './security-headers.js';

/** The longest request target (path and query) taken, as nginx and Apache take by default. */
export const MAX_REQUEST_TARGET = 8192;

/** A longer request target answers 414, whether Node's 16 KiB header limit caught it or not. */
export function installRequestTargetLimit(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (request.raw.url !== undefined && request.raw.url.length > MAX_REQUEST_TARGET) throw uriTooLong();
  });
}

const uriTooLong = () => new CamtroveError('CAMTROVE_ERR_URI_TOO_LONG', `the path and query are longer than ${MAX_REQUEST_TARGET} characters`);

/**
 * Node answers requests it cannot parse (headers too large, a broken request line, headers that
 * never arrive) before Fastify sees them, through the server's 'clientError' event. This answers
 * them with the catalogue's body like every other error, then closes the connection.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  // A reset connection, or one already answered, has no one to tell.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [code, message] = classify(error);
  const status = errorCatalogue[code].status;
  const body = JSON.stringify({ error: { code, message } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
        'content-type: application/json; charset=utf-8\r\n' +
        Object.entries(BARE_ERROR_HEADERS).map(([name, value]) => `${name}: ${value}\r\n`).join('') +
        'connection: close\r\n' +
        `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

function classify(error: Error & { code?: string }): [ErrorCode, string] {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return ['CAMTROVE_ERR_REQUEST_TIMEOUT', 'the request headers did not arrive in time'];
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    // Node hands over the bytes it was parsing (typed as their JSON form, a Buffer at run time).
    return requestLineTooLong((error as { rawPacket?: unknown }).rawPacket)
      ? ['CAMTROVE_ERR_URI_TOO_LONG', uriTooLong().message]
      : ['CAMTROVE_ERR_HEADERS_TOO_LARGE', 'the request headers are larger than the server accepts (16 KiB with the request line)'];
  }
  return ['CAMTROVE_ERR_BAD_REQUEST', `the request is not valid HTTP (${error.code ?? error.message})`];
}

/** Whether the request line in the bytes the parser gave up on is too long itself (not the headers after it). */
function requestLineTooLong(packet: unknown): boolean {
  if (!Buffer.isBuffer(packet) || !/^[A-Z]+ /.test(packet.subarray(0, 16).toString('latin1'))) return false;
  const end = packet.indexOf('\r\n');
  return (end === -1 ? packet.length : end) > MAX_REQUEST_TARGET;
}
