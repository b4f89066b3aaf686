import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLoopback } from './listen-address.js';

describe('listen addresses', () => {
  it('counts only addresses this machine alone can reach as loopback', () => {
    for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) assert.equal(isLoopback(host), true, host);
    for (const host of ['0.0.0.0', '::', '[::]', '192.168.1.20', '10.0.0.1', 'nas.local', '::ffff:10.0.0.1', '128.0.0.1']) assert.equal(isLoopback(host), false, host);
  });
});
