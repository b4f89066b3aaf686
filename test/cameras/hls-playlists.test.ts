import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CameraHttp } from '../../src/adapters/cameras/camera-http.js';
import { HlsSource } from '../../src/adapters/cameras/hls-source.js';
import { parseVariantChoice, type HlsVariantChoice } from '../../src/domain/cameras/hls-playlist.js';
import { imageSize } from '../../src/domain/cameras/image-bytes.js';
import { Processes } from '../helpers/cli.js';
import { renderHls, serveFolder, type FolderServer } from '../helpers/hls-fixtures.js';
import { createTestEnv, type TestEnv } from '../helpers/test-library.js';

const request = { deadlineMs: 10_000, maxBytes: 16 * 1024 * 1024 };
const KEY = Buffer.from('00112233445566778899aabbccddeeff', 'hex');

/**
 * HLS features of real ffmpeg-made playlists, served on 127.0.0.1: master playlists with variants
 * of several heights, byte ranges (single_file), fragmented MP4 init segments, AES-128, and
 * discontinuities. Every case decodes a frame and checks its size: a frame of the right size is
 * proof the right bytes reached ffmpeg.
 */
describe('HLS playlists as ffmpeg writes them', () => {
  const http = new CameraHttp();
  /** The time the VOD walk sees: set per test. */
  let now = 0;
  const deps = { http, ffmpeg: () => 'ffmpeg', clock: { now: () => now } };
  let dir: string;
  let server: FolderServer;
  let rangeless: FolderServer;
  /** A camera whose archiving begins at time 0 of the test clock. */
  const source = (path: string, choice?: HlsVariantChoice, on: FolderServer = server) => {
    now = 0;
    return new HlsSource(deps, `${on.url}${path}`, null, choice);
  };
  /** The frame `seconds` into the stream (the clock is moved there), as WIDTHxHEIGHT. */
  const sizeAt = async (hls: HlsSource, seconds: number) => {
    now = seconds * 1000;
    const size = imageSize((await hls.latest(request)).bytes);
    return `${size?.width}x${size?.height}`;
  };
  const requested = (prefix: string) => server.requests.filter((r) => r.startsWith(prefix));

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'camtrove-hls-playlists-'));
    await writeFile(join(dir, 'key.bin'), KEY);
    await writeFile(join(dir, 'keyinfo'), `key.bin\n${join(dir, 'key.bin')}\n0123456789abcdef0123456789abcdef\n`);
    await writeFile(join(dir, 'keyinfo-no-iv'), `key.bin\n${join(dir, 'key.bin')}\n`);
    await Promise.all([
      // Three variants: 96, 480 and 1200 lines high, so "closest to 720", highest and lowest differ.
      renderHls(join(dir, 'master'), '128x1200', 4, [
        '-filter_complex', '[0]split=3[a][b][c];[a]scale=64:96[v0];[b]scale=128:480[v1];[c]null[v2]', '-map', '[v0]', '-map', '[v1]', '-map', '[v2]',
        '-b:v:0', '100k', '-b:v:1', '300k', '-b:v:2', '600k', '-hls_playlist_type', 'vod', '-master_pl_name', 'master.m3u8', '-var_stream_map', 'v:0 v:1 v:2',
        '-hls_segment_filename', 'v%v-%d.ts', 'v%v.m3u8',
      ]),
      renderHls(join(dir, 'ts-range'), '160x120', 4, ['-hls_playlist_type', 'vod', '-hls_flags', 'single_file', '-hls_segment_filename', 'all.ts', 'index.m3u8']),
      renderHls(join(dir, 'fmp4-range'), '160x120', 4, ['-hls_playlist_type', 'vod', '-hls_segment_type', 'fmp4', '-hls_flags', 'single_file', '-hls_segment_filename', 'all.mp4', 'index.m3u8']),
      renderHls(join(dir, 'aes'), '160x120', 4, ['-hls_playlist_type', 'vod', '-hls_key_info_file', join(dir, 'keyinfo'), '-hls_segment_filename', 's%d.ts', 'index.m3u8']),
      renderHls(join(dir, 'aes-seq'), '160x120', 2, ['-hls_playlist_type', 'vod', '-start_number', '3', '-hls_key_info_file', join(dir, 'keyinfo-no-iv'), '-hls_segment_filename', 's%d.ts', 'index.m3u8']),
      // Two fragmented MP4 recordings of different sizes, each with its own init segment.
      renderHls(join(dir, 'fmp4-disc'), '160x120', 4, ['-hls_playlist_type', 'vod', '-hls_segment_type', 'fmp4', '-hls_fmp4_init_filename', 'a-init.mp4', '-hls_segment_filename', 'a%d.m4s', 'a.m3u8']),
      renderHls(join(dir, 'fmp4-disc'), '320x240', 4, ['-hls_playlist_type', 'vod', '-hls_segment_type', 'fmp4', '-hls_fmp4_init_filename', 'b-init.mp4', '-hls_segment_filename', 'b%d.m4s', 'b.m3u8']),
    ]);
    // Served beside the segments, where the playlists' relative key URIs point.
    for (const folder of ['aes', 'aes-seq']) await writeFile(join(dir, folder, 'key.bin'), KEY);
    // A live stream that changed encoding: ffmpeg appends a second run after a discontinuity.
    await renderHls(join(dir, 'disc'), '160x120', 4, ['-hls_list_size', '0', '-hls_segment_filename', 'a%d.ts', 'index.m3u8']);
    await renderHls(join(dir, 'disc'), '320x240', 4, ['-hls_list_size', '0', '-hls_flags', 'append_list+discont_start+omit_endlist', '-hls_segment_filename', 'b%d.ts', 'index.m3u8']);

    const text = (path: string) => readFile(join(dir, path), 'utf8');
    const aes = await text('aes/index.m3u8');
    const tail = (playlist: string) => playlist.slice(playlist.indexOf('#EXT-X-MAP'), playlist.indexOf('#EXT-X-ENDLIST'));
    const overrides = {
      '/aes-seq/no-iv.m3u8': (await text('aes-seq/index.m3u8')).replace(/,IV=0x[0-9a-f]+/i, ''),
      '/aes/sample-aes.m3u8': aes.replace('METHOD=AES-128', 'METHOD=SAMPLE-AES'),
      '/aes/gone-key.m3u8': aes.replace('URI="key.bin"', 'URI="gone.bin"'),
      '/aes/file-key.m3u8': aes.replace('URI="key.bin"', 'URI="file:///etc/passwd"'),
      '/master/file-variant.m3u8': (await text('master/master.m3u8')).replace('v1.m3u8', 'file:///etc/passwd'),
      '/disc/vod.m3u8': `${await text('disc/index.m3u8')}#EXT-X-ENDLIST\n`,
      // ffmpeg's append_list gets init segments wrong for fMP4, so this one is joined by hand.
      '/fmp4-disc/index.m3u8': ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-TARGETDURATION:2', '#EXT-X-PLAYLIST-TYPE:VOD', tail(await text('fmp4-disc/a.m3u8')), '#EXT-X-DISCONTINUITY', tail(await text('fmp4-disc/b.m3u8')), '#EXT-X-ENDLIST', ''].join('\n'),
    };
    server = await serveFolder(dir, { overrides, missing: ['/aes/gone.bin'] });
    // A range far into a file, from a server that sends whole files: 70 MB would be read to reach it.
    rangeless = await serveFolder(dir, { ignoreRanges: true, overrides: { '/ts-range/far.m3u8': '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n#EXT-X-BYTERANGE:1000@70000000\nall.ts\n#EXT-X-ENDLIST\n' } });
  });
  after(async () => {
    await http.close();
    await Promise.all([server.close(), rangeless.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('picks a master playlist\'s variant: closest to 720 lines by default, or highest, lowest, or closest to a height', { timeout: 60_000 }, async () => {
    const heights: Record<string, string> = {};
    for (const choice of ['default', 'highest', 'lowest', '1080', '100p']) heights[choice] = await sizeAt(source('/master/master.m3u8', parseVariantChoice(choice) ?? undefined), 0);
    assert.deepEqual(heights, { default: '128x480', highest: '128x1200', lowest: '64x96', 1080: '128x1200', '100p': '64x96' });
    server.requests.length = 0;
    await source('/master/master.m3u8').latest(request);
    assert.deepEqual(server.requests, ['/master/master.m3u8', '/master/v1.m3u8', '/master/v1-0.ts'], 'only the chosen variant is fetched');
  });

  it('refuses a master playlist that lists a variant with another scheme, fetching no variant', { timeout: 30_000 }, async () => {
    server.requests.length = 0;
    await assert.rejects(source('/master/file-variant.m3u8').latest(request), { code: 'CAMTROVE_ERR_CAMERA_BAD_RESPONSE', message: /file-variant\.m3u8: the playlist lists file:\/\/\/etc\/passwd, which has the scheme file:, not one camtrove connects to \(http:, https:\); nothing it lists was fetched/ });
    assert.deepEqual(server.requests, ['/master/file-variant.m3u8']);
  });

  it('fetches byte ranges of a single-file stream with Range requests, and copes with a server that ignores them', { timeout: 60_000 }, async () => {
    const ranges = [...(await readFile(join(dir, 'ts-range/index.m3u8'), 'utf8')).matchAll(/#EXT-X-BYTERANGE:(\d+)@(\d+)/g)].map(([, length, offset]) => `bytes=${offset}-${Number(offset) + Number(length) - 1}`);
    assert.equal(ranges.length, 2);
    server.requests.length = 0;
    const ranged = source('/ts-range/index.m3u8');
    assert.deepEqual([await sizeAt(ranged, 0), await sizeAt(ranged, 3)], ['160x120', '160x120']);
    assert.deepEqual(requested('/ts-range/all.ts'), ranges.map((range) => `/ts-range/all.ts ${range}`));
    // The same bytes either way: the same picture.
    const [viaRange, viaWhole] = [source('/ts-range/index.m3u8'), source('/ts-range/index.m3u8', undefined, rangeless)];
    now = 3000;
    const [a, b] = [(await viaRange.latest(request)).bytes, (await viaWhole.latest(request)).bytes];
    assert.ok(a.equals(b), 'a 200 answer to a Range request is cut to the range');
    assert.deepEqual(rangeless.requests.filter((r) => r.includes('all.ts')), [`/ts-range/all.ts ${ranges[1]}`]);
    await assert.rejects(source('/ts-range/far.m3u8', undefined, rangeless).latest(request), { code: 'CAMTROVE_ERR_CAMERA_BAD_RESPONSE', message: /far\.m3u8: http:\/\/127\.0\.0\.1:\d+\/ts-range\/all\.ts ignores the Range header, and the byte range the playlist names ends past 64\.0 MiB into it$/ });
  });

  it('puts a fragmented MP4 init segment, itself a byte range (#EXT-X-MAP BYTERANGE), before each segment', { timeout: 30_000 }, async () => {
    const init = /#EXT-X-MAP:URI="all\.mp4",BYTERANGE="(\d+)@0"/.exec(await readFile(join(dir, 'fmp4-range/index.m3u8'), 'utf8'));
    assert.ok(init, 'ffmpeg wrote an init byte range');
    server.requests.length = 0;
    const hls = source('/fmp4-range/index.m3u8');
    assert.deepEqual([await sizeAt(hls, 0), await sizeAt(hls, 3)], ['160x120', '160x120']);
    assert.equal(requested(`/fmp4-range/all.mp4 bytes=0-${Number(init[1]) - 1}`).length, 1, 'the init segment is fetched once and kept');
    assert.equal(requested('/fmp4-range/all.mp4').length, 3);
  });

  it('decrypts AES-128 segments with the key fetched once, and the IV from the tag or the media sequence number', { timeout: 60_000 }, async () => {
    assert.notEqual((await readFile(join(dir, 'aes/s0.ts')))[0], 0x47, 'the segments on the wire are not plain MPEG-TS');
    server.requests.length = 0;
    const hls = source('/aes/index.m3u8');
    assert.deepEqual([await sizeAt(hls, 0), await sizeAt(hls, 3)], ['160x120', '160x120']);
    assert.deepEqual(requested('/aes/'), ['/aes/index.m3u8', '/aes/key.bin', '/aes/s0.ts', '/aes/index.m3u8', '/aes/s1.ts']);
    assert.doesNotMatch(await readFile(join(dir, 'aes-seq/index.m3u8'), 'utf8').then((t) => t.replace(/IV=0x0+3\b/i, '')), /IV=/, 'ffmpeg used the sequence number (3) as IV');
    assert.equal(await sizeAt(source('/aes-seq/no-iv.m3u8'), 0), '160x120');
  });

  it('refuses SAMPLE-AES, a key that cannot be fetched and a key URI of another scheme, naming the problem', { timeout: 30_000 }, async () => {
    server.requests.length = 0;
    await assert.rejects(source('/aes/sample-aes.m3u8').latest(request), { code: 'CAMTROVE_ERR_CAMERA_BAD_RESPONSE', message: /sample-aes\.m3u8: the stream is encrypted with #EXT-X-KEY METHOD=SAMPLE-AES; camtrove decrypts only METHOD=AES-128; nothing was decoded$/ });
    assert.deepEqual(server.requests, ['/aes/sample-aes.m3u8'], 'no key, no segment fetched');
    await assert.rejects(source('/aes/gone-key.m3u8').latest(request), { code: 'CAMTROVE_ERR_CAMERA_BAD_RESPONSE', message: /gone-key\.m3u8: the stream is encrypted \(AES-128\) and its key http:\/\/127\.0\.0\.1:\d+\/aes\/gone\.bin could not be fetched: HTTP 404$/ });
    await assert.rejects(source('/aes/file-key.m3u8').latest(request), { code: 'CAMTROVE_ERR_CAMERA_BAD_RESPONSE', message: /file-key\.m3u8: the playlist lists file:\/\/\/etc\/passwd, which has the scheme file:/ });
  });

  it('decodes each side of a discontinuity on its own: a live stream\'s newest segment and a recording walked across it', { timeout: 60_000 }, async () => {
    const live = await readFile(join(dir, 'disc/index.m3u8'), 'utf8');
    assert.match(live, /#EXT-X-DISCONTINUITY\n#EXTINF:2\.0+,\nb\d\.ts/);
    assert.equal(await sizeAt(source('/disc/index.m3u8'), 0), '320x240');
    const vod = source('/disc/vod.m3u8');
    assert.deepEqual([await sizeAt(vod, 1), await sizeAt(vod, 5), await sizeAt(vod, 9)], ['160x120', '320x240', '160x120']);
  });

  it('switches init segments at a discontinuity in fragmented MP4', { timeout: 60_000 }, async () => {
    server.requests.length = 0;
    const hls = source('/fmp4-disc/index.m3u8');
    assert.deepEqual([await sizeAt(hls, 1), await sizeAt(hls, 5), await sizeAt(hls, 7)], ['160x120', '320x240', '320x240']);
    assert.deepEqual(requested('/fmp4-disc/').filter((r) => r.includes('init')), ['/fmp4-disc/a-init.mp4', '/fmp4-disc/b-init.mp4']);
  });
});

/** The same through what a user runs: a camera list with hls_variant, registered and archived by `camtrove archive --out`. */
describe('hls_variant through camtrove archive', () => {
  let env: TestEnv;
  let dir: string;
  let server: FolderServer;
  const processes = new Processes();

  before(async () => {
    env = await createTestEnv();
    dir = await mkdtemp(join(tmpdir(), 'camtrove-hls-variant-'));
    await renderHls(join(dir, 'm'), '320x720', 2, [
      '-filter_complex', '[0]split=3[a][b][c];[a]scale=96:180[v0];[b]null[v1];[c]scale=160:360[v2]', '-map', '[v0]', '-map', '[v1]', '-map', '[v2]',
      '-b:v:0', '100k', '-b:v:1', '600k', '-b:v:2', '300k', '-hls_playlist_type', 'vod', '-master_pl_name', 'master.m3u8', '-var_stream_map', 'v:0 v:1 v:2',
      '-hls_segment_filename', 'v%v-%d.ts', 'v%v.m3u8',
    ]);
    server = await serveFolder(dir);
  });
  after(async () => {
    await processes.killAll();
    await server.close();
    await rm(dir, { recursive: true, force: true });
    await env.cleanup();
  });

  it('archives the variant each camera asks for, and refuses a choice that is not one', { timeout: 60_000 }, async () => {
    const url = `${server.url}/m/master.m3u8`;
    const list = join(dir, 'cameras.json');
    await writeFile(list, JSON.stringify([
      { cameraID: 'default', camera_type: 'hls', m3u8_url: url },
      { cameraID: 'low', camera_type: 'hls', m3u8_url: `${url}?low`, hls_variant: 'lowest' },
      { cameraID: 'near-300', camera_type: 'hls', m3u8_url: `${url}?300`, hls_variant: '300p' },
    ]));
    // Registered (so the choice is stored in the library and read back), then archived.
    const imported = await processes.run(['cameras', 'import', list], env.env());
    assert.equal(imported.code, 0, imported.stderr);
    const shown = JSON.parse((await processes.run(['cameras', 'show', 'low', '--json'], env.env())).stdout) as { hls_variant: string | null };
    assert.equal(shown.hls_variant, 'lowest');
    const added = await processes.run(['cameras', 'add', 'top', '--type', 'hls', '--url', `${url}?top`, '--hls-variant', '1080p'], env.env());
    assert.equal(added.code, 0, added.stderr);
    const top = JSON.parse((await processes.run(['cameras', 'show', 'top', '--json'], env.env())).stdout) as { hls_variant: string | null };
    assert.equal(top.hls_variant, '1080p');
    const out = join(dir, 'out');
    const result = await processes.run(['archive', '--camera', 'default', '--camera', 'low', '--camera', 'near-300', '--duration', '2', '--interval', '0.5', '--out', out, '--json'], env.env(), { timeoutMs: 45_000 });
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    const sizes: Record<string, string> = {};
    for (const camera of ['default', 'low', 'near-300']) {
      const still = (await readdir(join(out, camera))).find((name) => name.endsWith('.jpg'));
      assert.ok(still, `${camera} archived a still`);
      const size = imageSize(await readFile(join(out, camera, still)));
      sizes[camera] = `${size?.width}x${size?.height}`;
    }
    assert.deepEqual(sizes, { default: '320x720', low: '96x180', 'near-300': '160x360' });

    await writeFile(list, JSON.stringify([{ cameraID: 'best', camera_type: 'hls', m3u8_url: url, hls_variant: 'best' }]));
    const refused = await processes.run(['cameras', 'import', list], env.env());
    assert.equal(refused.code, 1);
    assert.match(refused.stdout + refused.stderr, /hls_variant must be highest, lowest or a height such as 720 or 1080p, not "best"/);
  });
});
