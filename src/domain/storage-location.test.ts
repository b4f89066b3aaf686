import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatStorageLocation, parseStorageLocation } from './storage-location.js';
import { parseQueueLocation } from './queue-location.js';

describe('the storage setting', () => {
  it('is the data folder when empty, a bucket and a prefix for s3://', () => {
    assert.deepEqual(parseStorageLocation(''), { kind: 'local' });
    assert.deepEqual(parseStorageLocation('s3://footage'), { kind: 's3', bucket: 'footage', prefix: '' });
    assert.deepEqual(parseStorageLocation('s3://footage/camtrove/main/'), { kind: 's3', bucket: 'footage', prefix: 'camtrove/main' });
    assert.equal(formatStorageLocation({ kind: 's3', bucket: 'footage', prefix: 'a/b' }), 's3://footage/a/b');
  });
  it('refuses other schemes, bad bucket names and dot segments', () => {
    for (const bad of ['/srv/blobs', 'http://footage/x', 's3://', 's3://Footage', 's3://a', 's3://foot..age', 's3://footage/../x', 's3://footage?x=1']) {
      assert.equal(parseStorageLocation(bad), null, bad);
    }
  });
});

describe('the queue setting', () => {
  it('is the database when empty, Redis for redis:// and rediss://', () => {
    assert.deepEqual(parseQueueLocation(''), { kind: 'database' });
    assert.deepEqual(parseQueueLocation('redis://127.0.0.1:6379/2'), { kind: 'redis', url: 'redis://127.0.0.1:6379/2' });
    assert.deepEqual(parseQueueLocation('rediss://user:secret@cache.example:6380'), { kind: 'redis', url: 'rediss://user:secret@cache.example:6380' });
  });
  it('refuses other schemes and database paths', () => {
    for (const bad of ['127.0.0.1:6379', 'postgres://x/y', 'redis://', 'redis://host/queue']) assert.equal(parseQueueLocation(bad), null, bad);
  });
});
