/** What camtrove knows about a media file, whatever tool found it out. */
export interface VideoInfo {
  format: string;
  /** Seconds, or null when the container does not say (live streams, some damaged files). */
  duration: number | null;
  size: number | null;
  bitRate: number | null;
  /** Capture/creation time from container metadata, ISO 8601 UTC, or null. */
  creationTime: string | null;
  video: VideoStreamInfo | null;
  audio: AudioStreamInfo | null;
  streams: StreamInfo[];
}

export interface VideoStreamInfo {
  codec: string;
  width: number;
  height: number;
  /** Width and height as shown, after rotation. */
  displayWidth: number;
  displayHeight: number;
  /** Frames per second (average rate), or null when unknown. */
  fps: number | null;
  frames: number | null;
  /** Clockwise display rotation in degrees: 0, 90, 180 or 270. */
  rotation: number;
  pixelFormat: string | null;
}

export interface AudioStreamInfo {
  codec: string;
  sampleRate: number | null;
  channels: number | null;
}

export interface StreamInfo {
  index: number;
  type: string;
  codec: string | null;
}

interface RawStream {
  index?: number;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  nb_frames?: string;
  pix_fmt?: string;
  sample_rate?: string;
  channels?: number;
  tags?: Record<string, string>;
  side_data_list?: { rotation?: number }[];
  disposition?: { attached_pic?: number };
}

interface RawProbe {
  streams?: RawStream[];
  format?: { format_name?: string; duration?: string; size?: string; bit_rate?: string; tags?: Record<string, string> };
}

/** Turns ffprobe's `-show_format -show_streams` JSON into VideoInfo; null when it names no stream. */
export function parseProbeOutput(json: unknown): VideoInfo | null {
  const raw = json as RawProbe;
  const streams = raw.streams ?? [];
  if (streams.length === 0 || !raw.format) return null;
  // Cover art is a "video" stream too; prefer a real one.
  const videoStream = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic) ?? null;
  const audioStream = streams.find((s) => s.codec_type === 'audio') ?? null;
  const format = raw.format;
  return {
    format: format.format_name ?? 'unknown',
    duration: positiveNumber(format.duration),
    size: positiveNumber(format.size),
    bitRate: positiveNumber(format.bit_rate),
    creationTime: parseCreationTime(format.tags?.creation_time ?? videoStream?.tags?.creation_time),
    video: videoStream ? videoInfo(videoStream) : null,
    audio: audioStream
      ? { codec: audioStream.codec_name ?? 'unknown', sampleRate: positiveNumber(audioStream.sample_rate), channels: audioStream.channels ?? null }
      : null,
    streams: streams.map((s, i) => ({ index: s.index ?? i, type: s.codec_type ?? 'unknown', codec: s.codec_name ?? null })),
  };
}

function videoInfo(stream: RawStream): VideoStreamInfo {
  const width = stream.width ?? 0;
  const height = stream.height ?? 0;
  const rotation = normaliseRotation(stream.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? Number(stream.tags?.rotate ?? 0));
  const quarterTurn = rotation === 90 || rotation === 270;
  return {
    codec: stream.codec_name ?? 'unknown',
    width,
    height,
    displayWidth: quarterTurn ? height : width,
    displayHeight: quarterTurn ? width : height,
    fps: parseRate(stream.avg_frame_rate) ?? parseRate(stream.r_frame_rate),
    frames: positiveNumber(stream.nb_frames),
    rotation,
    pixelFormat: stream.pix_fmt ?? null,
  };
}

/** "30000/1001" → 29.97; "0/0" → null. */
export function parseRate(rate: string | undefined): number | null {
  if (!rate) return null;
  const [num, den = '1'] = rate.split('/');
  const value = Number(num) / Number(den);
  return Number.isFinite(value) && value > 0 ? Math.round(value * 1000) / 1000 : null;
}

/** ffprobe reports display-matrix rotation counter-clockwise and negative; we say clockwise 0–270. */
function normaliseRotation(degrees: number): number {
  if (!Number.isFinite(degrees)) return 0;
  const clockwise = ((Math.round(-degrees / 90) * 90) % 360 + 360) % 360;
  return clockwise;
}

function positiveNumber(value: string | number | undefined): number | null {
  if (value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

function parseCreationTime(value: string | undefined): string | null {
  if (!value) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

/** VideoInfo as the API and CLI show it: snake_case like every other field camtrove answers with. */
export function videoInfoJson(info: VideoInfo) {
  const { video, audio } = info;
  return {
    format: info.format,
    duration: info.duration,
    size: info.size,
    bit_rate: info.bitRate,
    creation_time: info.creationTime,
    video: video && {
      codec: video.codec,
      width: video.width,
      height: video.height,
      display_width: video.displayWidth,
      display_height: video.displayHeight,
      fps: video.fps,
      frames: video.frames,
      rotation: video.rotation,
      pixel_format: video.pixelFormat,
    },
    audio: audio && { codec: audio.codec, sample_rate: audio.sampleRate, channels: audio.channels },
    streams: info.streams,
  };
}
