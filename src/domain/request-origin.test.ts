import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { refusalWithoutToken, type RequestOrigin } from './request-origin.js';

const request = (given: Partial<RequestOrigin>): RequestOrigin => ({ method: 'POST', host: '127.0.0.1:8080', origin: undefined, fetchSite: undefined, ...given });

describe('requests without a token', () => {
  it('lets programs and the server\'s own pages in', () => {
    assert.equal(refusalWithoutToken(request({})), null, 'curl, the SDK: no Origin');
    assert.equal(refusalWithoutToken(request({ origin: 'http://127.0.0.1:8080', fetchSite: 'same-origin' })), null);
    for (const host of ['localhost:8080', '[::1]:8080', 'camtrove.localhost:8080', '127.0.0.2']) assert.equal(refusalWithoutToken(request({ host })), null, host);
    assert.equal(refusalWithoutToken(request({ host: undefined })), null, 'HTTP/1.0 without Host');
  });
  it('refuses a host name that is not this machine (DNS rebinding), whatever the method', () => {
    for (const method of ['GET', 'POST']) assert.match(refusalWithoutToken(request({ method, host: 'evil.example:8080' })) ?? '', /only requests addressed to this machine .* not to "evil\.example:8080"/);
    assert.notEqual(refusalWithoutToken(request({ method: 'GET', host: '192.168.1.20:8080' })), null);
  });
  it('refuses changes from a page of another origin, and lets reads through', () => {
    for (const given of [{ origin: 'https://evil.example' }, { origin: 'http://127.0.0.1:3000' }, { origin: 'null' }, { fetchSite: 'cross-site' }]) {
      assert.match(refusalWithoutToken(request(given)) ?? '', /takes no changes from a web page of another site/, JSON.stringify(given));
      assert.equal(refusalWithoutToken(request({ ...given, method: 'GET' })), null, `GET ${JSON.stringify(given)}`);
    }
  });
});
