import { systemClock } from '../clock.js';
import type { ImageKind } from '../../domain/cameras/image-bytes.js';

/** One frame from a camera, its bytes exactly as the camera (or, for video, ffmpeg's JPEG encoder) made them. */
export interface CameraFrame {
  bytes: Buffer;
  /** From the bytes themselves, not the camera's Content-Type. */
  contentType: ImageKind;
  latencyMs: number;
  /** Epoch microseconds the frame arrived, when the driver knows it better than "when it was asked for" (a stream's newest frame). */
  receivedAtMicros?: number;
}

export interface FrameRequest {
  /** The frame must be in hand within this (connect, headers, body; or a stream's next frame). */
  deadlineMs: number;
  /** A larger frame is refused. */
  maxBytes: number;
  signal?: AbortSignal;
}

/**
 * A camera driver: "give me the latest frame". Snapshot cameras fetch one per call; stream
 * drivers (MJPEG) keep a connection open and hand over the newest frame received; video drivers
 * (HLS, RTSP) decode one with ffmpeg. close() ends whatever the driver keeps open.
 */
export interface FrameSource {
  latest(request: FrameRequest): Promise<CameraFrame>;
  close(): Promise<void>;
}

/** Epoch microseconds from the high-resolution clock. */
export const nowMicros = (): number => systemClock.nowMicros();
