import { CamtroveError } from '../../domain/errors.js';
import { GopCollector, type Gop } from '../../domain/motion/fast-plan.js';
import { keyframeSeekTimes, packetListingArgs, parsePacketListingLine, seekTime } from '../../domain/packet-listing.js';
import { stderrReason } from '../../domain/stderr-reason.js';
import { accessRefusal } from '../../domain/input-access.js';
import { LOCAL_FILES, type InputGate } from './input-gate.js';
import { runProcess } from './process-runner.js';

/**
 * Streams the first video stream's packets, in the order the file stores them, to `onPacket`.
 * ffprobe only demuxes (no decoding) and the listing is read line by line as it comes, so an hour of
 * video costs no memory here. The container's start time comes last in the listing, so packets are
 * handed over with their raw times and converted by the caller's `finish`; a damaged file gives the
 * packets before the damage.
 */
async function readPackets(ffprobe: string, input: string, onPacket: (time: number, size: number, key: boolean) => void, signal: AbortSignal | undefined, gate: InputGate): Promise<{ start: number | null }> {
  let start: number | null = null;
  let packets = 0;
  const result = await runProcess(ffprobe, gate.guard(packetListingArgs(input)), {
    signal,
    env: gate.env,
    onStdoutLine: (line) => {
      const parsed = parsePacketListingLine(line);
      if (parsed?.kind === 'packet') {
        packets += 1;
        onPacket(parsed.time, parsed.size, parsed.key);
      } else if (parsed?.kind === 'start') start = parsed.time;
    },
  });
  if (result.exitCode !== 0 && packets === 0) {
    const reason = accessRefusal(result.stderrTail) ?? stderrReason(result.stderrTail) ?? `exit code ${result.exitCode ?? result.exitSignal}`;
    throw new CamtroveError('CAMTROVE_ERR_MEDIA_UNREADABLE', `could not list the video packets: ${reason}`);
  }
  return { start };
}

/** The times of the first video stream's keyframes, sorted; empty when the container has no timestamps. */
export async function listKeyframeTimes(ffprobe: string, input: string, signal?: AbortSignal, gate: InputGate = LOCAL_FILES): Promise<number[]> {
  const keyframes: number[] = [];
  const { start } = await readPackets(ffprobe, input, (time, _size, key) => void (key && keyframes.push(time)), signal, gate);
  return keyframeSeekTimes(keyframes, start);
}

/** The first video stream's groups of pictures (keyframe to keyframe) with their sizes, in the seek clock. */
export async function listGops(ffprobe: string, input: string, signal?: AbortSignal, gate: InputGate = LOCAL_FILES): Promise<Gop[]> {
  const gops = new GopCollector();
  const { start } = await readPackets(ffprobe, input, (time, size, key) => gops.add(time, size, key), signal, gate);
  return gops.finish().map((gop) => ({ ...gop, start: seekTime(gop.start, start), end: gop.end === null ? null : seekTime(gop.end, start) }));
}
