import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analysisFrameSize } from './frame-size.js';

describe('analysis frame size', () => {
  it('scales to the target width keeping the displayed aspect ratio', () => {
    assert.deepEqual(analysisFrameSize(1920, 1080, 320), { width: 320, height: 180 });
    assert.deepEqual(analysisFrameSize(1080, 1920, 320), { width: 320, height: 569 }, 'portrait (rotated phone video)');
    assert.deepEqual(analysisFrameSize(768, 576, 320), { width: 320, height: 240 });
  });
  it('never scales up, and refuses a video without a size', () => {
    assert.deepEqual(analysisFrameSize(160, 120, 320), { width: 160, height: 120 });
    assert.throws(() => analysisFrameSize(0, 0, 320), /invalid video size 0x0/);
  });
});
