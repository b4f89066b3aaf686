import type { CameraCredentials } from '../../domain/cameras/camera.js';
import { rtspGrabArgs } from '../../domain/cameras/grab-commands.js';
import { redactUrl } from '../../domain/redact.js';
import { grabJpegs } from './ffmpeg-grab.js';
import type { CameraFrame, FrameRequest, FrameSource } from './frame-source.js';
import type { NetworkPolicy } from './network-policy.js';
import { RtspRelay } from './rtsp-relay.js';

export interface VideoSourceDeps {
  /** The ffmpeg binary, located when first needed. */
  ffmpeg: () => string;
  policy: NetworkPolicy;
}

/** The schemes of RTSP cameras. */
const RTSP_SCHEMES = ['rtsp', 'rtsps'];

/**
 * An RTSP camera: each frame is one short ffmpeg session over TCP (DESCRIBE, SETUP, PLAY, the
 * first decodable picture), every socket wait bounded by the deadline. A session per frame costs
 * a connection and a keyframe wait, and holds no process or memory between frames: right for
 * archiving every few seconds from many cameras. ffmpeg talks to the camera through an RtspRelay
 * of the session's own, which holds it to the network policy, refuses redirects and answers the
 * camera's auth challenges (ffmpeg never sees the credentials).
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
    // A refused address fails here, at once, with the policy's own words.
    await this.deps.policy.check(this.url, RTSP_SCHEMES);
    const relay = await RtspRelay.start({ url: this.url, credentials: this.credentials, policy: this.deps.policy, timeoutMs: request.deadlineMs });
    try {
      const args = rtspGrabArgs(relay.url, { timeoutMs: request.deadlineMs });
      const [bytes] = await grabJpegs(this.deps.ffmpeg(), args, { ...request, shown: this.shown });
      return { bytes: bytes!, contentType: 'image/jpeg', latencyMs: performance.now() - started };
    } catch (error) {
      throw relay.explain(error);
    } finally {
      await relay.close();
    }
  }

  async close(): Promise<void> {}
}
