import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apiClient } from '../helpers/api.js';
import { listen } from '../helpers/http.js';
import { makeMotionClip } from '../helpers/media.js';
import { openTestLibrary } from '../helpers/test-library.js';

type TestLibrary = Awaited<ReturnType<typeof openTestLibrary>>;

interface SegmentResult {
  media: { file_id: string; duration: number };
  events: { id: string; start: number; end: number; direction: string; thumbnail_file_id: string; clip_file_id: string; colors: { name: string }[] }[];
  warnings: string[];
}

describe('segment analysis over the API', () => {
  let library: TestLibrary;
  let server: Awaited<ReturnType<typeof listen>>;
  let api: ReturnType<typeof apiClient>;
  let clipId: string;

  before(async () => {
    library = await openTestLibrary();
    server = await listen(library);
    library.startWorkers();
    api = apiClient(server.url);
    const clip = await makeMotionClip(join(library.env.dir, 'crossing.mp4'), { seconds: 10, from: 2, to: 6, colour: 'blue' });
    clipId = await api.upload(await readFile(clip), 'crossing.mp4');
  });
  after(async () => {
    await server.close();
    await library.dispose();
  });

  it('segments an uploaded file; thumbnails and clips are files; the events are kept, replaced on a re-run', async () => {
    const result = await api.succeed<SegmentResult>({ analysis: 'segment', file_id: clipId, pre_capture: 0, post_capture: 0 }, 60_000);
    assert.equal(result.media.file_id, clipId);
    assert.equal(result.events.length, 1, JSON.stringify(result.events));
    const [event] = result.events;
    assert.ok(Math.abs(event!.start - 2) <= 0.4 && Math.abs(event!.end - 6) <= 0.4, `${event!.start}-${event!.end}`);
    assert.equal(event!.direction, 'E');
    assert.equal(event!.colors[0]?.name, 'blue');
    const thumbnail = await api.download(event!.thumbnail_file_id);
    assert.deepEqual([thumbnail.status, thumbnail.contentType], [200, 'image/jpeg']);
    const clip = await api.download(event!.clip_file_id);
    assert.deepEqual([clip.status, clip.contentType], [200, 'video/mp4']);

    await api.succeed<SegmentResult>({ analysis: 'segment', file_id: clipId }, 60_000);
    const stored = await library.database.db.selectFrom('events').select(['media_id', 'analysis_id']).execute();
    assert.equal(stored.length, 1);
    assert.equal(stored[0]!.media_id, clipId);
  });

  it('refuses bad segmentation parameters before queueing, naming them', async () => {
    for (const [fields, message] of [
      [{ mask: ['0,0 1,1'] }, /mask "0,0 1,1" has 2 points/],
      [{ zone: 'no-colon-here' }, /zone "no-colon-here" needs a name first/],
      [{ threshold: 300 }, /threshold/],
      [{ fps: 0 }, /fps/],
    ] as const) {
      const { status, body } = await api.post({ analysis: 'segment', file_id: clipId, ...fields });
      assert.equal(status, 400, JSON.stringify(fields));
      assert.equal(body.error?.code, 'CAMTROVE_ERR_INVALID_PARAMS');
      assert.match(body.error?.message ?? '', message);
    }
  });
});
