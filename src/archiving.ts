import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Clock } from './adapters/clock.js';
import { ArchiverRegistry } from './adapters/db/archiver-registry.js';
import { CameraHealthRepository } from './adapters/db/camera-health.repository.js';
import type { DatabaseHandle } from './adapters/db/database.js';
import { FrameRepository } from './adapters/db/frame.repository.js';
import type { SystemMediaTools } from './adapters/media/ffmpeg.js';
import type { DecodePool } from './adapters/cameras/decode-pool.js';
import type { Config } from './config/config.js';
import { Archiver, type FrameSink } from './services/archiver.js';
import type { CameraService } from './services/camera.service.js';
import { ContinuousArchiver, defaultContinuousOptions } from './services/continuous-archiver.js';
import type { FileService } from './services/file.service.js';
import { FrameRetention } from './services/frame-retention.js';
import { LibraryFrameSink } from './services/library-frame-sink.js';

/** Fetch settings of continuous archiving: those of `camtrove archive`'s defaults. */
const FETCH = { diffPct: 1, concurrency: 64, perHost: 4, timeoutMs: 10_000, maxBytes: 32 * 1024 * 1024, retries: 2 };

type LibraryParts = { config: Readonly<Config>; files: FileService; database: DatabaseHandle; media: SystemMediaTools; clock: Clock };

/**
 * An Archiver over every camera driver, with change detection on decode threads and the library
 * as the frames' sink (plus `extraSinks`). The HTTP client and the drivers are loaded here, when a
 * process archives, not by every command. `close()` ends connections and threads.
 */
export async function openArchiver(deps: LibraryParts, options: { perHost: number; extraSinks?: FrameSink[] }): Promise<{ archiver: Archiver; frames: FrameRepository; decoder: DecodePool; close: () => Promise<void> }> {
  const [{ CameraHttp }, { CameraDrivers }, { NetworkPolicy }, { DecodePool }] = await Promise.all([
    import('./adapters/cameras/camera-http.js'),
    import('./adapters/cameras/camera-drivers.js'),
    import('./adapters/cameras/network-policy.js'),
    import('./adapters/cameras/decode-pool.js'),
  ]);
  const http = new CameraHttp({ connectionsPerHost: options.perHost, policy: new NetworkPolicy(deps.config.cameraNetworks) });
  const decoder = new DecodePool();
  const drivers = new CameraDrivers({ http, ffmpeg: () => deps.media.ensureAvailable().ffmpeg });
  const frames = new FrameRepository(deps.database.db);
  const sinks = [new LibraryFrameSink(deps.files, frames, deps.clock), ...(options.extraSinks ?? [])];
  const archiver = new Archiver({ open: (target) => drivers.open(target.camera, target.credentials), decode: (bytes) => decoder.decode(bytes), sinks, clock: deps.clock });
  return { archiver, frames, decoder, close: async () => void (await Promise.all([http.close(), decoder.close()])) };
}

/** Composes continuous archiving over openArchiver and starts it. */
export async function startContinuousArchiving(
  deps: LibraryParts & { cameras: CameraService; logger: Logger },
  timing: Partial<typeof defaultContinuousOptions> = {},
): Promise<ContinuousArchiver> {
  const { config, clock, logger } = deps;
  const { archiver, frames, close } = await openArchiver(deps, { perHost: FETCH.perHost });
  const continuous = new ContinuousArchiver(
    { cameras: deps.cameras, health: new CameraHealthRepository(deps.database.db), registry: new ArchiverRegistry(deps.database.db), archiver, retention: new FrameRetention(frames, deps.files, clock), clock, logger, owner: `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}` },
    { ...defaultContinuousOptions, ...timing, fetch: { ...FETCH, diffPct: config.archiveDiff } },
  );
  continuous.onStop(close);
  await continuous.start();
  return continuous;
}
