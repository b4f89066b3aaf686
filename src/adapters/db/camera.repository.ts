import { sql, type Kysely, type Selectable } from 'kysely';
import type { Camera, CameraCredentials, CameraType } from '../../domain/cameras/camera.js';
import { sourceUrl } from '../../domain/cameras/camera.js';
import { boundingBox, distanceKm, type GeoPoint } from '../../domain/cameras/geo.js';
import { idsWithPrefix, type Page } from './pagination.js';
import type { CamerasTable, Database } from './schema.js';

export interface CameraFilter {
  city?: string;
  state?: string;
  country?: string;
  type?: CameraType;
  tag?: string;
  enabled?: boolean;
  /** Within `km` of a point; results then come nearest first. */
  near?: GeoPoint & { km: number };
}

/** A camera found by a search, with its distance when the search was by position. */
export interface FoundCamera {
  camera: Camera;
  distanceKm: number | null;
}

/** The columns of a camera, credentials excepted: listing never reads them. */
const PUBLIC_COLUMNS = ['id', 'name', 'type', 'source_url', 'city', 'state', 'country', 'latitude', 'longitude', 'tags', 'enabled', 'archive_interval', 'auth_scheme', 'data', 'created_at', 'updated_at'] as const;
type PublicRow = Pick<Selectable<CamerasTable>, (typeof PUBLIC_COLUMNS)[number]>;

/** Everything of a camera that has no column of its own. */
type CameraData = Pick<Camera, 'snapshotUrl' | 'ip' | 'port' | 'imagePath' | 'videoPath' | 'mjpegUrl' | 'm3u8Url' | 'rtspUrl' | 'hlsVariant' | 'source' | 'referenceUrl' | 'resolution' | 'frameRate' | 'isActiveImage' | 'isActiveVideo' | 'retentionDays' | 'retentionBytes'> & { timezone: string | null };

/** Registered cameras. Credentials are written with the camera and read only by `credentials()`. */
export class CameraRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(camera: Camera, credentials: CameraCredentials | null): Promise<void> {
    await this.db.insertInto('cameras').values({ ...toRow(camera), ...credentialColumns(credentials) }).execute();
  }

  /** Rewrites the camera; its credentials too unless `credentials` is undefined (kept as they are). */
  async update(camera: Camera, credentials: CameraCredentials | null | undefined): Promise<boolean> {
    const { id, created_at: _created, ...row } = toRow(camera);
    const values = credentials === undefined ? row : { ...row, ...credentialColumns(credentials) };
    const result = await this.db.updateTable('cameras').set(values).where('id', '=', id).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Ids starting with `prefix`, at most `limit` of them (enough to tell unique from ambiguous). */
  idsWithPrefix(prefix: string, limit: number): Promise<string[]> {
    return idsWithPrefix(this.db, 'cameras', prefix, limit);
  }

  async get(id: string): Promise<Camera | null> {
    const row = await this.db.selectFrom('cameras').select(PUBLIC_COLUMNS).where('id', '=', id).executeTakeFirst();
    return row ? toCamera(row) : null;
  }

  /** The camera registered with this address, if any. */
  async findBySourceUrl(url: string): Promise<Camera | null> {
    const row = await this.db.selectFrom('cameras').select(PUBLIC_COLUMNS).where('source_url', '=', url).executeTakeFirst();
    return row ? toCamera(row) : null;
  }

  /** Which of these ids and addresses are taken, in one query each. */
  async taken(ids: readonly string[], urls: readonly string[]): Promise<{ ids: Set<string>; urls: Map<string, string> }> {
    const takenIds = new Set<string>();
    const takenUrls = new Map<string, string>();
    for (let k = 0; k < Math.max(ids.length, urls.length); k += 500) {
      const idChunk = ids.slice(k, k + 500);
      const urlChunk = urls.slice(k, k + 500);
      if (idChunk.length > 0) for (const row of await this.db.selectFrom('cameras').select('id').where('id', 'in', idChunk).execute()) takenIds.add(row.id);
      if (urlChunk.length > 0) for (const row of await this.db.selectFrom('cameras').select(['id', 'source_url']).where('source_url', 'in', urlChunk).execute()) takenUrls.set(row.source_url, row.id);
    }
    return { ids: takenIds, urls: takenUrls };
  }

  async credentials(id: string): Promise<CameraCredentials | null> {
    const row = await this.db.selectFrom('cameras').select(['username', 'password', 'auth_scheme']).where('id', '=', id).executeTakeFirst();
    if (!row || row.username === null || row.password === null) return null;
    return { username: row.username, password: row.password, scheme: row.auth_scheme === 'digest' ? 'digest' : 'basic' };
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('cameras').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Enabled cameras with an archive interval: what `serve` and `worker` archive continuously. */
  async scheduled(): Promise<Camera[]> {
    const rows = await this.db.selectFrom('cameras').select(PUBLIC_COLUMNS).where('enabled', '=', 1).where('archive_interval', 'is not', null).orderBy('id').execute();
    return rows.map(toCamera);
  }

  /**
   * Cameras matching every filter given. By id otherwise, and `after` is the last id of the previous
   * page; by distance with `near` (an indexed box first, then the exact distance), and `after` is
   * how many came before.
   */
  async search(filter: CameraFilter, page: { limit: number; after?: string | null }): Promise<Page<FoundCamera>> {
    let query = this.db.selectFrom('cameras').select(PUBLIC_COLUMNS);
    for (const column of ['city', 'state', 'country'] as const) {
      const value = filter[column];
      if (value) query = query.where(sql<string>`lower(${sql.ref(column)})`, '=', value.toLowerCase());
    }
    if (filter.type) query = query.where('type', '=', filter.type);
    if (filter.tag) query = query.where(sql<boolean>`tags LIKE ${`%,${escapeLike(filter.tag.toLowerCase())},%`} ESCAPE '\\'`);
    if (filter.enabled !== undefined) query = query.where('enabled', '=', filter.enabled ? 1 : 0);
    const near = filter.near;
    if (!near) {
      if (page.after) query = query.where('id', '>', page.after);
      const rows = await query.orderBy('id').limit(page.limit + 1).execute();
      const items = rows.slice(0, page.limit).map((row) => ({ camera: toCamera(row), distanceKm: null }));
      return { items, next: rows.length > page.limit ? items.at(-1)!.camera.id : null };
    }
    const box = boundingBox(near, near.km);
    const rows = await query
      .where('latitude', '>=', box.minLatitude)
      .where('latitude', '<=', box.maxLatitude)
      .where('longitude', '>=', box.minLongitude)
      .where('longitude', '<=', box.maxLongitude)
      .execute();
    const found = rows
      .map((row) => ({ camera: toCamera(row), distanceKm: distanceKm(near, { latitude: row.latitude!, longitude: row.longitude! }) }))
      .filter((f) => f.distanceKm <= near.km)
      .sort((a, b) => a.distanceKm - b.distanceKm || (a.camera.id < b.camera.id ? -1 : 1));
    const skip = page.after && /^\d+$/.test(page.after) ? Number(page.after) : 0;
    const items = found.slice(skip, skip + page.limit);
    return { items, next: skip + page.limit < found.length ? String(skip + page.limit) : null };
  }
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function credentialColumns(credentials: CameraCredentials | null): Pick<CamerasTable, 'username' | 'password' | 'auth_scheme'> {
  return { username: credentials?.username ?? null, password: credentials?.password ?? null, auth_scheme: credentials?.scheme ?? null };
}

function toRow(camera: Camera): Omit<CamerasTable, 'username' | 'password'> {
  const data: CameraData = {
    snapshotUrl: camera.snapshotUrl,
    ip: camera.ip,
    port: camera.port,
    imagePath: camera.imagePath,
    videoPath: camera.videoPath,
    mjpegUrl: camera.mjpegUrl,
    m3u8Url: camera.m3u8Url,
    rtspUrl: camera.rtspUrl,
    hlsVariant: camera.hlsVariant,
    source: camera.source,
    referenceUrl: camera.referenceUrl,
    resolution: camera.resolution,
    frameRate: camera.frameRate,
    isActiveImage: camera.isActiveImage,
    isActiveVideo: camera.isActiveVideo,
    retentionDays: camera.retentionDays,
    retentionBytes: camera.retentionBytes,
    timezone: camera.location.timezone,
  };
  return {
    id: camera.id,
    name: camera.name,
    type: camera.type,
    source_url: sourceUrl(camera) ?? '',
    city: camera.location.city,
    state: camera.location.state,
    country: camera.location.country,
    latitude: camera.location.latitude,
    longitude: camera.location.longitude,
    tags: `,${camera.tags.join(',')},`,
    enabled: camera.enabled ? 1 : 0,
    archive_interval: camera.archiveInterval,
    auth_scheme: camera.auth,
    data: JSON.stringify(data),
    created_at: camera.createdAt,
    updated_at: camera.updatedAt,
  };
}

function toCamera(row: PublicRow): Camera {
  const data = JSON.parse(row.data) as CameraData;
  return {
    id: row.id,
    name: row.name,
    type: row.type as CameraType,
    snapshotUrl: data.snapshotUrl,
    ip: data.ip,
    port: data.port,
    imagePath: data.imagePath,
    videoPath: data.videoPath,
    mjpegUrl: data.mjpegUrl,
    m3u8Url: data.m3u8Url,
    rtspUrl: data.rtspUrl,
    // Cameras stored before the field existed have none: the default variant.
    hlsVariant: data.hlsVariant ?? null,
    auth: row.auth_scheme === 'digest' || row.auth_scheme === 'basic' ? row.auth_scheme : null,
    location: { city: row.city, state: row.state, country: row.country, latitude: row.latitude, longitude: row.longitude, timezone: data.timezone },
    source: data.source,
    referenceUrl: data.referenceUrl,
    resolution: data.resolution,
    frameRate: data.frameRate,
    isActiveImage: data.isActiveImage,
    isActiveVideo: data.isActiveVideo,
    tags: row.tags.split(',').filter(Boolean),
    enabled: row.enabled === 1,
    archiveInterval: row.archive_interval,
    retentionDays: data.retentionDays,
    retentionBytes: data.retentionBytes,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
