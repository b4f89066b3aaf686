import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calmReferenceTimes } from './calm-moment.js';

describe('calm reference times', () => {
  it('prefers a second before the motion, then a second after it', () => {
    assert.deepEqual(calmReferenceTimes({ motionStart: 5, motionEnd: 9 }, 30), [4, 10]);
    assert.deepEqual(calmReferenceTimes({ motionStart: 0.6, motionEnd: 9 }, null), [0, 10]);
  });
  it('looks only after when the motion starts with the media, and stays inside it', () => {
    assert.deepEqual(calmReferenceTimes({ motionStart: 0, motionEnd: 9 }, 30), [10]);
    assert.deepEqual(calmReferenceTimes({ motionStart: 0.1, motionEnd: 9.2 }, 10.2), [10]);
  });
  it('has nothing to offer when the motion fills the media', () => {
    assert.deepEqual(calmReferenceTimes({ motionStart: 0, motionEnd: 9.9 }, 10), []);
  });
});
