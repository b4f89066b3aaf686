import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { EventRepository } from '../../src/adapters/db/event.repository.js';
import { ImportRepository } from '../../src/adapters/db/import.repository.js';
import { openLibrary } from '../../src/main.js';
import type { ApiError } from '../helpers/api.js';
import { Processes } from '../helpers/cli.js';
import { eventRecord, motionEvent } from '../helpers/events.js';
import { fileForm, listen } from '../helpers/http.js';
import { createTestEnv, openTestLibrary } from '../helpers/test-library.js';

const id = (n: number) => n.toString(16).padStart(32, '0');
const info = { duration: 10, size: 1, bitRate: null, formatName: 'mov', creationTime: null, video: null, audio: null } as never;

describe('item 7: deleting what other records use', () => {
  let library: Awaited<ReturnType<typeof openTestLibrary>>;
  let server: Awaited<ReturnType<typeof listen>>;
  let events: EventRepository;
  const upload = async (bytes: Buffer, name: string) => {
    const response = await fetch(`${server.url}/api/files`, { method: 'POST', body: fileForm(bytes, name) });
    assert.equal(response.status, 200);
    return ((await response.json()) as { file_id: string }).file_id;
  };
  const blobExists = (fileId: string) => access(join(library.config.dataDir, 'blobs', fileId.slice(0, 2), fileId.slice(2, 4), fileId)).then(() => true, () => false);
  const eventRow = (n: number) => library.database.db.selectFrom('events').select(['id', 'thumbnail_file_id', 'clip_file_id']).where('id', '=', id(n)).executeTakeFirst();

  let media: string;
  let other: string;
  let thumbnail: string;
  let clip: string;
  let analysisId: string;

  before(async () => {
    library = await openTestLibrary();
    server = await listen(library);
    events = new EventRepository(library.database);
    media = await upload(randomBytes(4000), 'media.mp4');
    other = await upload(randomBytes(4000), 'other.mp4');
    thumbnail = await upload(randomBytes(500), 'thumb.jpg');
    clip = await upload(randomBytes(900), 'clip.mp4');
    for (const m of [media, other]) await library.database.db.insertInto('media').values({ id: m, camera_id: null, captured_at: null, duration: 10, width: null, height: null, fps: null, video_codec: null, latitude: null, longitude: null, info: JSON.stringify(info), created_at: 1, updated_at: 1 }).execute();
    // Three events of the media, the first with a thumbnail and a clip; an event of other media shows the same thumbnail.
    await events.replaceForMedia(media, [
      eventRecord(id(1), media, motionEvent(0, 2), { thumbnailFileId: thumbnail, clipFileId: clip }),
      eventRecord(id(2), media, motionEvent(3, 4)),
      eventRecord(id(3), media, motionEvent(5, 6)),
    ]);
    await events.replaceForMedia(other, [eventRecord(id(4), other, motionEvent(0, 1), { thumbnailFileId: thumbnail })]);
    await events.addLabel(id(1), { name: 'car', score: null, source: 'user' }, 1);
    // A finished analysis read the media.
    const probe = await library.analyses.start({ analysis: 'probe', fileId: media });
    analysisId = probe.id;
    await library.database.db.updateTable('analyses').set({ state: 'SUCCESS', finished_at: 2 }).where('id', '=', analysisId).execute();
    await library.database.db.deleteFrom('jobs').where('id', '=', analysisId).execute();
  });
  after(async () => {
    await server.close();
    await library.dispose();
  });

  it('refuses with 409 FILE_IN_USE naming what uses the file, with counts and ids, and how to cascade; nothing changes', async () => {
    const refused = await fetch(`${server.url}/api/files/${thumbnail}`, { method: 'DELETE' });
    assert.equal(refused.status, 409);
    const error = ((await refused.json()) as ApiError).error;
    assert.equal(error.code, 'CAMTROVE_ERR_FILE_IN_USE');
    assert.match(error.message, new RegExp(`file ${thumbnail} is used by 2 events showing it as thumbnail or clip \\(${id(1)}, ${id(4)}\\); delete them with it with \\?cascade=true \\(camtrove files rm --cascade\\)`));

    const media409 = await fetch(`${server.url}/api/files/${media}`, { method: 'DELETE' });
    assert.equal(media409.status, 409);
    const message = ((await media409.json()) as ApiError).error.message;
    assert.match(message, new RegExp(`3 events of its media \\(${id(1)}, ${id(2)}, ${id(3)}\\)`));
    assert.match(message, /1 media record/);
    assert.match(message, new RegExp(`1 finished analysis \\(${analysisId}\\)`));

    assert.equal((await eventRow(1))?.thumbnail_file_id, thumbnail);
    assert.ok(await blobExists(thumbnail));
    assert.equal((await fetch(`${server.url}/api/files/${media}`)).status, 200);
  });

  it('with ?cascade=true deletes the dependents in the same transaction: a thumbnail leaves its events without a picture', async () => {
    const response = await fetch(`${server.url}/api/files/${thumbnail}?cascade=true`, { method: 'DELETE' });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { file_id: thumbnail, deleted: true, cascaded: { events: 0, previews: 2, media: 0, frames: 0, analyses: 0, import_items: 0 } });
    assert.equal((await eventRow(1))?.thumbnail_file_id, null);
    assert.equal((await eventRow(4))?.thumbnail_file_id, null);
    assert.equal((await eventRow(1))?.clip_file_id, clip, 'the clip is another file');
    assert.equal(await blobExists(thumbnail), false, 'the bytes are gone when the deletion answers');
  });

  it('with ?cascade=true deletes a media file\'s events, labels, media record and finished analyses; other media keep theirs', async () => {
    const response = await fetch(`${server.url}/api/files/${media}?cascade=true`, { method: 'DELETE' });
    assert.equal(response.status, 200);
    assert.deepEqual(((await response.json()) as { cascaded: unknown }).cascaded, { events: 3, previews: 0, media: 1, frames: 0, analyses: 1, import_items: 0 });
    const { db } = library.database;
    assert.deepEqual(await db.selectFrom('events').select('id').where('media_id', '=', media).execute(), []);
    assert.deepEqual(await db.selectFrom('event_labels').select('event_id').where('event_id', '=', id(1)).execute(), []);
    assert.deepEqual(await db.selectFrom('event_data').select('event_id').where('event_id', 'in', [id(1), id(2), id(3)]).execute(), []);
    assert.equal(await db.selectFrom('media').select('id').where('id', '=', media).executeTakeFirst(), undefined);
    assert.equal((await fetch(`${server.url}/api/analyses/${analysisId}`)).status, 404);
    assert.ok(await eventRow(4), 'the other media\'s event stays');
    assert.equal((await fetch(`${server.url}/api/files/${media}`)).status, 404);
    assert.equal(await blobExists(media), false);
    // The clip is no longer used by anything and goes without cascade.
    assert.equal((await fetch(`${server.url}/api/files/${clip}`, { method: 'DELETE' })).status, 200);
  });

  it('an imported file goes back to "discovered" in its job when deleted with cascade, so importing again brings it back', async () => {
    const imported = await upload(randomBytes(3000), 'cam-1.mp4');
    const imports = new ImportRepository(library.database.db);
    const job = await imports.createJob({ id: 'job7', requestKey: 'k7', request: {}, segment: false, shardSize: 10, createdAt: 1 });
    await imports.appendItems(job, [{ path: '/card/cam-1.mp4', pathKey: 'a'.repeat(64), size: 3000, mtimeMs: 1, cameraName: 'cam', capturedAt: null, timeSource: null, latitude: null, longitude: null }], () => 0, 1);
    await library.database.db.updateTable('import_items').set({ state: 'stored', outcome: 'imported', file_id: imported }).where('job_id', '=', 'job7').execute();
    const refused = await fetch(`${server.url}/api/files/${imported}`, { method: 'DELETE' });
    assert.equal(refused.status, 409);
    assert.match(((await refused.json()) as ApiError).error.message, /1 import item \(of import job job7\)/);
    assert.equal((await fetch(`${server.url}/api/files/${imported}?cascade=true`, { method: 'DELETE' })).status, 200);
    const [item] = await imports.items('job7');
    assert.equal(item?.state, 'discovered');
    assert.equal(item?.fileId, null);
  });

  it('the OpenAPI document describes the cascade parameter and the 409 and 507 answers', async () => {
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; responses: Record<string, unknown> }>> };
    const remove = doc.paths['/api/files/{id}']!.delete!;
    assert.ok(remove.parameters?.some((p) => p.name === 'cascade' && p.in === 'query'));
    assert.ok(remove.responses['409'] && remove.responses['507']);
  });
});

describe('item 7: files rm refuses a file in use, and --cascade deletes its users', () => {
  it('an archived frame\'s file: refused naming the frame, then removed with --cascade', { timeout: 60_000 }, async () => {
    const env = await createTestEnv();
    const processes = new Processes();
    try {
      const library = await openLibrary(env.config(), { logger: pino({ level: 'silent' }) });
      let fileId: string;
      try {
        const { file } = await library.files.add(Readable.from([randomBytes(1500)]), { name: 'frame.jpg' });
        fileId = file.id;
        await library.database.db.insertInto('frames').values({ id: id(9), camera_id: 'dock', captured_at_us: 1, file_id: fileId, size: 1500, width: null, height: null, change_score: 100, content_type: 'image/jpeg', created_at: 1 }).execute();
      } finally {
        await library.close();
      }
      const refused = await processes.run(['files', 'rm', fileId], env.env());
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, new RegExp(`used by 1 archived frame \\(${id(9)}\\).*CAMTROVE_ERR_FILE_IN_USE`, 's'));
      const removed = await processes.run(['files', 'rm', '--cascade', fileId, '--json'], env.env());
      assert.equal(removed.code, 0, removed.stderr);
      assert.deepEqual(JSON.parse(removed.stdout), { file_id: fileId, deleted: true, cascaded: { events: 0, previews: 0, media: 0, frames: 1, analyses: 0, import_items: 0 } });
    } finally {
      await processes.killAll();
      await env.cleanup();
    }
  });
});
