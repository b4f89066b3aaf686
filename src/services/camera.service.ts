import type { Clock } from '../adapters/clock.js';
import type { CameraHealthRepository } from '../adapters/db/camera-health.repository.js';
import type { CameraFilter, CameraRepository, FoundCamera } from '../adapters/db/camera.repository.js';
import type { CameraHealth } from '../domain/cameras/camera-health.js';
import type { Page } from '../adapters/db/pagination.js';
import { cameraFields, keepRedacted, sourceUrl, validateCamera, type Camera, type CameraCredentials, type CameraInput } from '../domain/cameras/camera.js';
import { notFoundError, resolveId } from '../domain/ids.js';
import { CamtroveError } from '../domain/errors.js';
import { redactUrl } from '../domain/redact.js';

/** What an import did with each camera of a list. */
export interface CameraImportReport {
  added: string[];
  /** Already registered: the same id, or the same address under another id. */
  skipped: { row: number; id: string; reason: string }[];
  /** Could not be registered as given. */
  invalid: { row: number; id: string | null; reason: string }[];
}

/** The camera registry: add, change, look up, search, remove and import cameras. */
export class CameraService {
  constructor(
    private readonly cameras: CameraRepository,
    private readonly health: CameraHealthRepository,
    private readonly clock: Clock,
  ) {}

  async add(input: CameraInput): Promise<Camera> {
    const { camera, credentials } = validateCamera(input, this.clock.now());
    await this.refuseTaken(camera);
    try {
      await this.cameras.insert(camera, credentials);
    } catch (error) {
      // Another caller registered the same id or address between the check and the insert.
      await this.refuseTaken(camera);
      throw error;
    }
    return camera;
  }

  /**
   * Changes the fields given and keeps the rest. Credentials change only when a username or a
   * password is given; `username: null` removes them.
   */
  async update(id: string, changes: Partial<Omit<CameraInput, 'id'>>): Promise<Camera> {
    const current = await this.get(id);
    const merged: CameraInput = { ...toInput(current), ...keepRedacted(changes, current), id: current.id };
    const credentialsChange = 'username' in changes || 'password' in changes;
    if (!credentialsChange) {
      // Validation must not see the stored credentials (they are never read here); keep them as they are.
      delete merged.username;
      delete merged.password;
      delete merged.auth;
    }
    const { camera, credentials } = validateCamera(merged, this.clock.now(), current);
    if (!credentialsChange) camera.auth = current.auth;
    const url = sourceUrl(camera);
    const holder = url ? await this.cameras.findBySourceUrl(url) : null;
    if (holder && holder.id !== camera.id) throw new CamtroveError('CAMTROVE_ERR_CAMERA_EXISTS', `camera ${holder.id} already has the address ${redactUrl(url!)}`);
    if (!(await this.cameras.update(camera, credentialsChange ? credentials : undefined))) throw notFound(id);
    return camera;
  }

  /** The camera with this id, or null. */
  find(id: string): Promise<Camera | null> {
    return this.cameras.get(id);
  }

  /** The camera with this id, or with a unique prefix of at least 6 characters of one. */
  async get(idOrPrefix: string): Promise<Camera> {
    const id = await resolveId('camera', idOrPrefix, {
      exists: async (whole) => (await this.cameras.get(whole)) !== null,
      withPrefix: (prefix, limit) => this.cameras.idsWithPrefix(prefix, limit),
    });
    const camera = await this.cameras.get(id);
    if (!camera) throw notFound(id);
    return camera;
  }

  async remove(idOrPrefix: string): Promise<void> {
    const { id } = await this.get(idOrPrefix);
    if (!(await this.cameras.delete(id))) throw notFound(id);
    await this.health.remove(id);
  }

  /** How archiving went for these cameras; cameras never archived are absent. */
  healthOf(ids: readonly string[]): Promise<Map<string, CameraHealth>> {
    return this.health.forCameras(ids);
  }

  search(filter: CameraFilter, page: { limit: number; after?: string | null }): Promise<Page<FoundCamera>> {
    if (filter.near && !(filter.near.km > 0 && filter.near.km <= 20_100)) throw new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', `the search radius must be between 0 and 20,100 km, not ${filter.near.km}`);
    return this.cameras.search(filter, page);
  }

  /**
   * Registers the cameras of a list that are new. A camera whose id or address is already
   * registered (or appears earlier in the same list) is skipped and reported; one that cannot be
   * registered as given is reported with the reason, and the others still go in.
   */
  async import(rows: readonly { row: number; input: CameraInput }[]): Promise<CameraImportReport> {
    const report: CameraImportReport = { added: [], skipped: [], invalid: [] };
    const now = this.clock.now();
    const valid: { row: number; camera: ReturnType<typeof validateCamera> }[] = [];
    for (const { row, input } of rows) {
      try {
        valid.push({ row, camera: validateCamera(input, now) });
      } catch (error) {
        report.invalid.push({ row, id: typeof input.id === 'string' ? input.id : null, reason: error instanceof Error ? error.message : String(error) });
      }
    }
    const taken = await this.cameras.taken(
      valid.map((v) => v.camera.camera.id),
      valid.map((v) => sourceUrl(v.camera.camera)!),
    );
    const seenIds = new Map<string, number>();
    const seenUrls = new Map<string, string>();
    for (const { row, camera: validated } of valid) {
      const { camera, credentials } = validated;
      const url = sourceUrl(camera)!;
      const reason = taken.ids.has(camera.id)
        ? 'a camera with this id is already registered'
        : taken.urls.has(url)
          ? `camera ${taken.urls.get(url)} already has the address ${redactUrl(url)}`
          : seenIds.has(camera.id)
            ? `the list has this id already, on row ${seenIds.get(camera.id)}`
            : seenUrls.has(url)
              ? `camera ${seenUrls.get(url)} earlier in the list has the address ${redactUrl(url)}`
              : null;
      if (reason) {
        report.skipped.push({ row, id: camera.id, reason });
        continue;
      }
      seenIds.set(camera.id, row);
      seenUrls.set(url, camera.id);
      await this.cameras.insert(camera, credentials);
      report.added.push(camera.id);
    }
    return report;
  }

  /** Registered cameras to archive, with their credentials: by id, and the enabled ones with a tag. */
  async archiveTargets(selection: { ids: readonly string[]; tag?: string }): Promise<{ camera: Camera; credentials: CameraCredentials | null }[]> {
    const cameras = new Map<string, Camera>();
    for (const id of selection.ids) cameras.set(id, await this.get(id));
    if (selection.tag) {
      for (let after: string | null = null; ; ) {
        const page: Page<FoundCamera> = await this.cameras.search({ tag: selection.tag, enabled: true }, { limit: 1000, after });
        for (const found of page.items) cameras.set(found.camera.id, found.camera);
        if (!page.next) break;
        after = page.next;
      }
    }
    return Promise.all([...cameras.values()].map(async (camera) => ({ camera, credentials: await this.cameras.credentials(camera.id) })));
  }

  /** Enabled cameras with an archive interval, with their credentials: the continuous archiver's work. */
  async scheduledTargets(): Promise<{ camera: Camera; credentials: CameraCredentials | null }[]> {
    return Promise.all((await this.cameras.scheduled()).map(async (camera) => ({ camera, credentials: await this.cameras.credentials(camera.id) })));
  }

  private async refuseTaken(camera: Camera): Promise<void> {
    if (await this.cameras.get(camera.id)) throw new CamtroveError('CAMTROVE_ERR_CAMERA_EXISTS', `a camera with id ${camera.id} is already registered`);
    const url = sourceUrl(camera);
    const holder = url ? await this.cameras.findBySourceUrl(url) : null;
    if (holder) throw new CamtroveError('CAMTROVE_ERR_CAMERA_EXISTS', `camera ${holder.id} already has the address ${redactUrl(url!)}`);
  }
}

function notFound(id: string): CamtroveError {
  return notFoundError('camera', id);
}

/** A stored camera as input again, to merge changes into (credentials are not read). */
function toInput(camera: Camera): CameraInput {
  const { url: _url, auth: _auth, created_at: _created, updated_at: _updated, ...input } = cameraFields(camera);
  return input;
}
