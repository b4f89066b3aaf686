// The archive benchmark's baseline: plain HTTP GETs of the same cameras with undici, nothing
// decoded or stored. `node --import tsx bench/lib/fetch-loop.ts <base-url> <cameras> <seconds> <in-flight>`
// prints `{"frames": N, "seconds": S}`: how many frames this machine can move at all.
import { Agent, request } from 'undici';

const [base, camerasText, secondsText, inFlightText] = process.argv.slice(2);
const cameras = Number(camerasText);
const seconds = Number(secondsText);
const inFlight = Number(inFlightText);
const dispatcher = new Agent({ connections: inFlight, keepAliveTimeout: 30_000 });
const end = Date.now() + seconds * 1000;
let frames = 0;
let next = 0;

// Each worker takes the next camera in turn, as fast as the farm answers.
await Promise.all(
  Array.from({ length: inFlight }, async () => {
    while (Date.now() < end) {
      const camera = next++ % cameras;
      const response = await request(`${base}/cam/${camera}.jpg`, { dispatcher });
      const body = Buffer.from(await response.body.arrayBuffer());
      if (body.length > 0) frames += 1;
    }
  }),
);
await dispatcher.close();
process.stdout.write(`${JSON.stringify({ frames, seconds })}\n`);
