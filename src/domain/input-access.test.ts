import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accessRefusal, FILE_ACCESS, guardInputs, httpAccess, localFileOnly, RTSP_ACCESS } from './input-access.js';

describe('input access', () => {
  it('puts each input\'s whitelists right before its -i, after its own options, and names local paths as files', () => {
    const args = guardInputs(['-y', '-ss', '2', '-i', '/lib/blobs/ab/cd/abcd', '-i', 'concat:/etc/passwd|x', '-map', '0:v', 'out.mp4'], localFileOnly);
    assert.deepEqual(args.slice(0, 9), ['-y', '-ss', '2', '-protocol_whitelist', 'file', '-format_whitelist', FILE_ACCESS.formats.join(','), '-i', 'file:/lib/blobs/ab/cd/abcd']);
    assert.deepEqual(args.slice(9, 14), ['-protocol_whitelist', 'file', '-format_whitelist', FILE_ACCESS.formats.join(','), '-i']);
    assert.equal(args[14], 'file:concat:/etc/passwd|x', 'a colon in a path never selects a protocol');
    assert.deepEqual(args.slice(-3), ['-map', '0:v', 'out.mp4']);
  });

  it('leaves out every demuxer that reads other files or addresses', () => {
    for (const format of ['hls', 'concat', 'dash', 'imf', 'sdp', 'rtsp', 'rtp', 'sap', 'lavfi', 'tty', 'image2pipe']) assert.ok(!FILE_ACCESS.formats.includes(format), format);
    assert.deepEqual(RTSP_ACCESS.protocols, ['tcp']);
    const http = httpAccess('http://127.0.0.1:4000');
    assert.ok(!http.protocols.includes('file') && !http.protocols.includes('data') && !http.protocols.includes('crypto'));
    assert.deepEqual(http.options, ['-http_proxy', 'http://127.0.0.1:4000']);
  });

  it('refuses a URL where only local files are read, without its password', () => {
    assert.throws(() => localFileOnly('http://admin:pw@cam/x.mjpg'), { code: 'CAMTROVE_ERR_INVALID_PARAMS', message: /^http:\/\/admin:\*\*\*@cam\/x\.mjpg: only local files are read here/ });
  });

  it('explains what an access refused, from ffmpeg\'s stderr', () => {
    assert.match(accessRefusal(["[hls @ 0x55d0c] Format not on whitelist 'mov,mpegts'", 'file:x: Invalid argument'])!, /^it is an HLS playlist, which makes ffmpeg read other files or addresses/);
    assert.match(accessRefusal(["[concat @ 0x1] [error] Format not on whitelist 'mov'"])!, /^it is an ffconcat list/);
    assert.equal(accessRefusal(["[tty @ 0x1] Format not on whitelist 'mov'"]), 'its format (tty) is not one camtrove reads');
    assert.match(accessRefusal(["[tcp @ 0x1] Protocol 'tcp' not on whitelist 'file'!"])!, /open a tcp address/);
    assert.equal(accessRefusal(['moov atom not found']), null);
  });
});
