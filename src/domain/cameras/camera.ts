import { CamtroveError } from '../errors.js';
import { isIP } from 'node:net';
import { redactUrl } from '../redact.js';
import { parseVariantChoice } from './hls-playlist.js';
import { isTimeZone } from '../time-zone.js';

/**
 * How camtrove reaches a camera: a still over HTTP, an MJPEG stream, an HLS playlist or RTSP; or
 * `import`, a camera known only from imported files (it has no address and is never archived).
 */
export const cameraTypes = ['snapshot', 'ip', 'mjpeg', 'hls', 'rtsp', 'import'] as const;
export type CameraType = (typeof cameraTypes)[number];

export interface CameraCredentials {
  username: string;
  password: string;
  /** `basic` sends them with every request; `digest` answers the camera's challenge. */
  scheme: 'basic' | 'digest';
}

/** Where a camera is and where its listing came from; every field optional. */
export interface CameraLocation {
  city: string | null;
  state: string | null;
  country: string | null;
  latitude: number | null;
  longitude: number | null;
  /** IANA time zone, e.g. America/Chicago. */
  timezone: string | null;
}

/** A camera as registered in the library. Its credentials are kept apart (validateCamera returns them beside it): nothing that shows a camera can show them. */
export interface Camera {
  /** User-given, e.g. the `cameraID` of a camera database; a path segment in `--out` trees. */
  id: string;
  name: string | null;
  type: CameraType;
  snapshotUrl: string | null;
  ip: string | null;
  port: number | null;
  imagePath: string | null;
  videoPath: string | null;
  mjpegUrl: string | null;
  m3u8Url: string | null;
  rtspUrl: string | null;
  /** Which variant of an HLS master playlist to archive: `highest`, `lowest` or a height (`720`); null: closest to 720. */
  hlsVariant: string | null;
  /** How the camera wants its credentials, when it has some. */
  auth: CameraCredentials['scheme'] | null;
  location: CameraLocation;
  source: string | null;
  referenceUrl: string | null;
  /** e.g. "640x480"; what the listing says, not measured. */
  resolution: string | null;
  frameRate: number | null;
  isActiveImage: boolean | null;
  isActiveVideo: boolean | null;
  tags: string[];
  enabled: boolean;
  /** Seconds between archived frames when `serve`/`worker` archive it continuously; null: not archived. */
  archiveInterval: number | null;
  /** Retention of archived frames: the oldest go first past either limit. */
  retentionDays: number | null;
  retentionBytes: number | null;
  createdAt: number;
  updatedAt: number;
}

/** What a user gives to register a camera (snake_case, as the API, the CLI and camera lists name it). */
export interface CameraInput {
  id: string;
  name?: string | null;
  type: CameraType;
  snapshot_url?: string | null;
  ip?: string | null;
  port?: number | null;
  image_path?: string | null;
  video_path?: string | null;
  mjpeg_url?: string | null;
  m3u8_url?: string | null;
  rtsp_url?: string | null;
  hls_variant?: string | null;
  username?: string | null;
  password?: string | null;
  auth?: 'basic' | 'digest' | null;
  city?: string | null;
  state?: string | null;
  country?: string | null;
  latitude?: number | null;
  longitude?: number | null;
  timezone?: string | null;
  source?: string | null;
  reference_url?: string | null;
  resolution?: string | null;
  frame_rate?: number | null;
  is_active_image?: boolean | null;
  is_active_video?: boolean | null;
  tags?: string[];
  enabled?: boolean;
  archive_interval?: number | null;
  retention_days?: number | null;
  retention_bytes?: number | null;
}

/** Camera ids: a letter or digit, then letters, digits and . _ - @ +, at most 128: safe as a folder name. */
const CAMERA_ID = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/;
const TAG = /^[\p{L}\p{N}][\p{L}\p{N}._:-]{0,63}$/u;

function invalid(id: string, message: string): CamtroveError {
  return new CamtroveError('CAMTROVE_ERR_INVALID_CAMERA', `camera ${JSON.stringify(id)}: ${message}`);
}

/** A URL of one of the schemes given, or an error naming the field. */
function checkUrl(id: string, field: string, value: string | null | undefined, schemes: readonly string[]): string | null {
  if (value === undefined || value === null || value === '') return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(id, `${field} is not a URL: ${JSON.stringify(value)}`);
  }
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  if (!schemes.includes(scheme)) throw invalid(id, `${field} must be ${schemes.join(' or ')}, not ${scheme}`);
  if (url.username || url.password) throw invalid(id, `${field} carries credentials; give them as username and password instead, so they are never shown`);
  return url.toString();
}

/**
 * An ip camera's `ip`: an IP address (IPv6 with or without brackets) or a host name, nothing else.
 * It becomes the host of http://ip:port/image_path, so a slash, an `@` or a space would let it
 * smuggle a path, a user or another host into that URL.
 */
function checkHost(id: string, value: string | null | undefined): string | null {
  const host = text(value);
  if (host === null) return null;
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (isIP(bare)) return bare;
  const labels = host.replace(/\.$/, '').split('.');
  const hostName = host.length <= 253 && labels.every((label) => /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i.test(label));
  if (!hostName) throw invalid(id, `ip must be an IP address or a host name, not ${JSON.stringify(host)}`);
  return host;
}

function text(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

function positive(id: string, field: string, value: number | null | undefined, integer = false): number | null {
  if (value === undefined || value === null) return null;
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) throw invalid(id, `${field} must be a positive ${integer ? 'integer' : 'number'}, not ${value}`);
  return value;
}

/**
 * Checks a camera as given and returns it as stored: every reason it cannot be registered is an
 * error naming the camera and the field. Each type needs its address: `snapshot` a snapshot_url,
 * `ip` an ip (and image_path or video_path), `mjpeg` an mjpeg_url, `hls` an m3u8_url, `rtsp` an
 * rtsp_url. Credentials never ride inside URLs.
 */
export function validateCamera(input: CameraInput, now: number, existing?: Pick<Camera, 'createdAt'>): { camera: Camera; credentials: CameraCredentials | null } {
  const id = typeof input.id === 'string' ? input.id.trim() : '';
  if (!CAMERA_ID.test(id)) throw invalid(id, 'the id must be 1 to 128 letters, digits and . _ - @ +, starting with a letter or digit');
  if (!cameraTypes.includes(input.type)) throw invalid(id, `type must be one of ${cameraTypes.join(', ')}, not ${JSON.stringify(input.type)}`);
  const camera: Camera = {
    id,
    name: text(input.name),
    type: input.type,
    snapshotUrl: checkUrl(id, 'snapshot_url', input.snapshot_url, ['http', 'https']),
    ip: checkHost(id, input.ip),
    port: positive(id, 'port', input.port, true),
    imagePath: text(input.image_path),
    videoPath: text(input.video_path),
    mjpegUrl: checkUrl(id, 'mjpeg_url', input.mjpeg_url, ['http', 'https']),
    m3u8Url: checkUrl(id, 'm3u8_url', input.m3u8_url, ['http', 'https']),
    rtspUrl: checkUrl(id, 'rtsp_url', input.rtsp_url, ['rtsp', 'rtsps']),
    hlsVariant: checkVariant(id, input.hls_variant),
    auth: null,
    location: {
      city: text(input.city),
      state: text(input.state),
      country: text(input.country),
      latitude: input.latitude ?? null,
      longitude: input.longitude ?? null,
      timezone: text(input.timezone),
    },
    source: text(input.source),
    referenceUrl: checkUrl(id, 'reference_url', input.reference_url, ['http', 'https']),
    resolution: text(input.resolution),
    frameRate: positive(id, 'frame_rate', input.frame_rate),
    isActiveImage: input.is_active_image ?? null,
    isActiveVideo: input.is_active_video ?? null,
    tags: [...new Set((input.tags ?? []).map((t) => t.trim().toLowerCase()).filter(Boolean))].sort(),
    enabled: input.enabled ?? true,
    archiveInterval: positive(id, 'archive_interval', input.archive_interval),
    retentionDays: positive(id, 'retention_days', input.retention_days),
    retentionBytes: positive(id, 'retention_bytes', input.retention_bytes, true),
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  const { latitude, longitude } = camera.location;
  if (latitude !== null && !(Number.isFinite(latitude) && latitude >= -90 && latitude <= 90)) throw invalid(id, `latitude must be between -90 and 90, not ${latitude}`);
  if (longitude !== null && !(Number.isFinite(longitude) && longitude >= -180 && longitude <= 180)) throw invalid(id, `longitude must be between -180 and 180, not ${longitude}`);
  if ((latitude === null) !== (longitude === null)) throw invalid(id, 'latitude and longitude go together');
  if (camera.location.timezone !== null && !isTimeZone(camera.location.timezone)) throw invalid(id, `timezone ${JSON.stringify(camera.location.timezone)} is not an IANA time zone (e.g. Europe/Paris)`);
  for (const tag of camera.tags) if (!TAG.test(tag)) throw invalid(id, `tag ${JSON.stringify(tag)} must be letters, digits and . _ : -, at most 64`);
  if (camera.port !== null && camera.port > 65535) throw invalid(id, `port must be at most 65535, not ${camera.port}`);
  let credentials: CameraCredentials | null = null;
  if (input.username || input.password) {
    if (!input.username || input.password === undefined || input.password === null) throw invalid(id, 'username and password go together');
    if (input.auth !== undefined && input.auth !== null && input.auth !== 'basic' && input.auth !== 'digest') throw invalid(id, `auth must be basic or digest, not ${JSON.stringify(input.auth)}`);
    credentials = { username: input.username, password: input.password, scheme: input.auth ?? 'basic' };
    camera.auth = credentials.scheme;
  }
  if (!sourceUrl(camera)) throw invalid(id, missingAddress(camera.type));
  if (camera.type === 'import' && camera.archiveInterval !== null) throw invalid(id, 'an import camera has no address to archive from, so no archive_interval');
  return { camera, credentials };
}

/** An HLS variant choice as stored: lower-case, checked. */
function checkVariant(id: string, value: string | null | undefined): string | null {
  if (value === undefined || value === null || value.trim() === '') return null;
  if (!parseVariantChoice(value)) throw invalid(id, `hls_variant must be highest, lowest or a height such as 720 or 1080p, not ${JSON.stringify(value)}`);
  return value.trim().toLowerCase();
}

function missingAddress(type: CameraType): string {
  switch (type) {
    case 'snapshot':
      return 'a snapshot camera needs snapshot_url';
    case 'ip':
      return 'an ip camera needs ip and image_path or video_path';
    case 'mjpeg':
      return 'an mjpeg camera needs mjpeg_url';
    case 'hls':
      return 'an hls camera needs m3u8_url';
    case 'rtsp':
      return 'an rtsp camera needs rtsp_url';
    case 'import':
      return 'an import camera needs no address';
  }
}

/**
 * The address frames come from, as one URL: what makes two listings the same camera. An `ip`
 * camera's is http://ip:port/image_path (or its video_path when it has no image path).
 */
export function sourceUrl(camera: Pick<Camera, 'id' | 'type' | 'snapshotUrl' | 'ip' | 'port' | 'imagePath' | 'videoPath' | 'mjpegUrl' | 'm3u8Url' | 'rtspUrl'>): string | null {
  switch (camera.type) {
    case 'snapshot':
      return camera.snapshotUrl;
    case 'mjpeg':
      return camera.mjpegUrl;
    case 'hls':
      return camera.m3u8Url;
    case 'rtsp':
      return camera.rtspUrl;
    case 'import':
      // Addresses are unique in the library; an import camera's stands for its files.
      return `import:${encodeURIComponent(camera.id)}`;
    case 'ip': {
      const path = camera.imagePath ?? camera.videoPath;
      if (!camera.ip || path === null) return null;
      const host = camera.ip.includes(':') && !camera.ip.startsWith('[') ? `[${camera.ip}]` : camera.ip;
      try {
        return new URL(`http://${host}${camera.port ? `:${camera.port}` : ''}/${path.replace(/^\/+/, '')}`).toString();
      } catch {
        return null;
      }
    }
  }
}

/**
 * A camera as the API and the CLI show it: snake_case; of its credentials only the scheme (`auth`),
 * and its addresses without secrets (`snapshot.cgi?user=admin&pwd=***`: many cameras take their
 * password in the query string). The store keeps them whole; see keepRedacted for the way back.
 */
export function publicCamera(camera: Camera) {
  const fields = cameraFields(camera);
  const hide = (value: string | null) => (value === null ? null : redactUrl(value));
  return {
    ...fields,
    url: hide(fields.url),
    snapshot_url: hide(fields.snapshot_url),
    image_path: hide(fields.image_path),
    video_path: hide(fields.video_path),
    mjpeg_url: hide(fields.mjpeg_url),
    m3u8_url: hide(fields.m3u8_url),
    rtsp_url: hide(fields.rtsp_url),
    reference_url: hide(fields.reference_url),
  };
}

/** The address fields publicCamera redacts, by their input names. */
const ADDRESS_FIELDS = ['snapshot_url', 'image_path', 'video_path', 'mjpeg_url', 'm3u8_url', 'rtsp_url', 'reference_url'] as const;

/**
 * Changes to a camera, with any address given back exactly as publicCamera showed it (its secrets
 * as `***`) replaced by the stored one: a client that reads a camera, edits its name and sends it
 * all back must not overwrite the camera's password with three stars.
 */
export function keepRedacted<T extends Partial<CameraInput>>(changes: T, stored: Camera): T {
  const current = cameraFields(stored);
  const kept: T = { ...changes };
  for (const field of ADDRESS_FIELDS) {
    const given = changes[field];
    const whole = current[field];
    if (typeof given === 'string' && whole !== null && given !== whole && given === redactUrl(whole)) kept[field] = whole;
  }
  return kept;
}

/** Every field of a camera in snake_case, addresses whole: for the store's own round trips, never shown. */
export function cameraFields(camera: Camera) {
  return {
    id: camera.id,
    name: camera.name,
    type: camera.type,
    url: sourceUrl(camera),
    snapshot_url: camera.snapshotUrl,
    ip: camera.ip,
    port: camera.port,
    image_path: camera.imagePath,
    video_path: camera.videoPath,
    mjpeg_url: camera.mjpegUrl,
    m3u8_url: camera.m3u8Url,
    rtsp_url: camera.rtspUrl,
    hls_variant: camera.hlsVariant,
    auth: camera.auth,
    ...camera.location,
    source: camera.source,
    reference_url: camera.referenceUrl,
    resolution: camera.resolution,
    frame_rate: camera.frameRate,
    is_active_image: camera.isActiveImage,
    is_active_video: camera.isActiveVideo,
    tags: camera.tags,
    enabled: camera.enabled,
    archive_interval: camera.archiveInterval,
    retention_days: camera.retentionDays,
    retention_bytes: camera.retentionBytes,
    created_at: new Date(camera.createdAt).toISOString(),
    updated_at: new Date(camera.updatedAt).toISOString(),
  };
}
