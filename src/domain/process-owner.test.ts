import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ownerGone, ownerTag, parseOwnerTag, taggedName, tagOfName, type ProcessOwner } from './process-owner.js';

const me: ProcessOwner = { host: 'aaaaaaaa', boot: 'bbbbbbbb', pid: 100, start: 5000 };

describe('process owner tags', () => {
  it('round-trips through a file-name-safe tag, and rejects anything else', () => {
    const owner = { host: '0123abcd', boot: 'ffff0000', pid: 4242, start: 987654 };
    assert.equal(ownerTag(owner), '4242-987654-ffff0000-0123abcd');
    assert.deepEqual(parseOwnerTag(ownerTag(owner)), owner);
    for (const bad of ['', '1700000000000-0a1b2c3d4e5f6071', '12-3-ffff0000', '12-3-xyz00000-0123abcd', '../1-2-ffff0000-0123abcd']) assert.equal(parseOwnerTag(bad), null, bad);
  });

  it('puts the tag in scratch names and finds it again', () => {
    const tag = ownerTag(me);
    assert.equal(tagOfName(taggedName('0123abcd-7', tag, '.part')), tag);
    assert.equal(tagOfName(taggedName('a1b2c3-1', tag)), tag);
    assert.equal(tagOfName('1700000000000-0a1b2c3d.part'), null);
  });

  it('says a process is gone only when it is certain: same host, and no process, another boot, or another start time', () => {
    const none = () => null;
    assert.equal(ownerGone({ ...me, pid: 7 }, me, none), true, 'no process with that pid');
    assert.equal(ownerGone({ ...me, pid: 7, start: 1 }, me, () => 1), false, 'alive');
    assert.equal(ownerGone({ ...me, pid: 7, start: 1 }, me, () => 2), true, 'the pid was reused by a later process');
    assert.equal(ownerGone({ ...me, pid: 7, start: 0 }, me, () => 2), false, 'start time unknown: assume alive');
    assert.equal(ownerGone({ ...me, boot: 'cccccccc' }, me, () => me.start), true, 'made before a reboot');
    assert.equal(ownerGone({ ...me, host: 'dddddddd', pid: 7 }, me, none), false, 'another host: never judged');
    assert.equal(ownerGone(me, me, none), false, 'this process');
    assert.equal(ownerGone({ ...me, start: 1 }, me, none), true, 'an earlier process with this pid (pid 1 in a restarted container)');
  });
});
