import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { Command } from 'commander';
import type { FoundCamera } from '../../adapters/db/camera.repository.js';
import type { Page } from '../../adapters/db/pagination.js';
import { cameraTypes, publicCamera, type Camera, type CameraInput, type CameraType } from '../../domain/cameras/camera.js';
import { parseCameraList } from '../../domain/cameras/camera-import.js';
import { healthStatus, publicHealth, type CameraHealth } from '../../domain/cameras/camera-health.js';
import { parseByteSize } from '../../domain/byte-size.js';
import { CamtroveError } from '../../domain/errors.js';
import { addCommonOptions, withLibrary, type CommonOptions } from '../context.js';
import { emit, table } from '../output.js';

interface AddFlags extends CommonOptions {
  type: string;
  url?: string;
  name?: string;
  ip?: string;
  port?: string;
  imagePath?: string;
  videoPath?: string;
  username?: string;
  password?: string;
  auth?: string;
  city?: string;
  state?: string;
  country?: string;
  lat?: string;
  lon?: string;
  timezone?: string;
  source?: string;
  tag: string[];
  disabled?: boolean;
  archiveInterval?: string;
  retentionDays?: string;
  retentionSize?: string;
  hlsVariant?: string;
}

interface SearchFlags extends CommonOptions {
  city?: string;
  state?: string;
  country?: string;
  type?: string;
  tag?: string;
  near?: string;
  radius?: string;
  limit: string;
  after?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function camerasCommand(): Command {
  const cameras = new Command('cameras').description('the camera registry: add, list, search, show, remove and import cameras');

  addCommonOptions(
    cameras
      .command('add')
      .description('register a camera')
      .argument('<id>', 'your id for the camera (letters, digits, . _ - @ +)')
      .requiredOption('--type <type>', `how frames are fetched: ${cameraTypes.join(', ')}`)
      .option('--url <url>', 'the snapshot, MJPEG, HLS (m3u8) or RTSP URL, by --type')
      .option('--name <name>', 'a name for people')
      .option('--ip <host>', 'ip cameras: host or address')
      .option('--port <n>', 'ip cameras: port')
      .option('--image-path <path>', 'ip cameras: snapshot path (http://ip:port/path)')
      .option('--video-path <path>', 'ip cameras: MJPEG path')
      .option('--username <name>', 'credentials, stored and used, never shown again')
      .option('--password <secret>', 'the password (visible to other users of this machine in the process list: prefer `cameras import` or the API)')
      .option('--auth <scheme>', 'basic (default) or digest')
      .option('--city <city>')
      .option('--state <state>')
      .option('--country <country>')
      .option('--lat <degrees>', 'latitude')
      .option('--lon <degrees>', 'longitude')
      .option('--timezone <zone>', 'IANA time zone, e.g. America/Chicago')
      .option('--source <text>', 'where the listing came from')
      .option('--tag <tag>', 'a tag (repeatable)', collect, [])
      .option('--disabled', 'register it switched off')
      .option('--archive-interval <s>', 'archive a frame every this many seconds under serve/worker')
      .option('--retention-days <d>', 'keep archived frames this many days')
      .option('--retention-size <size>', 'keep at most this much of its archived frames, e.g. 20GB (the oldest go first)')
      .option('--hls-variant <choice>', 'hls cameras with several variants: highest, lowest or a height such as 1080 (default: the one closest to 720p)'),
  ).action(async (id: string, flags: AddFlags) => {
    const input = addInput(id, flags);
    await withLibrary(flags, async (library) => {
      const camera = await library.cameras.add(input);
      emit(flags.json, publicCamera(camera), () => `camera ${camera.id} registered (${camera.type}, ${publicCamera(camera).url})`);
    });
  });

  addCommonOptions(cameras.command('ls').description('list cameras').option('--limit <n>', 'cameras per page', '100').option('--after <cursor>', 'the next page, from the previous one'))
    .action(async (flags: SearchFlags) => {
      await withLibrary(flags, async (library) => {
        const found = await library.cameras.search({}, page(flags));
        show(flags, found, await library.cameras.healthOf(found.items.map((f) => f.camera.id)));
      });
    });

  addCommonOptions(
    cameras
      .command('search')
      .description('find cameras by place, type, tag or distance')
      .option('--city <city>')
      .option('--state <state>')
      .option('--country <country>')
      .option('--type <type>', cameraTypes.join(', '))
      .option('--tag <tag>')
      .option('--near <lat,lon>', 'cameras around a point, nearest first (with --radius)')
      .option('--radius <km>', 'distance from --near, km', '10')
      .option('--limit <n>', 'cameras per page', '100')
      .option('--after <cursor>', 'the next page, from the previous one'),
  ).action(async (flags: SearchFlags) => {
    const filter = {
      city: flags.city,
      state: flags.state,
      country: flags.country,
      tag: flags.tag,
      type: flags.type === undefined ? undefined : cameraType(flags.type),
      near: flags.near === undefined ? undefined : { ...point(flags.near), km: number('--radius', flags.radius ?? '10') },
    };
    await withLibrary(flags, async (library) => {
      const found = await library.cameras.search(filter, page(flags));
      show(flags, found, await library.cameras.healthOf(found.items.map((f) => f.camera.id)));
    });
  });

  addCommonOptions(cameras.command('show').description('show one camera (never its credentials)').argument('<id>', 'camera id'))
    .action(async (id: string, flags: CommonOptions) => {
      await withLibrary(flags, async (library) => {
        const found = await library.cameras.get(id);
        const health = (await library.cameras.healthOf([id])).get(id);
        const camera = { ...publicCamera(found), health: health ? publicHealth(health) : null };
        const fields = { ...publicCamera(found), health: healthStatus(health), ...(health ? Object.fromEntries(Object.entries(publicHealth(health)).map(([k, v]) => [`health.${k}`, v])) : {}) };
        emit(flags.json, camera, () => table(['FIELD', 'VALUE'], Object.entries(fields).filter(([, v]) => v !== null && !(Array.isArray(v) && v.length === 0)).map(([k, v]) => [k, Array.isArray(v) ? v.join(' ') : String(v)])));
      });
    });

  addCommonOptions(cameras.command('rm').description('remove a camera').argument('<id>', 'camera id'))
    .action(async (id: string, flags: CommonOptions) => {
      await withLibrary(flags, async (library) => {
        await library.cameras.remove(id);
        emit(flags.json, { id, deleted: true }, () => `camera ${id} removed`);
      });
    });

  addCommonOptions(
    cameras
      .command('import')
      .description('register the cameras of a list (camera database format, JSON or CSV); those already registered are skipped')
      .argument('<file>', 'a .json or .csv camera list')
      .option('--format <format>', 'json or csv (default: from the file name)'),
  ).action(async (file: string, flags: CommonOptions & { format?: string }) => {
    const format = flags.format ?? (extname(file).toLowerCase() === '.csv' ? 'csv' : 'json');
    if (format !== 'json' && format !== 'csv') throw new CamtroveError('CAMTROVE_ERR_INVALID_CAMERA', `--format must be json or csv, not ${format}`);
    const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new CamtroveError('CAMTROVE_ERR_INVALID_CAMERA', `cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
    });
    const parsed = parseCameraList(text, format);
    await withLibrary(flags, async (library) => {
      const report = await library.cameras.import(parsed.cameras);
      const invalid = [...parsed.problems, ...report.invalid].sort((a, b) => a.row - b.row);
      emit(flags.json, { ...report, invalid }, () => {
        const lines = [`${report.added.length} added, ${report.skipped.length} already registered, ${invalid.length} invalid (of ${parsed.cameras.length + parsed.problems.length} in ${file})`];
        if (report.skipped.length > 0) lines.push('', table(['ROW', 'CAMERA', 'SKIPPED BECAUSE'], report.skipped.map((s) => [String(s.row), s.id, s.reason])));
        if (invalid.length > 0) lines.push('', table(['ROW', 'CAMERA', 'PROBLEM'], invalid.map((p) => [String(p.row), p.id ?? '-', p.reason])));
        return lines.join('\n');
      });
      if (invalid.length > 0) process.exitCode = 1;
    });
  });
  return cameras;
}

function addInput(id: string, flags: AddFlags): CameraInput {
  const type = cameraType(flags.type);
  const url = flags.url ?? null;
  const urlField = { snapshot: 'snapshot_url', ip: null, mjpeg: 'mjpeg_url', hls: 'm3u8_url', rtsp: 'rtsp_url', import: null }[type];
  if (url !== null && urlField === null) {
    throw new CamtroveError('CAMTROVE_ERR_INVALID_CAMERA', type === 'ip' ? 'an ip camera is given by --ip, --port and --image-path or --video-path, not --url' : 'an import camera has no address (its footage comes from imported files), so no --url');
  }
  const latitude = flags.lat === undefined ? null : number('--lat', flags.lat);
  const longitude = flags.lon === undefined ? null : number('--lon', flags.lon);
  return {
    id,
    type,
    ...(urlField ? { [urlField]: url } : {}),
    name: flags.name ?? null,
    ip: flags.ip ?? null,
    port: flags.port === undefined ? null : number('--port', flags.port),
    image_path: flags.imagePath ?? null,
    video_path: flags.videoPath ?? null,
    username: flags.username ?? null,
    password: flags.password ?? null,
    auth: flags.auth === undefined ? null : flags.auth === 'digest' || flags.auth === 'basic' ? flags.auth : invalidFlag('--auth', flags.auth, 'basic or digest'),
    city: flags.city ?? null,
    state: flags.state ?? null,
    country: flags.country ?? null,
    latitude,
    longitude,
    timezone: flags.timezone ?? null,
    source: flags.source ?? null,
    tags: flags.tag,
    enabled: !flags.disabled,
    archive_interval: flags.archiveInterval === undefined ? null : number('--archive-interval', flags.archiveInterval),
    retention_days: flags.retentionDays === undefined ? null : number('--retention-days', flags.retentionDays),
    retention_bytes: flags.retentionSize === undefined ? null : (parseByteSize(flags.retentionSize) ?? invalidFlag('--retention-size', flags.retentionSize, 'a size such as 500MB or 20GB')),
    hls_variant: flags.hlsVariant ?? null,
  };
}

function show(flags: CommonOptions, found: Page<FoundCamera>, health: Map<string, CameraHealth>): void {
  const rows = found.items.map((f) => {
    const h = health.get(f.camera.id);
    return { ...publicCamera(f.camera), ...(f.distanceKm === null ? {} : { distance_km: Math.round(f.distanceKm * 1000) / 1000 }), health: h ? publicHealth(h) : null };
  });
  emit(flags.json, { cameras: rows, next: found.next }, () => {
    if (rows.length === 0) return 'no cameras';
    const withDistance = found.items.some((f) => f.distanceKm !== null);
    const lines = table(
      ['ID', 'TYPE', 'NAME', 'PLACE', ...(withDistance ? ['KM'] : []), 'TAGS', 'ON', 'HEALTH', 'LAST FRAME', 'FRAMES', 'LATENCY', 'URL'],
      found.items.map((f) => {
        const h = health.get(f.camera.id);
        return [
          f.camera.id, f.camera.type, f.camera.name ?? '-', place(f.camera), ...(withDistance ? [f.distanceKm!.toFixed(1)] : []), f.camera.tags.join(' ') || '-', f.camera.enabled ? 'yes' : 'no',
          healthStatus(h), h?.lastSuccessAt ? new Date(h.lastSuccessAt).toISOString().replace(/\.\d+Z$/, 'Z') : '-', h ? `${h.framesSaved} kept, ${h.framesSkipped} skipped` : '-', h?.latencyMs != null ? `${h.latencyMs} ms` : '-', publicCamera(f.camera).url ?? '-',
        ];
      }),
    );
    const failing = found.items.map((f) => health.get(f.camera.id)).filter((h): h is CameraHealth => Boolean(h && h.consecutiveFailures > 0 && h.lastError));
    const errors = failing.length > 0 ? `\n\n${table(['FAILING', 'LAST ERROR'], failing.map((h) => [h.cameraId, h.lastError!]))}` : '';
    return found.next ? `${lines}${errors}\nmore: --after ${found.next}` : `${lines}${errors}`;
  });
}

function place(camera: Camera): string {
  return [camera.location.city, camera.location.state, camera.location.country].filter(Boolean).join(', ') || '-';
}

function page(flags: SearchFlags): { limit: number; after: string | null } {
  const limit = number('--limit', flags.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) invalidFlag('--limit', flags.limit, 'an integer from 1 to 1000');
  return { limit, after: flags.after ?? null };
}

function cameraType(value: string): CameraType {
  return (cameraTypes as readonly string[]).includes(value) ? (value as CameraType) : invalidFlag('--type', value, cameraTypes.join(', '));
}

function point(value: string): { latitude: number; longitude: number } {
  const parts = value.split(',').map((p) => p.trim());
  const [latitude, longitude] = parts.map(Number);
  if (parts.length !== 2 || !Number.isFinite(latitude) || !Number.isFinite(longitude) || Math.abs(latitude!) > 90 || Math.abs(longitude!) > 180) invalidFlag('--near', value, '"lat,lon" in degrees, e.g. 40.44,-79.99');
  return { latitude: latitude!, longitude: longitude! };
}

function number(flag: string, value: string): number {
  const parsed = Number(value);
  return value.trim() !== '' && Number.isFinite(parsed) ? parsed : invalidFlag(flag, value, 'a number');
}

function invalidFlag(flag: string, value: string, expected: string): never {
  throw new CamtroveError('CAMTROVE_ERR_INVALID_CAMERA', `${flag} must be ${expected}, not ${JSON.stringify(value)}`);
}
