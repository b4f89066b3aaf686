import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  frameImageArgs,
  frameRunArgs,
  MAX_INLINE_FILTER,
  ptsWindow,
  selectWindowsExpression,
  splitFramesArgs,
  splitFramesFilter,
  videoFrameIndexArgs,
  videoPacketIndexArgs,
} from './asset-media-commands.js';

const STREAM = 'stream=codec_name,width,height,avg_frame_rate,r_frame_rate,start_time,duration:stream_tags=rotate:stream_side_data=rotation:format=format_name,start_time,duration';

describe('asset media commands', () => {
  it('lists the packets (no decoding), or decodes every frame on every core', () => {
    assert.deepEqual(videoPacketIndexArgs('in.mp4'), ['-v', 'error', '-select_streams', 'v:0', '-show_entries', `${STREAM}:packet=pts_time,duration_time,flags`, '-of', 'json', '-i', 'in.mp4']);
    assert.deepEqual(videoFrameIndexArgs('in.mp4'), ['-v', 'error', '-select_streams', 'v:0', '-threads', '0', '-show_entries', `${STREAM}:frame=best_effort_timestamp_time,duration_time,key_frame`, '-of', 'json', '-i', 'in.mp4']);
  });

  it('takes the frame at a time within half a millisecond, never reaching half-way to the previous one', () => {
    assert.deepEqual(ptsWindow(2, 1.96), { from: 1.9995, to: 2.0005 });
    assert.deepEqual(ptsWindow(2, null), { from: 1.9995, to: 2.0005 });
    // Frames 0.4 ms apart (a damaged clock): the window stops half-way.
    assert.deepEqual(ptsWindow(2, 1.9996), { from: 1.9998, to: 2.0005 });
  });

  it('selects windows with a balanced tree of comparisons', () => {
    assert.equal(selectWindowsExpression([]), '0');
    assert.equal(selectWindowsExpression([{ from: 1, to: 2 }]), 'between(t\\,1.0000000\\,2.0000000)');
    assert.equal(
      selectWindowsExpression([{ from: 1, to: 2 }, { from: 3, to: 4 }, { from: 5, to: 6 }]),
      'if(lt(t\\,3.0000000)\\,between(t\\,1.0000000\\,2.0000000)\\,if(lt(t\\,5.0000000)\\,between(t\\,3.0000000\\,4.0000000)\\,between(t\\,5.0000000\\,6.0000000)))',
    );
    // A thousand windows nest ten deep, not a thousand.
    const deep = selectWindowsExpression(Array.from({ length: 1024 }, (_, i) => ({ from: i, to: i + 0.5 })));
    assert.equal(deep.match(/^(if\(lt\(t\\,[\d.]+\)\\,)+/)![0].split('if(').length - 1, 10);
  });

  it('seeks to the key frame in the stream\'s own clock and picks the frame by its time', () => {
    const frame = { pts: 1001.52, previousPts: 1001.48, keyPts: 1001.4 };
    assert.deepEqual(frameImageArgs('in.ts', frame, 'png'), [
      '-seek_timestamp', '1', '-ss', '1001.4000000', '-noaccurate_seek', '-copyts', '-i', 'in.ts', '-map', '0:v:0', '-an', '-sn', '-dn',
      '-vf', 'select=between(t\\,1001.5195000\\,1001.5205000)', '-fps_mode', 'passthrough', '-frames:v', '1', '-c:v', 'png', '-f', 'image2pipe', 'pipe:1',
    ]);
    const jpeg = frameImageArgs('in.ts', frame, 'jpeg');
    assert.deepEqual(jpeg.slice(-7), ['-c:v', 'mjpeg', '-q:v', '2', '-f', 'image2pipe', 'pipe:1']);
    // From the start: when asked, and for a key frame at 0 (nothing to seek to).
    assert.deepEqual(frameImageArgs('in.ts', frame, 'png', { seek: false }).slice(0, 3), ['-copyts', '-i', 'in.ts']);
    assert.deepEqual(frameImageArgs('in.mp4', { pts: 0.04, previousPts: 0, keyPts: 0 }, 'png').slice(0, 3), ['-copyts', '-i', 'in.mp4']);
  });

  it('reads frames ahead in the same decode, each kept only right after the one before it', () => {
    const run = { keyPts: 1001.4, previousPts: 1001.48, pts: [1001.52, 1001.56, 1001.6] };
    const args = frameRunArgs('in.ts', run, 'jpeg');
    const expression =
      'if(lt(t\\,1001.5595000)\\,between(t\\,1001.5195000\\,1001.5205000)\\,' +
      'if(lt(t\\,1001.5995000)\\,between(t\\,1001.5595000\\,1001.5605000)*between(prev_selected_t\\,1001.5195000\\,1001.5205000)\\,' +
      'between(t\\,1001.5995000\\,1001.6005000)*between(prev_selected_t\\,1001.5595000\\,1001.5605000)))';
    assert.deepEqual(args, [
      '-seek_timestamp', '1', '-ss', '1001.4000000', '-noaccurate_seek', '-copyts', '-i', 'in.ts', '-map', '0:v:0', '-an', '-sn', '-dn',
      '-vf', `select=${expression}`, '-fps_mode', 'passthrough', '-frames:v', '3', '-c:v', 'mjpeg', '-q:v', '2', '-f', 'image2pipe', 'pipe:1',
    ]);
    // One frame is the single-frame command itself: the same bytes come out either way.
    assert.deepEqual(frameRunArgs('in.ts', { keyPts: 1001.4, previousPts: 1001.48, pts: [1001.52] }, 'png'), frameImageArgs('in.ts', { pts: 1001.52, previousPts: 1001.48, keyPts: 1001.4 }, 'png'));
  });

  it('splits frames in one decode that stops after the last, inline or through a script', () => {
    const filter = splitFramesFilter([0, 0.04, 1.2]);
    assert.equal(filter, `select=${selectWindowsExpression([{ from: -0.0005, to: 0.0005 }, { from: 0.0395, to: 0.0405 }, { from: 1.1995, to: 1.2005 }])}`);
    assert.deepEqual(splitFramesArgs('in.mp4', 3, '/out/frame-%06d.jpg', { inline: filter }), [
      '-copyts', '-i', 'in.mp4', '-map', '0:v:0', '-an', '-sn', '-dn', '-vf', filter, '-fps_mode', 'passthrough',
      '-frames:v', '3', '-q:v', '2', '-f', 'image2', '-start_number', '1', '/out/frame-%06d.jpg',
    ]);
    assert.deepEqual(splitFramesArgs('in.mp4', 3, 'p', { script: '/out/select.txt' }).slice(8, 10), ['-filter_script:v', '/out/select.txt']);
    // Seeking near the first frame, in the stream's clock; not before zero.
    assert.deepEqual(splitFramesArgs('in.ts', 3, 'p', { inline: filter }, 1000.4).slice(0, 8), ['-seek_timestamp', '1', '-ss', '1000.4000000', '-noaccurate_seek', '-copyts', '-i', 'in.ts']);
    assert.deepEqual(splitFramesArgs('in.ts', 3, 'p', { inline: filter }, -1).slice(0, 3), ['-copyts', '-i', 'in.ts']);
    // Two thousand frames no longer fit one argument.
    assert.ok(splitFramesFilter(Array.from({ length: 2000 }, (_, i) => i / 25)).length > MAX_INLINE_FILTER);
  });
});
