import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileNamePattern, DEFAULT_NAME_PATTERN, readPathFacts } from './name-pattern.js';

const read = (regex: string, path: string, options: { timeFormat?: string; timeZone?: string; cameraGiven?: boolean } = {}) =>
  readPathFacts(compileNamePattern(regex, { cameraGiven: options.cameraGiven ?? false }), path, options);

describe('file-name patterns', () => {
  it('reads camera and epoch with the default pattern, seconds or milliseconds by size', () => {
    assert.deepEqual(read(DEFAULT_NAME_PATTERN, 'site04/CAM7-survey-1476014557.mp4'), { camera: 'CAM7', capturedAtMs: 1476014557000, latitude: null, longitude: null });
    assert.equal(read(DEFAULT_NAME_PATTERN, 'site04/CAM7-survey-1476014557123.mp4')!.capturedAtMs, 1476014557123);
    assert.equal(read(DEFAULT_NAME_PATTERN, 'site04/notes.txt'), null, 'no match: skipped, not an error');
    assert.equal(read(DEFAULT_NAME_PATTERN, 'CAM7-survey-1476014557.MP4')!.camera, 'CAM7', 'a file at the top of the folder, any extension case');
    assert.equal(read(DEFAULT_NAME_PATTERN, 'a-b/CAM7-survey-1476014557.mov')!.camera, 'CAM7', 'the camera comes from the file name, not a folder');
  });

  it('accepts Python and JavaScript named groups alike, and back-references', () => {
    const python = read(String.raw`(?P<camera>[a-z]+)_(?P<lat>-?[\d.]+)_(?P<lon>-?[\d.]+)_(?P=camera)\.mov`, 'deer_46.5_-120.25_deer.mov');
    assert.deepEqual(python, { camera: 'deer', capturedAtMs: null, latitude: 46.5, longitude: -120.25 });
    assert.equal(read(String.raw`(?<camera>\w+)\.mkv`, 'gate.mkv')!.camera, 'gate');
  });

  it('refuses a pattern it cannot use, before any file is read', () => {
    assert.throws(() => compileNamePattern('(?P<camera>\\w+', { cameraGiven: false }), /the regex "\(\?P<camera>\\\\w\+" is not a valid regular expression/);
    assert.throws(() => compileNamePattern(String.raw`(?P<epoch>\d+)\.mp4`, { cameraGiven: false }), /has no camera group .* and no --camera names the camera/);
    assert.doesNotThrow(() => compileNamePattern(String.raw`(?P<epoch>\d+)\.mp4`, { cameraGiven: true }));
    assert.throws(() => compileNamePattern(String.raw`(?P<camera>\w+)-(?P<epoch>\d+)-(?P<timestamp>\S+)`, { cameraGiven: false }), /both an epoch and a timestamp group/);
  });

  it('reads ISO 8601 timestamps, as UTC unless they or --tz say otherwise', () => {
    const pattern = String.raw`(?P<camera>\w+)@(?P<timestamp>[^/]+)\.mp4`;
    assert.equal(read(pattern, 'cam@2026-11-30T14:05:06Z.mp4')!.capturedAtMs, Date.UTC(2026, 10, 30, 14, 5, 6));
    assert.equal(read(pattern, 'cam@2026-11-30T14:05:06.250+01:00.mp4')!.capturedAtMs, Date.UTC(2026, 10, 30, 13, 5, 6, 250));
    assert.equal(read(pattern, 'cam@20261130T140506.mp4')!.capturedAtMs, Date.UTC(2026, 10, 30, 14, 5, 6), 'compact form, no zone: UTC');
    assert.equal(read(pattern, 'cam@2026-07-01 12:00:00.mp4', { timeZone: 'America/New_York' })!.capturedAtMs, Date.UTC(2026, 6, 1, 16), 'summer: UTC-4');
    assert.equal(read(pattern, 'cam@2026-01-15 12:00:00.mp4', { timeZone: 'America/New_York' })!.capturedAtMs, Date.UTC(2026, 0, 15, 17), 'winter: UTC-5');
    // 2026-03-08 02:30 does not exist in New York (2:00 → 3:00): read with the offset before the jump.
    assert.equal(read(pattern, 'cam@2026-03-08 02:30:00.mp4', { timeZone: 'America/New_York' })!.capturedAtMs, Date.UTC(2026, 2, 8, 7, 30));
    // 2026-11-01 01:30 happens twice (2:00 → 1:00): the first, still on summer time.
    assert.equal(read(pattern, 'cam@2026-11-01 01:30:00.mp4', { timeZone: 'America/New_York' })!.capturedAtMs, Date.UTC(2026, 10, 1, 5, 30));
    // East of UTC too: Berlin repeats 02:00–03:00 on 2026-10-25; the first 02:30 is CEST (UTC+2).
    assert.equal(read(pattern, 'cam@2026-10-25 02:30:00.mp4', { timeZone: 'Europe/Berlin' })!.capturedAtMs, Date.UTC(2026, 9, 25, 0, 30));
    assert.equal(read(pattern, 'cam@2026-03-29 02:30:00.mp4', { timeZone: 'Europe/Berlin' })!.capturedAtMs, Date.UTC(2026, 2, 29, 1, 30), 'skipped hour, offset from before (CET)');
    assert.throws(() => read(pattern, 'cam@yesterday.mp4'), /the timestamp "yesterday" is not ISO 8601 .*give --time-format/);
    assert.throws(() => read(pattern, 'cam@2026-02-30T10:00:00Z.mp4'), /not a real date and time/);
  });

  it('reads timestamps with --time-format codes', () => {
    const pattern = String.raw`(?P<camera>\w+)_(?P<timestamp>\d{8}_\d{6}(?:_\d+)?)\.avi`;
    assert.equal(read(pattern, 'trap3_20261130_140506.avi', { timeFormat: '%Y%m%d_%H%M%S' })!.capturedAtMs, Date.UTC(2026, 10, 30, 14, 5, 6));
    assert.equal(read(pattern, 'trap3_20261130_140506_25.avi', { timeFormat: '%Y%m%d_%H%M%S_%f' })!.capturedAtMs, Date.UTC(2026, 10, 30, 14, 5, 6, 250));
    assert.equal(read(String.raw`(?P<camera>\w+) (?P<timestamp>.+)\.avi`, 'trap3 30 Nov 26 14.05.avi', { timeFormat: '%d %b %y %H.%M', timeZone: 'Europe/Berlin' })!.capturedAtMs, Date.UTC(2026, 10, 30, 13, 5));
    assert.throws(() => read(pattern, 'trap3_20261130_140506.avi', { timeFormat: '%Y-%m-%d' }), /does not have the form --time-format "%Y-%m-%d"/);
    assert.throws(() => read(pattern, 'trap3_20261130_140506.avi', { timeFormat: '%Y%m%d_%H%M%S%Q' }), /%Q is not supported/);
  });

  it('says when a time or a place in the name cannot be right', () => {
    assert.throws(() => read(DEFAULT_NAME_PATTERN, 'a/cam-x-99999999999999999.mp4'), /outside 1970–2100/);
    assert.throws(() => read(String.raw`(?P<camera>\w+)_(?P<lat>[\d.]+)\.mp4`, 'cam_95.mp4'), /the latitude "95" in the name is not a number from -90 to 90/);
  });
});
