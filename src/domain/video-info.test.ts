import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseProbeOutput, parseRate, videoInfoJson } from './video-info.js';

const probe = {
  streams: [
    { index: 0, codec_type: 'video', codec_name: 'h264', width: 1920, height: 1080, avg_frame_rate: '30000/1001', r_frame_rate: '30000/1001', nb_frames: '300', pix_fmt: 'yuv420p', side_data_list: [{ rotation: -90 }] },
    { index: 1, codec_type: 'audio', codec_name: 'aac', sample_rate: '48000', channels: 2 },
    { index: 2, codec_type: 'video', codec_name: 'mjpeg', width: 300, height: 300, disposition: { attached_pic: 1 } },
  ],
  format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '10.010000', size: '1234567', bit_rate: '986000', tags: { creation_time: '2024-05-01T12:30:00.000000Z' } },
};

describe('ffprobe output', () => {
  it('turns ffprobe JSON into VideoInfo', () => {
    const info = parseProbeOutput(probe);
    assert.ok(info);
    assert.equal(info.duration, 10.01);
    assert.equal(info.size, 1234567);
    assert.equal(info.creationTime, '2024-05-01T12:30:00.000Z');
    assert.deepEqual(info.audio, { codec: 'aac', sampleRate: 48000, channels: 2 });
    assert.equal(info.streams.length, 3);
  });
  it('reports rotation clockwise and swaps the displayed size', () => {
    const video = parseProbeOutput(probe)?.video;
    assert.equal(video?.rotation, 90);
    assert.equal(video?.displayWidth, 1080);
    assert.equal(video?.displayHeight, 1920);
    assert.equal(video?.fps, 29.97);
  });
  it('prefers a real video stream over cover art', () => {
    const info = parseProbeOutput({ ...probe, streams: [probe.streams[2], probe.streams[0]] });
    assert.equal(info?.video?.codec, 'h264');
  });
  it('is null for output without streams', () => {
    assert.equal(parseProbeOutput({ streams: [], format: {} }), null);
    assert.equal(parseProbeOutput({}), null);
  });
  it('reads frame rates', () => {
    assert.equal(parseRate('25/1'), 25);
    assert.equal(parseRate('0/0'), null);
    assert.equal(parseRate(undefined), null);
  });
  it('shows the API snake_case names', () => {
    const json = videoInfoJson(parseProbeOutput(probe)!);
    assert.equal(json.bit_rate, 986000);
    assert.equal(json.creation_time, '2024-05-01T12:30:00.000Z');
    assert.equal(json.video?.display_width, 1080);
    assert.equal(json.audio?.sample_rate, 48000);
  });
});
