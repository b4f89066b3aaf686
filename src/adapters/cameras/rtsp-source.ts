import type { CameraCredentials } from '../../domain/cameras/camera.js';
import { rtspGrabArgs } from '../../domain/cameras/grab-commands.js';
import { redactUrl } from '../../domain/redact.js';
import { grabJpegs } from './ffmpeg-grab.js';
import type { CameraFrame, FrameRequest, FrameSource } from './frame-source.js';
import type { NetworkPolicy } from './network-policy.js';

export interface VideoSourceDeps {
  /** The ffmpeg binary, located when first needed. */
  ffmpeg: () => string;
  policy: NetworkPolicy;
}

/** The URL with credentials in its userinfo, as ffmpeg takes them (it answers basic and digest challenges itself). */
export function withCredentials(url: string, credentials: CameraCredentials | null): string {
  if (!credentials) return url;
  const parsed = new URL(url);
  parsed.username = credentials.username;
  parsed.password = credentials.password;
  return parsed.toString();
}

/**
 * An RTSP camera: each frame is one short ffmpeg session over TCP (DESCRIBE, SETUP, PLAY, the
 * first decodable picture), every socket wait bounded by the deadline. A session per frame costs
 * a connection and a keyframe wait, and holds no process or memory between frames: right for
 * archiving every few seconds from many cameras.
 */
export class RtspSource implements FrameSource {
  private readonly shown: string;

  constructor(
    private readonly deps: VideoSourceDeps,
    private readonly url: string,
    private readonly credentials: CameraCredentials | null,
  ) {
    this.shown = redactUrl(url);
  }

  async latest(request: FrameRequest): Promise<CameraFrame> {
    const started = performance.now();
    await this.deps.policy.check(this.url);
    const args = rtspGrabArgs(withCredentials(this.url, this.credentials), { timeoutMs: request.deadlineMs });
    const [bytes] = await grabJpegs(this.deps.ffmpeg(), args, { ...request, shown: this.shown });
    return { bytes: bytes!, contentType: 'image/jpeg', latencyMs: performance.now() - started };
  }

  async close(): Promise<void> {}
}
