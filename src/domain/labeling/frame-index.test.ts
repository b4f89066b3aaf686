import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodedFrames, framesInRange, listingEnd, packetFrames, parseVideoFacts } from './frame-index.js';

const stream = { codec_name: 'h264', width: 1920, height: 1080, avg_frame_rate: '25/1', r_frame_rate: '25/1', start_time: '1.400000', duration: '600.000000', tags: {} };
const format = { format_name: 'mpegts', start_time: '1.400000', duration: '600.040000' };
const h264ts = { codec: 'h264', format: 'mpegts' };

describe('frame index', () => {
  it('reads the displayed size, rotation and clock of the video stream', () => {
    assert.deepEqual(parseVideoFacts({ streams: [stream], format }), {
      format: 'mpegts', width: 1920, height: 1080, rotation: 0, codec: 'h264', fps: 25, startTime: 1.4, inputStartTime: 1.4, duration: 600,
    });
    const turned = parseVideoFacts({ streams: [{ ...stream, side_data_list: [{ rotation: -90 }] }], format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '3' } });
    assert.deepEqual([turned?.width, turned?.height, turned?.rotation], [1080, 1920, 90]);
    // No stream duration: the container's.
    assert.equal(parseVideoFacts({ streams: [{ ...stream, duration: 'N/A' }], format })?.duration, 600.04);
    assert.equal(parseVideoFacts({ streams: [], format }), null);
    assert.equal(parseVideoFacts({ streams: [{ codec_name: 'h264' }], format }), null, 'no size: not a picture stream');
  });

  it('sorts packets into presentation order, leaving out the discarded ones', () => {
    const packets = [
      { pts_time: '0.000000', flags: 'K_' }, { pts_time: '0.120000', flags: '__' }, { pts_time: '0.040000', flags: '__' },
      { pts_time: '-0.040000', flags: '_D' }, { pts_time: '0.080000', flags: '__' },
    ];
    assert.deepEqual(packetFrames({ packets }, h264ts), {
      frames: [{ pts: 0, key: true }, { pts: 0.04, key: false }, { pts: 0.08, key: false }, { pts: 0.12, key: false }],
      distrust: null,
    });
  });

  it('distrusts packets that may not be one decoded frame each', () => {
    const good = [{ pts_time: '0.000000', flags: 'K_' }, { pts_time: '0.040000', flags: '__' }];
    const distrust = (packets: unknown[], facts = h264ts) => packetFrames({ packets }, facts).distrust;
    assert.equal(distrust(good, { codec: 'mpeg4', format: 'avi' }), 'codec mpeg4');
    assert.equal(distrust(good, { codec: 'h264', format: 'avi' }), 'container avi');
    assert.equal(distrust(good, { codec: 'h264', format: 'h264' }), 'container h264');
    assert.equal(distrust([...good, { pts_time: 'N/A', flags: '__' }]), '1 packet(s) without a time');
    assert.equal(distrust([...good, { pts_time: '0.040000', flags: '__' }]), 'packets sharing a time');
    assert.equal(distrust([{ pts_time: '0.000000', flags: '__' }]), 'no key frame');
    assert.equal(distrust([]), 'no timed packet');
    assert.equal(distrust(good, { codec: 'hevc', format: 'matroska,webm' }), null);
  });

  it('takes a decode\'s frames in its order, without untimed ones', () => {
    const frames = [
      { best_effort_timestamp_time: '0.000000', key_frame: 1 }, { best_effort_timestamp_time: '0.040000', key_frame: 0 },
      { best_effort_timestamp_time: 'N/A', key_frame: 0 },
    ];
    assert.deepEqual(decodedFrames({ frames }), [{ pts: 0, key: true }, { pts: 0.04, key: false }]);
    assert.deepEqual(decodedFrames({}), []);
  });

  it('keeps frames in [from, to)', () => {
    const frames = [0, 1, 2, 3].map((pts) => ({ pts, key: pts === 0 }));
    assert.deepEqual(framesInRange(frames, { from: 1, to: 3 }).map((f) => f.pts), [1, 2]);
    assert.deepEqual(framesInRange(frames, { from: 2 }).map((f) => f.pts), [2, 3]);
    assert.deepEqual(framesInRange(frames, {}).length, 4);
  });
});

describe('listingEnd', () => {
  it('is the last frame\'s time plus its duration, from packets in any order or from decoded frames', () => {
    assert.equal(listingEnd({ packets: [{ pts_time: '6.967', duration_time: '0.033', flags: 'K__' }, { pts_time: '0.000', duration_time: '0.033', flags: 'K__' }] }), 6.967 + 0.033);
    assert.equal(listingEnd({ frames: [{ best_effort_timestamp_time: '1.0', duration_time: '0.5' }, { best_effort_timestamp_time: '2.0', duration_time: '0.25' }] }), 2.25);
    assert.equal(listingEnd({ packets: [{ pts_time: '1.0', flags: 'K__' }] }), null, 'no duration: unknown');
    assert.equal(listingEnd({ packets: [{ pts_time: '1.0', duration_time: '0.1', flags: 'K__' }, { pts_time: '9.0', duration_time: '0.1', flags: 'KD_' }] }), 1.1, 'discarded packets are not frames');
  });
});
