import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apiClient, filesBelow } from '../helpers/api.js';
import { makeTsSegment, startTripwire, type Tripwire } from '../helpers/hostile-servers.js';
import { listen } from '../helpers/http.js';
import { makeVideo } from '../helpers/media.js';
import { openTestLibrary } from '../helpers/test-library.js';

const ANALYSES = [
  { analysis: 'probe' },
  { analysis: 'segment', thumbnails: false, clips: false },
  { analysis: 'thumbnail', t: 0 },
  { analysis: 'transcode', preset: 'ultrafast' },
  { analysis: 'frames', fps: 1 },
];

/**
 * Issue 15, item 1, for library files: an upload is bytes, whatever its name says. One that is
 * really an HLS playlist or an ffconcat list would make ffmpeg read what it names (another local
 * file, /etc/passwd, an address on the network) and store the result in the library.
 */
describe('uploaded playlists (issue 15, item 1)', () => {
  let library: Awaited<ReturnType<typeof openTestLibrary>>;
  let server: Awaited<ReturnType<typeof listen>>;
  let api: ReturnType<typeof apiClient>;
  let tripwire: Tripwire;
  let privateTs: string;

  before(async () => {
    library = await openTestLibrary();
    server = await listen(library);
    library.startWorkers();
    api = apiClient(server.url);
    privateTs = await makeTsSegment(join(library.env.dir, 'private.ts'));
    tripwire = await startTripwire(await readFile(privateTs));
  });
  after(async () => {
    await server.close();
    await library.dispose();
    await tripwire.close();
  });

  it('Local files through HLS: an uploaded "video" that is a playlist of local files or network addresses is refused by every analysis, and nothing it names is read', { timeout: 120_000 }, async () => {
    const hls = (uri: string) => `#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:2.0,\n${uri}\n#EXT-X-ENDLIST\n`;
    const uploads = [
      { name: 'private.mp4', content: hls(`file://${privateTs}`), says: /it is an HLS playlist, which makes ffmpeg read other files or addresses/ },
      { name: 'passwd.mp4', content: hls('file:///etc/passwd'), says: /it is an HLS playlist/ },
      { name: 'remote.mp4', content: hls(`${tripwire.url}/latest/meta-data/seg.ts`), says: /it is an HLS playlist/ },
      { name: 'list.mp4', content: `ffconcat version 1.0\nfile private.ts\nfile ${privateTs}\n`, says: /it is an ffconcat list, which makes ffmpeg read other files or addresses/ },
    ];
    const ids = [];
    for (const upload of uploads) ids.push({ ...upload, id: await api.upload(upload.content, upload.name) });
    const blobsBefore = await filesBelow(join(library.env.dir, 'data', 'blobs'));

    const started = [];
    for (const upload of ids) for (const fields of ANALYSES) started.push({ upload, fields, id: await api.start({ file_id: upload.id, ...fields }) });
    for (const { upload, fields, id } of started) {
      const record = await api.waitFinished(id, 60_000);
      const what = `${fields.analysis} of ${upload.name}`;
      assert.equal(record.state, 'FAILURE', `${what}: ${JSON.stringify(record)}`);
      assert.equal(record.error?.code, 'CAMTROVE_ERR_MEDIA_UNREADABLE', `${what}: ${JSON.stringify(record.error)}`);
      assert.match(record.error?.message ?? '', upload.says, what);
    }

    assert.equal(tripwire.connections(), 0, 'nothing connected to 127.0.0.2');
    const blobsDir = join(library.env.dir, 'data', 'blobs');
    const blobsAfter = (await filesBelow(blobsDir)).filter((f) => !f.startsWith('tmp'));
    assert.deepEqual(blobsAfter.sort(), blobsBefore.filter((f) => !f.startsWith('tmp')).sort(), 'no analysis stored anything');
    const secrets = [await readFile(privateTs), await readFile('/etc/passwd')];
    for (const file of blobsAfter) {
      const bytes = await readFile(join(blobsDir, file));
      assert.ok(!secrets.some((secret) => bytes.includes(secret)), `${file} holds bytes of a file the playlists named`);
    }
  });

  it('still reads ordinary video and pictures with the file protocol alone', { timeout: 60_000 }, async () => {
    const clip = await api.upload(await readFile(await makeVideo(join(library.env.dir, 'clip.mp4'), { seconds: 2 })), 'clip.mp4');
    const probe = await api.succeed<{ format: string; video: { width: number } }>({ file_id: clip, analysis: 'probe' });
    assert.match(probe.format, /mov/);
    const thumbnail = await api.succeed<{ file_id: string }>({ file_id: clip, analysis: 'thumbnail', t: 1 });
    const picture = await api.succeed<{ video: { width: number } }>({ file_id: thumbnail.file_id, analysis: 'probe' });
    assert.ok(picture.video.width > 0, 'a JPEG blob, which has no name to go by, is read');
  });
});
