import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { usePathStyle } from './s3-addressing.js';

describe('S3 bucket addressing', () => {
  it('uses path style for IP addresses and localhost, or when forced', () => {
    for (const endpoint of ['http://127.0.0.1:9000', 'https://10.0.0.5', 'http://[::1]:9000', 'http://localhost:4566', 'http://minio.localhost']) {
      assert.equal(usePathStyle(endpoint, false), true, endpoint);
    }
    assert.equal(usePathStyle('https://s3.example.com', true), true);
    assert.equal(usePathStyle(undefined, true), true);
  });

  it('uses virtual-hosted style for AWS and named hosts', () => {
    for (const endpoint of [undefined, '', 'https://s3.eu-west-1.amazonaws.com', 'https://minio.example.com:9000', 'not a url', 'http://1.2.3.example.com']) {
      assert.equal(usePathStyle(endpoint, false), false, String(endpoint));
    }
  });
});
