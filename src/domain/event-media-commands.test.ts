import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventClipArgs, eventThumbnailArgs, parseKeyframePacketLine, planClip } from './event-media-commands.js';

describe('event clips and thumbnails', () => {
  it('copies the stream from a keyframe a little before the event, re-encodes otherwise', () => {
    const keyframes = [0, 2, 4, 6];
    assert.deepEqual(planClip(keyframes, 3.1, 5), { mode: 'copy', from: 2, to: 5 });
    assert.deepEqual(planClip(keyframes, 4, 5), { mode: 'copy', from: 4, to: 5 });
    assert.deepEqual(planClip([0, 10], 7, 9), { mode: 'encode', from: 7, to: 9 });
    assert.deepEqual(planClip([], 1, 2), { mode: 'encode', from: 1, to: 2 });
  });
  it('builds the clip and thumbnail commands', () => {
    const copy = eventClipArgs('in.mp4', 'out.mp4', { mode: 'copy', from: 2, to: 5 });
    assert.deepEqual(copy.slice(0, 6), ['-ss', '2.000', '-i', 'in.mp4', '-t', '3.000']);
    assert.equal(copy[copy.indexOf('-c') + 1], 'copy');
    assert.ok(eventClipArgs('in.mp4', 'out.mp4', { mode: 'encode', from: 7, to: 9 }).includes('libx264'));
    const thumb = eventThumbnailArgs('in.mp4', 't.jpg', { time: 3.5, box: { x: 0.25, y: 0.5, w: 0.1, h: 0.2 }, width: 640 });
    assert.match(thumb[thumb.indexOf('-vf') + 1]!, /^scale=min\(640\\,iw\):-2,drawbox=x=iw\*0\.2500:y=ih\*0\.5000:w=iw\*0\.1000:h=ih\*0\.2000/);
  });
  it('reads keyframe times from ffprobe packet lines', () => {
    assert.equal(parseKeyframePacketLine('2.000000,K__'), 2);
    assert.equal(parseKeyframePacketLine('2.040000,___'), null);
    assert.equal(parseKeyframePacketLine('N/A,K__'), null);
  });
});
