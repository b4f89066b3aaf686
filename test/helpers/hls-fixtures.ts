import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Renders `seconds` of testsrc2 at `size` (10 fps, a keyframe every 2 s segment) with ffmpeg's HLS
 * muxer into `dir`; `hls` are the muxer's own options and the output playlist.
 */
export async function renderHls(dir: string, size: string, seconds: number, hls: string[]): Promise<void> {
  await run('mkdir', ['-p', dir]);
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=s=${size}:r=10`, '-t', String(seconds), '-an',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '20', '-sc_threshold', '0', '-f', 'hls', '-hls_time', '2', ...hls], { cwd: dir });
}

export interface FolderServer {
  url: string;
  /** Every request, as `path` or `path bytes=a-b` when it asked for a range. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * Serves the files of `dir` on 127.0.0.1 as a camera's web server does, answering Range requests
 * with 206 unless `ignoreRanges` (then the whole file, 200, as some servers do). `overrides`
 * answer some paths with other text (a playlist edited by hand), `missing` with 404.
 */
export async function serveFolder(dir: string, options: { ignoreRanges?: boolean; overrides?: Record<string, string>; missing?: string[] } = {}): Promise<FolderServer> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    requests.push(req.headers.range ? `${path} ${req.headers.range}` : path);
    const type = path.endsWith('.m3u8') ? 'application/vnd.apple.mpegurl' : 'application/octet-stream';
    const answer = (status: number, body: Buffer, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': type, 'content-length': String(body.length), ...headers });
      res.end(body);
    };
    if (options.missing?.includes(path)) return answer(404, Buffer.from('not found'));
    if (options.overrides?.[path] !== undefined) return answer(200, Buffer.from(options.overrides[path]));
    // Plain names in plain folders only: nothing outside the folder.
    if (!/^(\/[A-Za-z0-9_-][A-Za-z0-9_.-]*)+$/.test(path) || path.includes('..')) return answer(404, Buffer.alloc(0));
    readFile(join(dir, path.slice(1))).then((whole) => {
      const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
      if (!range || options.ignoreRanges) return answer(200, whole);
      const [start, end] = [Number(range[1]), Math.min(Number(range[2]), whole.length - 1)];
      answer(206, whole.subarray(start, end + 1), { 'content-range': `bytes ${start}-${end}/${whole.length}` });
    }, () => answer(404, Buffer.alloc(0)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
