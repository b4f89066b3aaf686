// A farm of simulated cameras for the archive benchmark, run as its own process so its CPU is not
// counted as camtrove's: `node --import tsx bench/lib/camera-farm.ts` prints `ready <url>` once it
// listens on 127.0.0.1. /cam/<n>.jpg answers camera n's next frame (every camera walks the same
// ring of 640×480 JPEGs from its own starting point, so consecutive frames of one camera differ;
// a JPEG comment with the camera and a counter makes every answer's bytes unique, as a real
// camera's are); /mjpeg/<n> streams that ring at 5 fps as multipart/x-mixed-replace.
import { execFile } from 'node:child_process';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { MjpegParser } from '../../src/domain/cameras/mjpeg-parser.js';

const run = promisify(execFile);
const RING = 24;
const MJPEG_FPS = 5;

/** Frames one second apart of a moving test picture with sensor-like noise, about 34 KiB each (a 640×480 street camera at its default quality sends 30–40 KiB): each differs from the next in well over 1 % of its pixels. */
async function renderRing(): Promise<Buffer[]> {
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=640x480:r=1,noise=alls=8:allf=t', '-frames:v', String(RING), '-q:v', '5', '-f', 'image2pipe', '-c:v', 'mjpeg', '-'], { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 });
  return new MjpegParser({ boundary: null, maxPartBytes: stdout.length }).push(stdout);
}

const ring = await renderRing();

/** The frame with a COM segment after its start marker: the same picture, bytes of its own. */
function unique(frame: Buffer, label: string): Buffer {
  const text = Buffer.from(label, 'latin1');
  const header = Buffer.from([0xff, 0xfe, (text.length + 2) >> 8, (text.length + 2) & 0xff]);
  return Buffer.concat([frame.subarray(0, 2), header, text, frame.subarray(2)]);
}
const next = new Map<number, number>();
let served = 0;

function stream(res: ServerResponse, camera: number): void {
  res.writeHead(200, { 'content-type': 'multipart/x-mixed-replace; boundary=farm' });
  let k = camera;
  const timer = setInterval(() => {
    const frame = unique(ring[k % ring.length]!, `camera ${camera} frame ${k++}`);
    res.write(`--farm\r\nContent-Type: image/jpeg\r\nContent-Length: ${frame.length}\r\n\r\n`);
    res.write(frame);
    res.write('\r\n');
    served += 1;
  }, 1000 / MJPEG_FPS);
  res.once('close', () => clearInterval(timer));
}

const server = createServer((req, res) => {
  const match = /^\/(cam|mjpeg)\/(\d+)/.exec(req.url ?? '');
  if (!match) {
    res.writeHead(404).end();
    return;
  }
  const camera = Number(match[2]);
  if (match[1] === 'mjpeg') return stream(res, camera);
  const k = next.get(camera) ?? camera;
  next.set(camera, k + 1);
  const frame = unique(ring[k % ring.length]!, `camera ${camera} frame ${k}`);
  served += 1;
  res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': frame.length });
  res.end(frame);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`ready http://127.0.0.1:${(server.address() as AddressInfo).port} ${ring.length} ${Math.round(ring.reduce((s, f) => s + f.length, 0) / ring.length)}\n`);
});
process.on('SIGTERM', () => {
  process.stdout.write(`served ${served}\n`);
  process.exit(0);
});
