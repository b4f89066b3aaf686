import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { archiveFileName, archiveStamp, isoMicros } from './archive-name.js';

describe('archive names', () => {
  it('stamps UTC times to the microsecond', () => {
    const micros = Date.UTC(2026, 10, 30, 21, 5, 9, 123) * 1000 + 456;
    assert.equal(archiveStamp(micros), '2026-11-30_21-05-09-123456');
    assert.equal(isoMicros(micros), '2026-11-30T21:05:09.123456Z');
    assert.equal(archiveStamp(Date.UTC(2027, 0, 1) * 1000), '2027-01-01_00-00-00-000000');
  });
  it('names frames as archivers always have', () => {
    const micros = Date.UTC(2026, 10, 30, 21, 5, 9, 7) * 1000 + 8;
    assert.equal(archiveFileName('cam_42', micros, 'image/jpeg'), 'cam_42_2026-11-30_21-05-09-007008.jpg');
    assert.equal(archiveFileName('cam_42', micros, 'image/png'), 'cam_42_2026-11-30_21-05-09-007008.png');
  });
});
