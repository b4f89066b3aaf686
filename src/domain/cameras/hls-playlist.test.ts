import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bestVariant, parsePlaylist, playlistUris, vodPosition } from './hls-playlist.js';

const base = 'http://camera.example/live/index.m3u8';

describe('HLS playlists', () => {
  it('reads a live media playlist: segments, sequence numbers, no end', () => {
    const playlist = parsePlaylist('#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:41\n#EXTINF:2.000,\nseg41.ts\n#EXTINF:1.960,\n/abs/seg42.ts?token=x\n', base);
    assert.deepEqual(playlist, {
      kind: 'media',
      ended: false,
      segments: [
        { url: 'http://camera.example/live/seg41.ts', duration: 2, sequence: 41, init: null, key: null, byteRange: false },
        { url: 'http://camera.example/abs/seg42.ts?token=x', duration: 1.96, sequence: 42, init: null, key: null, byteRange: false },
      ],
    });
  });

  it('reads a VOD playlist and a master playlist, and picks the best variant', () => {
    const vod = parsePlaylist('#EXTM3U\r\n#EXT-X-PLAYLIST-TYPE:VOD\r\n#EXTINF:4,\r\na.ts\r\n#EXTINF:4,\r\nb.ts\r\n#EXT-X-ENDLIST\r\n', base);
    assert.equal(vod.kind === 'media' && vod.ended, true);
    const master = parsePlaylist('#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360\nlow.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=5000000,RESOLUTION=1920x1080\nhigh/index.m3u8\n', base);
    assert.equal(master.kind, 'master');
    assert.equal(master.kind === 'master' && bestVariant(master.variants).url, 'http://camera.example/live/high/index.m3u8');
  });

  it('keeps the init segment, the key and byte ranges that apply to each segment', () => {
    const playlist = parsePlaylist([
      '#EXTM3U', '#EXT-X-MAP:URI="init.mp4"', '#EXTINF:2,', 'a.m4s',
      '#EXT-X-KEY:METHOD=AES-128,URI="https://keys.example/k1",IV=0x01', '#EXTINF:2,', 'b.m4s',
      '#EXT-X-KEY:METHOD=NONE', '#EXT-X-BYTERANGE:1000@0', '#EXTINF:2,', 'c.m4s', '#EXTINF:2,', 'd.m4s',
    ].join('\n'), base);
    assert.ok(playlist.kind === 'media');
    const [a, b, c, d] = playlist.segments;
    assert.equal(a!.init, 'http://camera.example/live/init.mp4');
    assert.deepEqual([a!.key, b!.key, c!.key], [null, { method: 'AES-128', url: 'https://keys.example/k1' }, null]);
    assert.deepEqual([b!.byteRange, c!.byteRange, d!.byteRange], [false, true, false]);
    assert.deepEqual(playlistUris(playlist), ['http://camera.example/live/a.m4s', 'http://camera.example/live/init.mp4', 'http://camera.example/live/b.m4s', 'https://keys.example/k1', 'http://camera.example/live/c.m4s', 'http://camera.example/live/d.m4s']);
  });

  it('resolves every URI, whatever its scheme: refusing file: and concat: is for whoever fetches them', () => {
    const playlist = parsePlaylist('#EXTM3U\n#EXTINF:2,\nfile:///etc/passwd\n#EXTINF:2,\nconcat:/etc/passwd|/etc/hosts\n', base);
    assert.deepEqual(playlistUris(playlist), ['file:///etc/passwd', 'concat:/etc/passwd|/etc/hosts']);
    assert.throws(() => parsePlaylist('#EXTM3U\n#EXTINF:2,\nhttp://[bad\n', base), /the playlist names "http:\/\/\[bad", which is not a URL/);
  });

  it('says what is wrong with something that is not a playlist', () => {
    assert.throws(() => parsePlaylist('<html><body>Login</body></html>', base), /not an HLS playlist \(it does not start with #EXTM3U but with "<html><body>Login<\/body><\/html>"\)/);
    assert.throws(() => parsePlaylist('#EXTM3U\n#EXT-X-TARGETDURATION:2\n', base), /the live playlist lists no segments yet/);
  });

  it('advances through a VOD playlist as time passes, wrapping at the end', () => {
    const segments = [4, 4, 2].map((duration, k) => ({ url: `s${k}.ts`, duration, sequence: k, init: null, key: null, byteRange: false }));
    assert.deepEqual(vodPosition(segments, 0), { segment: segments[0], offset: 0 });
    assert.deepEqual(vodPosition(segments, 5.5), { segment: segments[1], offset: 1.5 });
    assert.deepEqual(vodPosition(segments, 9), { segment: segments[2], offset: 1 });
    assert.deepEqual(vodPosition(segments, 12), { segment: segments[0], offset: 2 });
  });
});
