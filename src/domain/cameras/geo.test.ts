import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boundingBox, distanceKm } from './geo.js';

const paris = { latitude: 48.8566, longitude: 2.3522 };
const london = { latitude: 51.5074, longitude: -0.1278 };

describe('geo', () => {
  it('measures great-circle distances', () => {
    assert.ok(Math.abs(distanceKm(paris, london) - 343.5) < 1.5, `${distanceKm(paris, london)}`);
    assert.equal(distanceKm(paris, paris), 0);
    assert.ok(Math.abs(distanceKm({ latitude: 0, longitude: 179.9 }, { latitude: 0, longitude: -179.9 }) - 22.24) < 0.1, 'across the antimeridian');
  });

  it('boxes every point within the radius', () => {
    const box = boundingBox(paris, 350);
    assert.ok(london.latitude <= box.maxLatitude && london.longitude >= box.minLongitude, JSON.stringify(box));
    assert.ok(box.maxLatitude - paris.latitude < 3.2 && box.maxLatitude - paris.latitude > 3.1);
    // Points on the box's edge at the centre's latitude are within the radius (the box is tight, not loose by a lot).
    assert.ok(distanceKm(paris, { latitude: paris.latitude, longitude: box.maxLongitude }) >= 349);
    assert.deepEqual([boundingBox({ latitude: 89.5, longitude: 10 }, 100).minLongitude, boundingBox({ latitude: 0, longitude: 179.5 }, 100).maxLongitude], [-180, 180]);
  });
});
