import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encryptionProblem, parsePlaylist, parseVariantChoice, pickVariant, playlistUris, segmentIv, vodPosition, type HlsSegment, type HlsVariant } from './hls-playlist.js';

const base = 'http://camera.example/live/index.m3u8';

describe('HLS playlists', () => {
  it('reads a live media playlist: segments, sequence numbers, no end', () => {
    const playlist = parsePlaylist('#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:41\n#EXTINF:2.000,\nseg41.ts\n#EXTINF:1.960,\n/abs/seg42.ts?token=x\n', base);
    const plain = { byteRange: null, discontinuity: 0, init: null, key: null };
    assert.deepEqual(playlist, {
      kind: 'media',
      ended: false,
      segments: [
        { url: 'http://camera.example/live/seg41.ts', duration: 2, sequence: 41, ...plain },
        { url: 'http://camera.example/abs/seg42.ts?token=x', duration: 1.96, sequence: 42, ...plain },
      ],
    });
  });

  it('reads a VOD playlist and a master playlist with the height of each variant, skipping I-frame playlists', () => {
    const vod = parsePlaylist('#EXTM3U\r\n#EXT-X-PLAYLIST-TYPE:VOD\r\n#EXTINF:4,\r\na.ts\r\n#EXTINF:4,\r\nb.ts\r\n#EXT-X-ENDLIST\r\n', base);
    assert.equal(vod.kind === 'media' && vod.ended, true);
    const master = parsePlaylist('#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360\nlow.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=5000000\nhigh/index.m3u8\n#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=90000,RESOLUTION=640x360,URI="iframes.m3u8"\n', base);
    assert.deepEqual(master, { kind: 'master', variants: [
      { url: 'http://camera.example/live/low.m3u8', bandwidth: 800000, height: 360 },
      { url: 'http://camera.example/live/high/index.m3u8', bandwidth: 5000000, height: null },
    ] });
  });

  it('keeps the init segment, the key, byte ranges and discontinuities that apply to each segment', () => {
    const playlist = parsePlaylist([
      '#EXTM3U', '#EXT-X-MAP:URI="init.mp4",BYTERANGE="800@0"', '#EXTINF:2,', 'a.m4s',
      '#EXT-X-KEY:METHOD=AES-128,URI="https://keys.example/k1",IV=0x0000000000000000000000000000000A', '#EXTINF:2,', 'b.m4s',
      '#EXT-X-KEY:METHOD=NONE', '#EXT-X-BYTERANGE:1000@800', '#EXTINF:2,', 'all.mp4', '#EXT-X-BYTERANGE:500', '#EXTINF:2,', 'all.mp4',
      '#EXT-X-DISCONTINUITY', '#EXT-X-MAP:URI="init2.mp4"', '#EXTINF:2,', 'e.m4s',
    ].join('\n'), base);
    assert.ok(playlist.kind === 'media');
    const [a, b, c, d, e] = playlist.segments;
    assert.deepEqual(a!.init, { url: 'http://camera.example/live/init.mp4', byteRange: { offset: 0, length: 800 } });
    assert.deepEqual([a!.key, c!.key], [null, null]);
    assert.deepEqual(b!.key, { method: 'AES-128', url: 'https://keys.example/k1', format: 'identity', iv: Buffer.from('0000000000000000000000000000000a', 'hex') });
    // An EXT-X-BYTERANGE without an offset follows the previous range of the same resource.
    assert.deepEqual([b!.byteRange, c!.byteRange, d!.byteRange], [null, { offset: 800, length: 1000 }, { offset: 1800, length: 500 }]);
    assert.deepEqual([d!.discontinuity, e!.discontinuity, e!.init?.url], [0, 1, 'http://camera.example/live/init2.mp4']);
    assert.deepEqual(playlistUris(playlist), ['http://camera.example/live/a.m4s', 'http://camera.example/live/init.mp4', 'http://camera.example/live/b.m4s', 'https://keys.example/k1', 'http://camera.example/live/all.mp4', 'http://camera.example/live/e.m4s', 'http://camera.example/live/init2.mp4']);
  });

  it('derives the AES-128 IV from the media sequence number when the key gives none', () => {
    const key = { method: 'AES-128', url: 'http://k', format: 'identity', iv: null };
    assert.equal(segmentIv({ key, sequence: 258 }).toString('hex'), '00000000000000000000000000000102');
    assert.equal(segmentIv({ key: { ...key, iv: Buffer.alloc(16, 7) }, sequence: 258 }).toString('hex'), '07'.repeat(16));
  });

  it('names what it cannot decrypt: SAMPLE-AES, DRM key formats, a key without a URI; such keys are never listed to fetch', () => {
    const key = { method: 'AES-128', url: 'https://keys.example/k', format: 'identity', iv: null };
    assert.equal(encryptionProblem(key), null);
    assert.match(encryptionProblem({ ...key, method: 'SAMPLE-AES' })!, /encrypted with #EXT-X-KEY METHOD=SAMPLE-AES; camtrove decrypts only METHOD=AES-128/);
    assert.match(encryptionProblem({ ...key, format: 'com.apple.streamingkeydelivery' })!, /KEYFORMAT="com\.apple\.streamingkeydelivery" \(DRM\)/);
    assert.match(encryptionProblem({ ...key, url: null })!, /names no key URI/);
    const fairplay = parsePlaylist('#EXTM3U\n#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://asset"\n#EXTINF:2,\na.ts\n', base);
    assert.deepEqual(playlistUris(fairplay), ['http://camera.example/live/a.ts']);
  });

  it('resolves every URI, whatever its scheme: refusing file: and concat: is for whoever fetches them', () => {
    const playlist = parsePlaylist('#EXTM3U\n#EXTINF:2,\nfile:///etc/passwd\n#EXTINF:2,\nconcat:/etc/passwd|/etc/hosts\n', base);
    assert.deepEqual(playlistUris(playlist), ['file:///etc/passwd', 'concat:/etc/passwd|/etc/hosts']);
    const master = parsePlaylist('#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nfile:///etc/passwd\n', base);
    assert.deepEqual(playlistUris(master), ['file:///etc/passwd']);
    assert.throws(() => parsePlaylist('#EXTM3U\n#EXTINF:2,\nhttp://[bad\n', base), /the playlist names "http:\/\/\[bad", which is not a URL/);
  });

  it('says what is wrong with something that is not a playlist', () => {
    assert.throws(() => parsePlaylist('<html><body>Login</body></html>', base), /not an HLS playlist \(it does not start with #EXTM3U but with "<html><body>Login<\/body><\/html>"\)/);
    assert.throws(() => parsePlaylist('#EXTM3U\n#EXT-X-TARGETDURATION:2\n', base), /the live playlist lists no segments yet/);
  });

  it('advances through a VOD playlist as time passes, wrapping at the end', () => {
    const segments: HlsSegment[] = [4, 4, 2].map((duration, k) => ({ url: `s${k}.ts`, byteRange: null, duration, sequence: k, discontinuity: 0, init: null, key: null }));
    assert.deepEqual(vodPosition(segments, 0), { segment: segments[0], offset: 0 });
    assert.deepEqual(vodPosition(segments, 5.5), { segment: segments[1], offset: 1.5 });
    assert.deepEqual(vodPosition(segments, 9), { segment: segments[2], offset: 1 });
    assert.deepEqual(vodPosition(segments, 12), { segment: segments[0], offset: 2 });
  });
});

describe('choosing an HLS variant', () => {
  const variant = (height: number | null, bandwidth: number): HlsVariant => ({ url: `${height}-${bandwidth}`, height, bandwidth });
  const ladder = [variant(1080, 6e6), variant(360, 8e5), variant(720, 3e6), variant(240, 4e5)];
  const pick = (variants: HlsVariant[], choice: string) => pickVariant(variants, parseVariantChoice(choice)!).url;

  it('takes the height closest to 720 by default, the highest, the lowest, or the closest to a given height', () => {
    assert.equal(pickVariant(ladder).url, '720-3000000');
    assert.deepEqual([pick(ladder, 'highest'), pick(ladder, 'lowest'), pick(ladder, '1080p'), pick(ladder, '400'), pick(ladder, '2160')], ['1080-6000000', '240-400000', '1080-6000000', '360-800000', '1080-6000000']);
  });

  it('breaks a tie by the lower bandwidth', () => {
    assert.equal(pickVariant([variant(1080, 6e6), variant(360, 8e5)]).url, '360-800000');
    assert.equal(pickVariant([variant(720, 3e6), variant(720, 2e6)]).url, '720-2000000');
  });

  it('compares variants without RESOLUTION by BANDWIDTH', () => {
    const unsized = [variant(null, 8e5), variant(null, 5e6), variant(null, 2e6)];
    assert.deepEqual([pickVariant(unsized).url, pick(unsized, 'highest'), pick(unsized, 'lowest')], ['null-5000000', 'null-5000000', 'null-800000']);
  });

  it('reads highest, lowest and heights, and nothing else', () => {
    assert.deepEqual(['highest', ' Lowest ', '720', '1080p', '720P'].map(parseVariantChoice), [{ kind: 'highest' }, { kind: 'lowest' }, { kind: 'height', height: 720 }, { kind: 'height', height: 1080 }, { kind: 'height', height: 720 }]);
    assert.deepEqual(['best', '0', '-1', '720x1280', ''].map(parseVariantChoice), [null, null, null, null, null]);
  });
});
