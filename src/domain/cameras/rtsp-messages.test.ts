import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { headerOf, headersOf, requestOf, RtspFramer, serializeMessage, statusOf, withHeader, withUri, type RtspMessage } from './rtsp-messages.js';

const describeRequest = 'DESCRIBE rtsp://127.0.0.1:8554/abc/stream RTSP/1.0\r\nCSeq: 2\r\nAccept: application/sdp\r\n\r\n';
const sdp = 'v=0\r\nm=video 0 RTP/AVP 96\r\na=control:rtsp://cam/stream/trackID=0\r\n';
const describeAnswer = `RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Type: application/sdp\r\nContent-Length: ${sdp.length}\r\n\r\n${sdp}`;

describe('RTSP messages', () => {
  it('splits messages and interleaved frames, however the bytes are cut', () => {
    const frame = Buffer.from([0x24, 1, 0, 3, 7, 8, 9]);
    const wire = Buffer.concat([Buffer.from(describeAnswer, 'latin1'), frame, Buffer.from('RTSP/1.0 302 Moved\r\nCSeq: 3\r\nLocation: rtsp://elsewhere/x\r\n\r\n', 'latin1')]);
    for (const size of [1, 5, 64, wire.length]) {
      const framer = new RtspFramer();
      const units = [];
      for (let at = 0; at < wire.length; at += size) units.push(...framer.push(wire.subarray(at, at + size)));
      assert.equal(units.length, 3, `chunks of ${size}`);
      const [answer, media, moved] = units as [RtspMessage, { kind: string; channel: number; frame: Buffer }, RtspMessage];
      assert.equal(statusOf(answer), 200);
      assert.equal(answer.body.toString('latin1'), sdp);
      assert.deepEqual([media.kind, media.channel, [...media.frame]], ['interleaved', 1, [0x24, 1, 0, 3, 7, 8, 9]]);
      assert.equal(statusOf(moved), 302);
      assert.equal(headerOf(moved, 'LOCATION'), 'rtsp://elsewhere/x');
    }
  });

  it('reads and rewrites a request, and writes it back with its length', () => {
    const [request] = new RtspFramer().push(Buffer.from(describeRequest, 'latin1')) as [RtspMessage];
    assert.deepEqual(requestOf(request), { method: 'DESCRIBE', uri: 'rtsp://127.0.0.1:8554/abc/stream' });
    assert.equal(statusOf(request), null);
    const rewritten = withHeader(withUri(request, 'rtsp://cam:554/stream'), 'CSeq', '7');
    assert.equal(serializeMessage(rewritten).toString('latin1'), 'DESCRIBE rtsp://cam:554/stream RTSP/1.0\r\nAccept: application/sdp\r\nCSeq: 7\r\n\r\n');
    assert.equal(serializeMessage(withHeader(rewritten, 'Accept', null)).toString('latin1'), 'DESCRIBE rtsp://cam:554/stream RTSP/1.0\r\nCSeq: 7\r\n\r\n');
    const twice = { ...request, headers: [...request.headers, ['WWW-Authenticate', 'Digest realm="a", nonce="n"'], ['WWW-Authenticate', 'Basic realm="a"']] as [string, string][] };
    assert.deepEqual(headersOf(twice, 'www-authenticate'), ['Digest realm="a", nonce="n"', 'Basic realm="a"']);
  });

  it('refuses what is not RTSP, and heads or bodies past their limits', () => {
    assert.throws(() => new RtspFramer().push(Buffer.from('HTTP/1.1 200 OK\r\n\r\n')), /not an RTSP message: "HTTP\/1\.1 200 OK"/);
    assert.throws(() => new RtspFramer().push(Buffer.from('RTSP/1.0 200 OK\r\nno colon\r\n\r\n')), /a malformed RTSP header line/);
    assert.throws(() => new RtspFramer({ maxHeadBytes: 32, maxBodyBytes: 10 }).push(Buffer.from(`RTSP/1.0 200 OK\r\nX: ${'y'.repeat(40)}`)), /head longer than 32 bytes/);
    assert.throws(() => new RtspFramer({ maxHeadBytes: 1024, maxBodyBytes: 10 }).push(Buffer.from('RTSP/1.0 200 OK\r\nContent-Length: 11\r\n\r\n')), /an RTSP body of 11 bytes \(at most 10\)/);
    assert.throws(() => new RtspFramer().push(Buffer.from('RTSP/1.0 200 OK\r\nContent-Length: -1\r\n\r\n')), /an RTSP body of -1 bytes/);
  });
});
