/**
 * The frame index of a video asset: every decoded frame in presentation order with its PTS, read
 * either from the demuxer's packet listing (fast: no decoding) or from a full decode (exact by
 * definition, slow). Pure: parses ffprobe's JSON and decides whether the packets can stand for the
 * decoded frames.
 */
import { parseProbeOutput } from '../video-info.js';

export interface IndexedFrame {
  /** Seconds, the frame's best-effort timestamp in the stream's own clock (start offset included). */
  pts: number;
  key: boolean;
}

export interface VideoIndex {
  frames: IndexedFrame[];
  /** Displayed size: rotation applied. */
  width: number;
  height: number;
  /** Clockwise display rotation in degrees: 0, 90, 180 or 270. */
  rotation: number;
  codec: string;
  /** Average frame rate, or null when the container does not say. */
  fps: number | null;
  /** The first frame's PTS, seconds (MPEG-TS and offset files start anywhere). */
  startTime: number;
  /**
   * When the input starts over all its streams (ffprobe's format start_time), or null: ffmpeg counts
   * times from it (an event's start, the ticks of the fps filter), and audio may start before video.
   */
  inputStartTime: number | null;
  /** When the last frame ends (its PTS plus its duration), or null when the listing does not say: where ffmpeg's fps filter stops. */
  endTime: number | null;
  duration: number | null;
}

export type VideoFacts = Omit<VideoIndex, 'frames' | 'startTime' | 'endTime'> & { format: string; startTime: number | null };

/** The stream fields read here; parseProbeOutput reads the rest (codec, rate, rotation). */
interface RawStream {
  width?: number;
  height?: number;
  start_time?: string;
  duration?: string;
  [field: string]: unknown;
}

interface RawListing {
  streams?: RawStream[];
  format?: { format_name?: string; start_time?: string; duration?: string };
  packets?: { pts_time?: string; duration_time?: string; flags?: string }[];
  frames?: { best_effort_timestamp_time?: string; duration_time?: string; key_frame?: number }[];
}

/** The video stream's facts from a listing made with the stream and format entries; null without a video stream. */
export function parseVideoFacts(json: unknown): VideoFacts | null {
  const raw = json as RawListing;
  const stream = raw.streams?.[0];
  if (!stream || !raw.format || !stream.width || !stream.height) return null;
  const info = parseProbeOutput({ streams: [{ ...stream, codec_type: 'video' }], format: raw.format })?.video;
  if (!info) return null;
  const streamDuration = finite(stream.duration);
  return {
    format: raw.format.format_name ?? 'unknown',
    width: info.displayWidth,
    height: info.displayHeight,
    rotation: info.rotation,
    codec: info.codec,
    fps: info.fps,
    startTime: finite(stream.start_time) ?? finite(raw.format.start_time),
    inputStartTime: finite(raw.format.start_time),
    duration: streamDuration !== null && streamDuration > 0 ? streamDuration : positive(raw.format.duration),
  };
}

/** What a packet listing says about the frames, and whether it can stand for a decode. */
export interface PacketFrames {
  frames: IndexedFrame[];
  /** Why the packets cannot be trusted to be the decoded frames; null when they can. */
  distrust: string | null;
}

/**
 * Codecs whose demuxed packets are whole frames, one each, as ffmpeg's demuxers hand them over
 * (MPEG-4 part 2 in AVI packs two frames in a packet; MPEG-2 and field-coded streams may split one).
 */
const ONE_FRAME_PER_PACKET = new Set(['h264', 'hevc', 'av1', 'vp8', 'vp9', 'mjpeg']);
/** Containers that give every packet its presentation time. */
const TIMED_CONTAINERS = /^(mov,mp4|matroska|mpegts)/;

/**
 * The frames the packets describe, sorted by PTS: discarded packets (flag D: decoded for reference
 * but never shown, as an edit list asks) are left out. The packets stand for the decoded frames only
 * when each is a whole frame with its own time: a known codec in a container that times every
 * packet, every packet timed, no two at the same time (the decoder would re-time one of them), and
 * the first shown frame decodable on its own. Anything else is decoded instead.
 */
export function packetFrames(json: unknown, facts: Pick<VideoFacts, 'codec' | 'format'>): PacketFrames {
  const packets = (json as RawListing).packets ?? [];
  const frames: IndexedFrame[] = [];
  let untimed = 0;
  for (const packet of packets) {
    const flags = packet.flags ?? '';
    if (flags.includes('D')) continue;
    const pts = finite(packet.pts_time);
    if (pts === null) untimed += 1;
    else frames.push({ pts, key: flags.includes('K') });
  }
  frames.sort((a, b) => a.pts - b.pts);
  let distrust: string | null = null;
  if (!ONE_FRAME_PER_PACKET.has(facts.codec)) distrust = `codec ${facts.codec}`;
  else if (!TIMED_CONTAINERS.test(facts.format)) distrust = `container ${facts.format}`;
  else if (frames.length === 0) distrust = 'no timed packet';
  else if (untimed > 0) distrust = `${untimed} packet(s) without a time`;
  else if (frames.some((f, i) => i > 0 && f.pts === frames[i - 1]!.pts)) distrust = 'packets sharing a time';
  else if (!frames.some((f) => f.key)) distrust = 'no key frame';
  return { frames, distrust };
}

/** The frames of a `-show_frames` listing (a full decode), in the order the decoder gave them. */
export function decodedFrames(json: unknown): IndexedFrame[] {
  const frames: IndexedFrame[] = [];
  for (const frame of (json as RawListing).frames ?? []) {
    const pts = finite(frame.best_effort_timestamp_time);
    if (pts !== null) frames.push({ pts, key: frame.key_frame === 1 });
  }
  return frames;
}

/** When the listing's last frame (by time) ends: its time plus its duration; null when it has no duration. */
export function listingEnd(json: unknown): number | null {
  const raw = json as RawListing;
  let end: number | null = null;
  let last = -Infinity;
  const entries = [...(raw.packets ?? []).map((p) => [p.pts_time, p.duration_time, p.flags ?? ''] as const), ...(raw.frames ?? []).map((f) => [f.best_effort_timestamp_time, f.duration_time, ''] as const)];
  for (const [time, duration, flags] of entries) {
    const pts = finite(time);
    if (pts === null || flags.includes('D') || pts < last) continue;
    last = pts;
    const length = finite(duration);
    end = length !== null && length > 0 ? pts + length : null;
  }
  return end;
}

/** Frames with pts in [from, to); either bound may be absent. */
export function framesInRange(frames: readonly IndexedFrame[], range: { from?: number; to?: number }): IndexedFrame[] {
  const { from = -Infinity, to = Infinity } = range;
  return frames.filter((f) => f.pts >= from && f.pts < to);
}

function finite(value: string | undefined): number | null {
  if (value === undefined || value === 'N/A' || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function positive(value: string | undefined): number | null {
  const n = finite(value);
  return n !== null && n > 0 ? n : null;
}
