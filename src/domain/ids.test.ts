import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CamtroveError } from './errors.js';
import { newAnalysisId, newFrameId, parseIdPrefix, pickUnique } from './ids.js';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as CamtroveError).code;
  }
  return 'no error';
};

describe('id prefixes', () => {
  it('normalises case and surrounding space', () => {
    assert.equal(parseIdPrefix('  ABCDEF12 ', 'file', 64), 'abcdef12');
  });
  it('rejects non-hex, too short and too long ids as INVALID_ID', () => {
    assert.equal(code(() => parseIdPrefix('../etc', 'file', 64)), 'CAMTROVE_ERR_INVALID_ID');
    assert.equal(code(() => parseIdPrefix('abcde', 'file', 64)), 'CAMTROVE_ERR_INVALID_ID');
    assert.equal(code(() => parseIdPrefix('a'.repeat(33), 'analysis', 32)), 'CAMTROVE_ERR_INVALID_ID');
  });
  it('picks the one match, or says not found / ambiguous naming the matches', () => {
    assert.equal(pickUnique('abcdef', ['abcdef01'], 'file'), 'abcdef01');
    assert.equal(code(() => pickUnique('abcdef', [], 'file')), 'CAMTROVE_ERR_FILE_NOT_FOUND');
    assert.equal(code(() => pickUnique('abcdef', [], 'analysis')), 'CAMTROVE_ERR_ANALYSIS_NOT_FOUND');
    assert.throws(() => pickUnique('abcdef', ['abcdef01', 'abcdef02'], 'file'), /abcdef01, abcdef02/);
  });
  it('makes 32-hex analysis ids that differ', () => {
    const a = newAnalysisId();
    assert.match(a, /^[0-9a-f]{32}$/);
    assert.notEqual(a, newAnalysisId());
  });
});

describe('frame ids', () => {
  it('are 32 hex that sort by capture time', () => {
    const early = newFrameId(Date.UTC(2026, 0, 1));
    const late = newFrameId(Date.UTC(2026, 0, 1) + 1);
    assert.match(early, /^[0-9a-f]{32}$/);
    assert.ok(early < late, `${early} < ${late}`);
    assert.notEqual(newFrameId(0), newFrameId(0), 'unique within one millisecond');
  });
});
