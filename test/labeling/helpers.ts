import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import assert from 'node:assert/strict';

const run = promisify(execFile);

export const INTERFACE = {
  jobs: {
    OBJECT_DETECTION_JOB: {
      mlTask: 'OBJECT_DETECTION',
      instruction: 'What moved?',
      required: 1,
      isChild: false,
      tools: ['rectangle'],
      content: { input: 'radio', categories: { DEER: { name: 'Deer', children: ['ANTLERS'] }, FOX: { name: 'Fox', children: [] } } },
    },
    ANTLERS: {
      mlTask: 'CLASSIFICATION',
      instruction: 'Antlers?',
      required: 0,
      isChild: true,
      content: { input: 'radio', categories: { YES: { name: 'Yes', children: [] }, NO: { name: 'No', children: [] } } },
    },
  },
};

/** JSON requests to one server. */
export function jsonClient(url: string, headers: Record<string, string> = {}) {
  const call = async <T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T & { error?: { code: string; message: string } } }> => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T & { error?: { code: string; message: string } } };
  };
  return {
    call,
    get: <T = Record<string, unknown>>(path: string) => call<T>('GET', path),
    post: <T = Record<string, unknown>>(path: string, body: unknown) => call<T>('POST', path, body),
    patch: <T = Record<string, unknown>>(path: string, body: unknown) => call<T>('PATCH', path, body),
    del: <T = Record<string, unknown>>(path: string, body?: unknown) => call<T>('DELETE', path, body),
    /** Waits until every asset of a batch is prepared; returns the batch status. */
    async settle(projectId: string, batchId: string, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { status, body } = await call<{ pending: number; ready: number; failed: { externalId: string; error: { code: string; message: string } }[] }>('GET', `/api/projects/${projectId}/assets/batches/${batchId}`);
        assert.equal(status, 200, JSON.stringify(body));
        if (body.pending === 0) return body;
        if (Date.now() > deadline) throw new Error(`batch ${batchId} still has ${body.pending} assets pending`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

/** A loopback HTTP server that serves files by path, and answers what a test asks for other paths. */
export async function fileServer(routes: Record<string, { path?: string; status?: number; type?: string; body?: Buffer | string }>, host = '127.0.0.1'): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    const route = routes[request.url ?? ''];
    if (!route) {
      response.writeHead(404).end('not here');
      return;
    }
    void (async () => {
      const body = route.path ? await readFile(route.path) : (route.body ?? '');
      response.writeHead(route.status ?? 200, { 'content-type': route.type ?? 'application/octet-stream', 'content-length': Buffer.byteLength(body) });
      response.end(body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://${host}:${port}`,
    server,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** The presentation times of every decoded frame of a video, by ffprobe decoding it: the truth frames are checked against. */
export async function decodedFramePts(path: string): Promise<number[]> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=best_effort_timestamp_time', '-of', 'csv=p=0', path], { maxBuffer: 64 * 1024 * 1024 });
  return stdout.split('\n').map((l) => l.trim().replace(/,$/, '')).filter(Boolean).map(Number);
}

/** Frame k of a video as ffmpeg decodes it in order (passthrough), as raw RGB. */
export async function ffmpegFrameRgb(path: string, k: number): Promise<Buffer> {
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-i', path, '-vf', `select=eq(n\\,${k})`, '-fps_mode', 'passthrough', '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** An image's pixels as raw RGB, decoded by ffmpeg. */
export async function imageRgb(path: string): Promise<Buffer> {
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-i', path, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

export async function ffmpeg(args: string[]): Promise<void> {
  await run('ffmpeg', ['-v', 'error', '-y', ...args]);
}

/** The frames ffmpeg's fps=F:round=up filter makes of a video (what a sampled asset's frames must be), as raw RGB each. */
export async function ffmpegSampledFrames(path: string, fps: number): Promise<Buffer[]> {
  const probe = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', path]);
  const [width, height] = probe.stdout.trim().split(',').map(Number) as [number, number];
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-i', path, '-vf', `fps=${fps}:round=up`, '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 });
  const size = width * height * 3;
  return Array.from({ length: stdout.length / size }, (_, i) => stdout.subarray(i * size, (i + 1) * size));
}
