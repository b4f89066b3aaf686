import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Clock } from './adapters/clock.js';
import { CameraHealthRepository } from './adapters/db/camera-health.repository.js';
import type { DatabaseHandle } from './adapters/db/database.js';
import { FrameRepository } from './adapters/db/frame.repository.js';
import type { SystemMediaTools } from './adapters/media/ffmpeg.js';
import type { Config } from './config/config.js';
import { Archiver } from './services/archiver.js';
import type { CameraService } from './services/camera.service.js';
import { ContinuousArchiver, defaultContinuousOptions } from './services/continuous-archiver.js';
import type { FileService } from './services/file.service.js';
import { FrameRetention } from './services/frame-retention.js';
import { LibraryFrameSink } from './services/library-frame-sink.js';

/** Fetch settings of continuous archiving: those of `camtrove archive`'s defaults. */
const FETCH = { diffPct: 1, concurrency: 64, perHost: 4, timeoutMs: 10_000, maxBytes: 32 * 1024 * 1024, retries: 2 };

/**
 * Composes continuous archiving (camera drivers, change detection, the library as the frames'
 * sink) and starts it. The HTTP client and libvips are loaded here, when a
 * process archives, not by every command.
 */
export async function startContinuousArchiving(
  deps: { config: Readonly<Config>; cameras: CameraService; files: FileService; database: DatabaseHandle; media: SystemMediaTools; clock: Clock; logger: Logger },
  timing: Partial<typeof defaultContinuousOptions> = {},
): Promise<ContinuousArchiver> {
  const { config, clock, logger } = deps;
  const [{ CameraHttp }, { CameraDrivers }, { NetworkPolicy }, { DecodePool }] = await Promise.all([
    import('./adapters/cameras/camera-http.js'),
    import('./adapters/cameras/camera-drivers.js'),
    import('./adapters/cameras/network-policy.js'),
    import('./adapters/cameras/decode-pool.js'),
  ]);
  const http = new CameraHttp({ connectionsPerHost: FETCH.perHost, policy: new NetworkPolicy(config.cameraNetworks) });
  const decoder = new DecodePool();
  await decoder.ready;
  const drivers = new CameraDrivers({ http, ffmpeg: () => deps.media.ensureAvailable().ffmpeg });
  const frames = new FrameRepository(deps.database.db);
  const archiver = new Archiver({ open: (target) => drivers.open(target.camera, target.credentials), decode: (bytes) => decoder.decode(bytes), sinks: [new LibraryFrameSink(deps.files, frames, clock)] });
  const continuous = new ContinuousArchiver(
    { cameras: deps.cameras, health: new CameraHealthRepository(deps.database.db), archiver, retention: new FrameRetention(frames, deps.files, clock), clock, logger, owner: `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}` },
    { ...defaultContinuousOptions, ...timing, fetch: { ...FETCH, diffPct: config.archiveDiff } },
  );
  continuous.onStop(async () => {
    await Promise.all([http.close(), decoder.close()]);
  });
  await continuous.start();
  return continuous;
}
