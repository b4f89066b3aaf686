import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSecretParam, redactArgs, redactText, redactUrl } from './redact.js';

describe('redaction', () => {
  it('hides passwords in URLs but keeps user and host', () => {
    assert.equal(redactUrl('rtsp://admin:s3cret@10.0.0.5:554/stream1'), 'rtsp://admin:***@10.0.0.5:554/stream1');
  });
  it('hides secret query parameters and keeps the others', () => {
    assert.equal(redactUrl('/api/files?limit=5&token=abc&api_key=xyz'), '/api/files?limit=5&token=***&api_key=***');
    assert.equal(redactUrl('http://cam/snap.jpg?user=u&password=p'), 'http://cam/snap.jpg?user=u&password=***');
  });
  it('hides the query credentials cameras take, by the words of their names', () => {
    assert.equal(redactUrl('http://cam/snapshot.cgi?user=admin&pwd=secret'), 'http://cam/snapshot.cgi?user=admin&pwd=***');
    for (const name of ['auth_token', 'access_token', 'password', 'passwd', 'key', 'apiKey', 'X-Amz-Signature', 'X-Amz-Credential', 'sessionid', 'client_secret', 'PWD']) {
      assert.equal(redactUrl(`/x?${name}=v4lue&a=1`), `/x?${name}=***&a=1`, name);
    }
    for (const name of ['keyframe', 'user', 'resolution', 'channel', 'passive']) assert.equal(isSecretParam(name), false, name);
    assert.equal(redactUrl('/x?a=1;pwd=s#frag'), '/x?a=1;pwd=***#frag', 'semicolon separators and fragments');
  });
  it('hides URL credentials inside free text', () => {
    assert.equal(redactText('http://u:p@cam/a.ts?token=t: Server returned 404 Not Found'), 'http://u:***@cam/a.ts?token=***: Server returned 404 Not Found');
  });
  it('leaves plain paths and arguments alone', () => {
    assert.deepEqual(redactArgs(['-i', '/data/x.mp4', '-crf', '23']), ['-i', '/data/x.mp4', '-crf', '23']);
  });
});
