import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeUsage, isUnused, type FileUsage } from './file-usage.js';

const none = { count: 0, sample: [] };
const unused: FileUsage = { events: none, previews: none, media: none, frames: none, analyses: none, activeAnalyses: none, importItems: none, labelAssets: none };

describe('file usage', () => {
  it('names what uses a file, with counts and a few ids', () => {
    assert.ok(isUnused(unused));
    const used: FileUsage = { ...unused, events: { count: 5, sample: ['e1', 'e2', 'e3'] }, media: { count: 1, sample: ['f00d'] }, importItems: { count: 1, sample: ['job1'] } };
    assert.ok(!isUnused(used));
    assert.equal(describeUsage(used), '5 events of its media (e1, e2, e3, …), 1 media record (f00d), 1 import item (of import job job1)');
  });
});
