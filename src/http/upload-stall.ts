import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { CamtroveError } from '../domain/errors.js';

/** Methods whose bodies Fastify never reads: nothing waits for their bytes. */
const BODYLESS = new Set(['GET', 'HEAD', 'TRACE', 'CONNECT']);

/**
 * A request body that stops arriving is abandoned with 408 after `timeoutMs` without a byte, so a
 * client that stalls (or a slowloris) cannot hold a connection, a temp file and a handler forever.
 *
 * Only time the server spends waiting for the client counts: progress is the socket's `bytesRead`,
 * and while the socket is paused (the consumer is slow, a disk or a hash holds the stream back, the
 * handler has not started reading) the clock does not run.
 *
 * Bodies that Fastify's parsers or a handler read from the payload stream go through a PassThrough
 * that is destroyed with the 408 error; the socket stays open for the answer. Multipart bodies are
 * read by @fastify/multipart from the raw request, which fails the current file and the part
 * iterator with an 'error' on the request: the blob store then removes its temp file.
 */
export function installStallGuard(app: FastifyInstance, timeoutMs: number): void {
  app.addHook('preParsing', async (request, reply, payload) => {
    const raw = request.raw;
    if (BODYLESS.has(raw.method ?? '') || !hasBody(raw) || raw.complete) return payload;
    const multipart = /^multipart\//i.test(raw.headers['content-type'] ?? '');
    const guarded = multipart ? null : payload.pipe(new PassThrough());
    if (guarded) {
      // pipe() passes data on, not failures: a client that goes away must fail the reader too.
      payload.once('error', (error) => guarded.destroy(error));
      raw.once('close', () => {
        if (!raw.complete) guarded.destroy(new CamtroveError('CAMTROVE_ERR_UPLOAD_ABORTED', 'the client disconnected before the request body ended'));
      });
    }
    const stop = watchStall(raw, timeoutMs, () => {
      const error = new CamtroveError('CAMTROVE_ERR_REQUEST_TIMEOUT', `the client sent nothing for ${timeoutMs} ms (uploadStallTimeoutMs) before the request body ended; nothing was stored`);
      if (guarded) {
        guarded.destroy(error);
        return true;
      }
      // Until the multipart reader listens, nobody would hear it: try again on the next tick.
      if (raw.listenerCount('error') === 0) return false;
      raw.emit('error', error);
      return true;
    });
    raw.once('end', stop);
    raw.once('close', stop);
    reply.raw.once('close', stop);
    return guarded ?? payload;
  });
}

function hasBody(raw: IncomingMessage): boolean {
  const length = raw.headers['content-length'];
  return raw.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Calls `onStall` once the socket received nothing for `timeoutMs` while it was reading; `onStall`
 * answers whether it acted (or wants to be asked again). Returns the function that stops watching.
 */
function watchStall(raw: IncomingMessage, timeoutMs: number, onStall: () => boolean): () => void {
  const socket = raw.socket;
  let bytes = socket.bytesRead;
  let progressAt = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    if (socket.bytesRead !== bytes || socket.isPaused()) {
      bytes = socket.bytesRead;
      progressAt = now;
    } else if (now - progressAt >= timeoutMs && onStall()) {
      clearInterval(timer);
    }
  }, Math.max(10, Math.min(1000, Math.floor(timeoutMs / 4))));
  timer.unref();
  return () => clearInterval(timer);
}
