import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CamtroveError } from './errors.js';
import { asNoSpace, isNoSpace } from './no-space.js';

describe('no space', () => {
  it('recognises a full disk from the file system, SQLite and PostgreSQL, also when wrapped', () => {
    for (const code of ['ENOSPC', 'EDQUOT', 'SQLITE_FULL', '53100']) assert.ok(isNoSpace(Object.assign(new Error('x'), { code })), code);
    assert.ok(isNoSpace(new Error('outer', { cause: Object.assign(new Error('inner'), { code: 'ENOSPC' }) })));
    assert.ok(!isNoSpace(Object.assign(new Error('x'), { code: 'ENOENT' })));
    assert.ok(!isNoSpace(null));
  });
  it('turns a full disk into CAMTROVE_ERR_NO_SPACE naming what was not stored, and leaves other errors alone', () => {
    const mapped = asNoSpace(Object.assign(new Error('write failed'), { code: 'ENOSPC' }), 'the upload was not stored') as CamtroveError;
    assert.equal(mapped.code, 'CAMTROVE_ERR_NO_SPACE');
    assert.equal(mapped.status, 507);
    assert.match(mapped.message, /full \(ENOSPC\); the upload was not stored/);
    const other = new Error('other');
    assert.equal(asNoSpace(other, 'x'), other);
  });
});
