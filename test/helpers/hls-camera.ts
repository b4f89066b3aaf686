import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnFfmpeg, type Ffmpeg } from './ffmpeg-process.js';

export interface HlsCameraOptions {
  /** 'live': a sliding window written in real time; 'vod': a finished clip with #EXT-X-ENDLIST. */
  kind: 'live' | 'vod';
  /** WIDTHxHEIGHT, default '320x240'. */
  size?: string;
  /** Default 10. */
  fps?: number;
  /** Target segment length, default 1 (a keyframe starts every segment). */
  segmentSeconds?: number;
  /** Length of the vod clip, default 12. */
  seconds?: number;
  /** playlistStatus: answer the playlist with this HTTP status (404, 500, ...) instead of the file. */
  faults?: { playlistStatus?: number };
}

export interface HlsCamera {
  /** http://127.0.0.1:PORT/stream.m3u8 */
  url: string;
  /** Where ffmpeg writes the playlist and segments. */
  dir: string;
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = 20_000;
const CONTENT_TYPES: Record<string, string> = { m3u8: 'application/vnd.apple.mpegurl', ts: 'video/mp2t' };

/**
 * An HLS camera on 127.0.0.1: ffmpeg encodes testsrc2 (a moving picture with a changing
 * counter, so frames at different times differ) to H.264 segments that a static server serves.
 * Live resolves once the playlist lists two segments; vod renders the whole clip first.
 */
export async function startHlsCamera(options: HlsCameraOptions): Promise<HlsCamera> {
  const size = options.size ?? '320x240';
  const fps = options.fps ?? 10;
  const segmentSeconds = options.segmentSeconds ?? 1;
  const dir = await mkdtemp(join(tmpdir(), 'camtrove-hls-'));
  const playlist = join(dir, 'stream.m3u8');
  const args = [
    ...(options.kind === 'live' ? ['-re'] : []),
    '-f', 'lavfi', '-i', `testsrc2=s=${size}:r=${fps}`,
    ...(options.kind === 'vod' ? ['-t', String(options.seconds ?? 12)] : []),
    '-an', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p',
    // A keyframe exactly every segment, so every segment can be decoded on its own.
    '-g', String(Math.max(1, Math.round(fps * segmentSeconds))), '-sc_threshold', '0',
    '-f', 'hls', '-hls_time', String(segmentSeconds),
    '-hls_segment_filename', join(dir, 'seg%05d.ts'),
    ...(options.kind === 'live'
      ? ['-hls_list_size', '5', '-hls_flags', 'delete_segments+independent_segments']
      : ['-hls_playlist_type', 'vod', '-hls_flags', 'independent_segments']),
    playlist,
  ];
  const ffmpeg = spawnFfmpeg(args);
  const server = createServer((req, res) => {
    serve(dir, options.faults, req, res).catch(() => res.destroy());
  });
  const close = async () => {
    await ffmpeg.stop();
    server.closeAllConnections();
    if (server.listening) await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    if (options.kind === 'vod') {
      const code = await ffmpeg.exited;
      if (code !== 0) throw new Error(`ffmpeg failed to render the HLS clip (exit ${String(code)}): ${ffmpeg.stderrTail()}`);
    } else {
      await waitForSegments(playlist, 2, ffmpeg);
    }
    server.listen(0, '127.0.0.1');
    await new Promise((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (error) {
    await close();
    throw error;
  }
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/stream.m3u8`, dir, close };
}

/** Polls the playlist, because ffmpeg gives no signal when a segment is listed. */
async function waitForSegments(playlist: string, count: number, ffmpeg: Ffmpeg): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const text = await readFile(playlist, 'utf8').catch(() => '');
    if (text.split('\n').filter((line) => line.trim().endsWith('.ts')).length >= count) return;
    if (ffmpeg.exitCode() !== null) throw new Error(`ffmpeg exited before the HLS playlist was ready: ${ffmpeg.stderrTail()}`);
    await sleep(100);
  }
  throw new Error(`HLS playlist did not list ${count} segments within ${READY_TIMEOUT_MS / 1000} s; ffmpeg said: ${ffmpeg.stderrTail()}`);
}

/** Serves only flat names like stream.m3u8 and seg00001.ts, so no path can leave the folder. */
async function serve(dir: string, faults: HlsCameraOptions['faults'], req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' });
    return void res.end();
  }
  let name: string;
  try {
    name = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname.slice(1));
  } catch {
    name = '';
  }
  const match = /^[A-Za-z0-9_-]+\.(m3u8|ts)$/.exec(name);
  if (!match) {
    res.writeHead(404);
    return void res.end();
  }
  const extension = match[1]!;
  if (extension === 'm3u8' && faults?.playlistStatus !== undefined) {
    res.writeHead(faults.playlistStatus, { 'content-type': 'text/plain' });
    return void res.end(`simulated status ${faults.playlistStatus}`);
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(join(dir, name));
  } catch {
    // Includes segments that the live window has already deleted.
    res.writeHead(404);
    return void res.end();
  }
  res.writeHead(200, { 'content-type': CONTENT_TYPES[extension]!, 'content-length': bytes.length, 'cache-control': 'no-cache' });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}
