import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { preferredArchiver } from './camera-assignment.js';

const cameras = Array.from({ length: 3000 }, (_, i) => `cam-${i}`);
const share = (owners: string[]) => {
  const counts = new Map(owners.map((o) => [o, 0]));
  for (const id of cameras) counts.set(preferredArchiver(id, owners)!, counts.get(preferredArchiver(id, owners)!)! + 1);
  return counts;
};

describe('which process archives a camera', () => {
  it('is one of the live processes, the same whatever order they are listed in', () => {
    assert.equal(preferredArchiver('cam-1', []), null);
    assert.equal(preferredArchiver('cam-1', ['host-a:1']), 'host-a:1');
    const owners = ['host-a:1', 'host-b:7', 'host-c:3'];
    for (const id of cameras.slice(0, 200)) assert.equal(preferredArchiver(id, owners), preferredArchiver(id, [...owners].reverse()));
  });

  it('spreads cameras evenly over the processes', () => {
    const owners = ['host-a:1', 'host-b:7', 'host-c:3', 'host-d:9'];
    for (const [owner, count] of share(owners)) assert.ok(count > 3000 / 4 * 0.85 && count < 3000 / 4 * 1.15, `${owner} has ${count} of 3000`);
  });

  it('moves only the cameras of a process that leaves, and only cameras to one that joins', () => {
    const three = ['host-a:1', 'host-b:7', 'host-c:3'];
    const two = ['host-a:1', 'host-b:7'];
    for (const id of cameras) {
      const before = preferredArchiver(id, three);
      if (before !== 'host-c:3') assert.equal(preferredArchiver(id, two), before, `${id} stays where it was`);
    }
    const four = [...three, 'host-d:9'];
    for (const id of cameras) {
      const after = preferredArchiver(id, four);
      assert.ok(after === 'host-d:9' || after === preferredArchiver(id, three), `${id} moves only to the newcomer`);
    }
  });
});
