import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keyframeSeekTimes, packetListingArgs, parsePacketListingLine, seekTime } from './packet-listing.js';

describe('packet listing', () => {
  it('lists packets with ffprobe and reads each line', () => {
    assert.deepEqual(packetListingArgs('in.ts'), ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,size,flags:format=start_time', '-of', 'csv=p=1', '-i', 'in.ts']);
    assert.deepEqual(parsePacketListingLine('packet,2.000000,14233,K_'), { kind: 'packet', time: 2, size: 14233, key: true });
    assert.deepEqual(parsePacketListingLine('packet,1.480000,900,K_,side_data,'), { kind: 'packet', time: 1.48, size: 900, key: true });
    assert.deepEqual(parsePacketListingLine('packet,2.040000,77,__'), { kind: 'packet', time: 2.04, size: 77, key: false });
    assert.equal(parsePacketListingLine('packet,N/A,77,K_'), null);
    assert.equal(parsePacketListingLine('packet,-0.080000,300,KD'), null, 'a discarded packet is never shown');
    assert.deepEqual(parsePacketListingLine('format,1.456778'), { kind: 'start', time: 1.456778 });
    assert.deepEqual(parsePacketListingLine('format,N/A'), { kind: 'start', time: null });
    assert.equal(parsePacketListingLine(''), null);
  });

  it('reads times in the clock -ss uses: from the container start', () => {
    assert.equal(seekTime(3.48, 1.456778), 2.023222);
    assert.deepEqual(keyframeSeekTimes([3.48, 1.48, 1.48, 5.48], 1.456778), [0.023222, 2.023222, 4.023222]);
    assert.deepEqual(keyframeSeekTimes([0, 2], null), [0, 2]);
  });
});
