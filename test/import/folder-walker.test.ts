import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { walkFolder, type FoundFile, type PassedOver } from '../../src/adapters/import/folder-walker.js';

describe('walking a folder for videos', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'camtrove-walk-'));
    await mkdir(join(root, 'site04', 'day2'), { recursive: true });
    await writeFile(join(root, 'site04', 'CAM7-survey-1476014557.mp4'), 'a');
    await writeFile(join(root, 'site04', 'CAM7-survey-1476014999.MP4'), 'bb');
    await writeFile(join(root, 'site04', 'day2', 'CAM8-x-1476015000.Mov'), 'ccc');
    await writeFile(join(root, 'site04', 'notes.txt'), 'not a video');
    await writeFile(join(root, 'README'), 'no extension');
    // A name that is not UTF-8 (Latin-1 "é"), as old cameras and SD cards write them.
    await writeFile(Buffer.concat([Buffer.from(join(root, 'site04', 'cam')), Buffer.from([0xe9]), Buffer.from('-x-1476016000.mp4')]), 'dddd');
    await symlink(join(root, 'site04'), join(root, 'site04', 'day2', 'back-up'));
    await symlink(join(root, 'nowhere'), join(root, 'broken.mp4'));
    // What macOS leaves on a card: metadata beside each video, and a trash folder.
    await writeFile(join(root, 'site04', '._CAM7-survey-1476014557.mp4'), 'resource fork');
    await writeFile(join(root, 'site04', '.DS_Store'), 'finder');
    await mkdir(join(root, '.Trashes'));
    await writeFile(join(root, '.Trashes', 'CAM7-deleted-1476010000.mp4'), 'deleted');
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('finds videos by extension in any case, in name order, and passes over the rest with reasons', async () => {
    const files: FoundFile[] = [];
    const passed: PassedOver[] = [];
    for await (const entry of walkFolder(root, new Set(['mp4', 'mov']))) {
      if ('file' in entry) files.push(entry.file);
      else passed.push(entry.passed);
    }
    assert.deepEqual(files.map((f) => f.relative), ['site04/CAM7-survey-1476014557.mp4', 'site04/CAM7-survey-1476014999.MP4', 'site04/cam\uFFFD-x-1476016000.mp4', 'site04/day2/CAM8-x-1476015000.Mov']);
    assert.deepEqual(files.map((f) => f.size), [1, 2, 4, 3]);
    const latin = files[2]!;
    assert.ok(Buffer.isBuffer(latin.path), 'a name that is not UTF-8 stays bytes');
    assert.equal(await readFile(latin.path, 'utf8'), 'dddd', 'and the file can be read by it');
    assert.equal(typeof files[0]!.path, 'string');
    assert.deepEqual(passed.map((p) => [p.relative, p.reason]), [
      ['.Trashes', 'hidden (names starting with "." are not imported)'],
      ['broken.mp4', 'a broken symbolic link (or deleted while the folder was read)'],
      ['site04/._CAM7-survey-1476014557.mp4', 'a hidden file (names starting with "." are not imported)'],
      ['site04/day2/back-up', 'a link to a folder already walked (a symbolic link loop?)'],
    ]);
  });
});
