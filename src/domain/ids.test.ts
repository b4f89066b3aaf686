import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CamtroveError } from './errors.js';
import { ambiguousIdMessage, newAnalysisId, newFrameId, parseIdPrefix, pickUnique, PREFIX_MATCHES_READ, resolveId, type IdLookup } from './ids.js';

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
    assert.equal(code(() => pickUnique('abcdef', [], 'event')), 'CAMTROVE_ERR_EVENT_NOT_FOUND');
    assert.throws(() => pickUnique('abcdef', ['abcdef01', 'abcdef02'], 'file'), /abcdef01, abcdef02/);
  });
  it('words an ambiguous prefix the same way for every kind, with how many it matches', () => {
    assert.equal(
      ambiguousIdMessage('event', '3fa2c1', ['3fa2c1aa', '3fa2c1bb', '3fa2c1cc']),
      'event id prefix 3fa2c1 is ambiguous: matches 3 events (3fa2c1aa, 3fa2c1bb, 3fa2c1cc); give more characters',
    );
    const many = Array.from({ length: PREFIX_MATCHES_READ }, (_, i) => `gate-${i}`);
    assert.match(ambiguousIdMessage('camera', 'gate-', many), /^camera id prefix gate- is ambiguous: matches 5 or more cameras \(gate-0, .*gate-4\); give more characters$/);
    assert.match(ambiguousIdMessage('file', 'abcdef', ['abcdef'.padEnd(64, '0'), 'abcdef'.padEnd(64, '1')]), /matches 2 files \(abcdef0{58}, abcdef1{58}\)/);
  });
  it('resolves whole ids and unique prefixes; a named kind tries the whole id first', async () => {
    const ids = ['gate', 'gate-north-1', 'gate-north-2', 'yard-camera-1'];
    const lookup: IdLookup = {
      exists: async (id) => ids.includes(id),
      withPrefix: async (prefix, limit) => ids.filter((id) => id.startsWith(prefix)).slice(0, limit),
    };
    assert.equal(await resolveId('camera', 'gate', lookup), 'gate', 'a whole id, though a prefix of others');
    assert.equal(await resolveId('camera', 'yard-c', lookup), 'yard-camera-1');
    await assert.rejects(resolveId('camera', 'gate-n', lookup), (e: CamtroveError) => e.code === 'CAMTROVE_ERR_AMBIGUOUS_ID' && /matches 2 cameras/.test(e.message));
    await assert.rejects(resolveId('camera', 'yard', lookup), (e: CamtroveError) => e.code === 'CAMTROVE_ERR_CAMERA_NOT_FOUND', 'shorter than 6: no prefix lookup');
    await assert.rejects(resolveId('import job', 'nothing-here', lookup), (e: CamtroveError) => e.code === 'CAMTROVE_ERR_IMPORT_JOB_NOT_FOUND');
    const hex = { withPrefix: async () => ['a'.repeat(32)] };
    assert.equal(await resolveId('event', 'AAAAAA', hex), 'a'.repeat(32));
    await assert.rejects(resolveId('event', 'lobby', hex), (e: CamtroveError) => e.code === 'CAMTROVE_ERR_INVALID_ID');
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
