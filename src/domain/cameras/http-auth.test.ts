import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { basicAuthorization, digestAuthorization, parseDigestChallenge } from './http-auth.js';

describe('camera HTTP auth', () => {
  it('builds basic auth', () => {
    assert.equal(basicAuthorization('Aladdin', 'open sesame'), 'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==');
  });

  it('answers the RFC 2617 digest example', () => {
    const challenge = parseDigestChallenge('Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"');
    assert.deepEqual(challenge, { realm: 'testrealm@host.com', nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093', qop: 'auth', opaque: '5ccc069c403ebaf9f0171e9517f40e41', algorithm: 'MD5' });
    const header = digestAuthorization({ username: 'Mufasa', password: 'Circle Of Life', method: 'GET', uri: '/dir/index.html', challenge: challenge, cnonce: '0a4f113b', nc: 1 });
    assert.match(header, /response="6629fae49393a05397450978507c4ef1"/);
    assert.match(header, /nc=00000001, cnonce="0a4f113b"/);
  });

  it('finds the digest challenge among several, and refuses what it cannot answer', () => {
    assert.equal(parseDigestChallenge(['Basic realm="x"', 'Digest realm="cam", nonce="abc", algorithm=SHA-256'])?.algorithm, 'SHA-256');
    assert.equal(parseDigestChallenge('Basic realm="x"'), null);
    assert.equal(parseDigestChallenge('Digest realm="cam", nonce="n", qop="auth-int"'), null);
    assert.equal(parseDigestChallenge(undefined), null);
  });
});
