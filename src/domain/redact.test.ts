import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactArgs, redactUrl } from './redact.js';

describe('redaction', () => {
  it('hides passwords in URLs but keeps user and host', () => {
    assert.equal(redactUrl('rtsp://admin:s3cret@10.0.0.5:554/stream1'), 'rtsp://admin:***@10.0.0.5:554/stream1');
  });
  it('hides secret query parameters and keeps the others', () => {
    assert.equal(redactUrl('/file?limit=5&token=abc&api_key=xyz'), '/file?limit=5&token=***&api_key=***');
    assert.equal(redactUrl('http://cam/snap.jpg?user=u&password=p'), 'http://cam/snap.jpg?user=u&password=***');
  });
  it('leaves plain paths and arguments alone', () => {
    assert.deepEqual(redactArgs(['-i', '/data/x.mp4', '-crf', '23']), ['-i', '/data/x.mp4', '-crf', '23']);
  });
});
