import { createServer, type Socket } from 'node:net';
import { after, before } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../src/config/config.js';
import { buildApp } from '../../src/http/app.js';
import type { Library } from '../../src/main.js';
import { openTestLibrary } from './test-library.js';

/** The API of a library, listening on a random loopback port. */
export async function listen(library: Library): Promise<{ app: FastifyInstance; url: string; close(): Promise<void> }> {
  const app = await buildApp({ ...library, logger: false });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url, close: () => app.close() };
}

/**
 * A test library served on loopback for the tests of the enclosing `describe`: opened before them,
 * closed and removed after. Its fields are set once the `before` hook has run.
 */
export function servedLibrary(overrides?: Partial<Record<keyof Config, string | number | boolean>>): { library: Awaited<ReturnType<typeof openTestLibrary>>; server: Awaited<ReturnType<typeof listen>> } {
  const served = {} as ReturnType<typeof servedLibrary>;
  before(async () => {
    served.library = await openTestLibrary(overrides);
    served.server = await listen(served.library);
  });
  after(async () => {
    await served.server?.close();
    await served.library?.dispose();
  });
  return served;
}

/** multipart/form-data with one file field, as curl -F would send it. */
export function fileForm(content: Uint8Array | string, name = 'clip.mp4', field = 'file'): FormData {
  const form = new FormData();
  form.append(field, new Blob([content]), name);
  return form;
}

/** Polls GET /api/analyses/<id>/result until it is no longer 202; returns the final status and body. */
export async function pollAnalysis(url: string, id: string, timeoutMs = 30_000, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${url}/api/analyses/${id}/result`, { headers });
    const body: unknown = await response.json();
    if (response.status !== 202) return { status: response.status, body };
    if (Date.now() > deadline) throw new Error(`analysis ${id} still ${JSON.stringify(body)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A server on 127.0.0.1 that accepts connections and never answers: a hung camera or source. */
export async function silentServer(): Promise<{ port: number; close: () => void }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => void sockets.push(socket)).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
