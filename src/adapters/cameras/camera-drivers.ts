import type { Camera, CameraCredentials } from '../../domain/cameras/camera.js';
import { sourceUrl } from '../../domain/cameras/camera.js';
import { DEFAULT_VARIANT, parseVariantChoice } from '../../domain/cameras/hls-playlist.js';
import { CamtroveError } from '../../domain/errors.js';
import type { CameraHttp } from './camera-http.js';
import type { FrameSource } from './frame-source.js';
import { HlsSource } from './hls-source.js';
import { MjpegSource } from './mjpeg-source.js';
import { RtspSource, type VideoSourceDeps } from './rtsp-source.js';
import { SnapshotClient } from './snapshot-client.js';

/** Opens the right driver for a camera's type: one place that knows them all. */
export class CameraDrivers {
  private readonly snapshots: SnapshotClient;

  private readonly deps: VideoSourceDeps & { http: CameraHttp };

  /** `ffmpeg` locates the binary when an HLS or RTSP camera first needs it. */
  constructor(deps: { http: CameraHttp; ffmpeg: () => string }) {
    this.deps = { ...deps, policy: deps.http.policy };
    this.snapshots = new SnapshotClient(deps.http);
  }

  open(camera: Camera, credentials: CameraCredentials | null): FrameSource {
    const url = sourceUrl(camera);
    if (!url) throw new CamtroveError('CAMTROVE_ERR_INVALID_CAMERA', `camera ${camera.id} has no address for its type ${camera.type}`);
    switch (camera.type) {
      case 'snapshot':
        return this.snapshot(url, credentials);
      case 'ip':
        // An ip camera's still image when it lists one; its MJPEG stream otherwise.
        return camera.imagePath !== null ? this.snapshot(url, credentials) : new MjpegSource(this.deps.http, url, credentials);
      case 'mjpeg':
        return new MjpegSource(this.deps.http, url, credentials);
      case 'hls':
        return new HlsSource({ http: this.deps.http, ffmpeg: this.deps.ffmpeg }, url, credentials, (camera.hlsVariant && parseVariantChoice(camera.hlsVariant)) || DEFAULT_VARIANT);
      case 'rtsp':
        return new RtspSource(this.deps, url, credentials);
      case 'import':
        throw new CamtroveError('CAMTROVE_ERR_INVALID_CAMERA', `camera ${camera.id} is known only from imported files; it has no address to archive frames from`);
    }
  }

  private snapshot(url: string, credentials: CameraCredentials | null): FrameSource {
    return {
      latest: (request) => this.snapshots.fetch({ url, credentials, ...request }),
      close: async () => undefined,
    };
  }
}
