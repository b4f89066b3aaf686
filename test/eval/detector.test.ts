import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectorCommand, parseDetectorOutput } from '../../eval/motion/detector.js';

const context = { projectRoot: '/p', gap: 5, python: '/usr/bin/python3' };

describe('evaluation detector command', () => {
  it('runs camtrove segment with exact boundaries and no files', () => {
    const { program, args } = detectorCommand('camtrove', '/c/clip.mp4', context);
    assert.equal(program, process.execPath);
    assert.deepEqual(args, ['/p/bin/camtrove.js', 'segment', '/c/clip.mp4', '--json', '--event-gap', '5', '--pre-capture', '0', '--post-capture', '0', '--no-clips', '--no-thumbnails']);
  });

  it('runs the MOG2 peer with the Python that has OpenCV', () => {
    assert.deepEqual(detectorCommand('mog2', 'clip.mp4', context), { program: '/usr/bin/python3', args: ['/p/eval/motion/mog2.py', 'clip.mp4', '--event-gap', '5'] });
  });

  it('runs any other command, with the clip in place of {clip} or at the end', () => {
    assert.deepEqual(detectorCommand('  ./seg  --in {clip} --gap 5 ', 'a.mp4', context), { program: './seg', args: ['--in', 'a.mp4', '--gap', '5'] });
    assert.deepEqual(detectorCommand('python3 other.py --json', 'a.mp4', context), { program: 'python3', args: ['other.py', '--json', 'a.mp4'] });
    assert.throws(() => detectorCommand('   ', 'a.mp4', context), /needs camtrove, mog2 or a command/);
  });
});

describe('evaluation detector output', () => {
  it('reads the events of camtrove\'s JSON, ignoring everything else', () => {
    const stdout = JSON.stringify({ media: { duration: 30 }, events: [{ start: 4.2, end: 9.8, colors: [] }, { start: 20, end: 20.4 }] });
    assert.deepEqual(parseDetectorOutput(`${stdout}\n`), [{ start: 4.2, end: 9.8 }, { start: 20, end: 20.4 }]);
  });

  it('refuses output that is not one JSON object with valid events', () => {
    assert.throws(() => parseDetectorOutput('progress 10%\n{"events": []}'), /not one JSON object/);
    assert.throws(() => parseDetectorOutput('{"media": {}}'), /without an "events" list/);
    assert.throws(() => parseDetectorOutput('{"events": [{"start": 5, "end": 4}]}'), /event 0 has no valid start and end/);
    assert.throws(() => parseDetectorOutput('{"events": [{"start": "5", "end": 6}]}'), /event 0/);
  });
});
