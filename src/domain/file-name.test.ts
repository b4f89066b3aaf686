import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { safeFileName } from './file-name.js';

describe('display file names', () => {
  it('keeps only the last path segment, whatever the separator', () => {
    assert.equal(safeFileName('../../etc/passwd'), 'passwd');
    assert.equal(safeFileName('C:\\Users\\me\\clip.mp4'), 'clip.mp4');
  });
  it('drops control characters and dot names', () => {
    assert.equal(safeFileName('a\u0000b\nc.mp4'), 'abc.mp4');
    assert.equal(safeFileName('..'), '');
    assert.equal(safeFileName('dir/'), '');
  });
  it('keeps the end of very long names (where the extension is)', () => {
    const name = safeFileName(`${'x'.repeat(300)}.mp4`);
    assert.equal(name.length, 200);
    assert.ok(name.endsWith('.mp4'));
  });
});
