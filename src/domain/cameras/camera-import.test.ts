import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CamtroveError } from '../errors.js';
import { parseCameraList } from './camera-import.js';
import { sourceUrl, validateCamera } from './camera.js';

/** Asserts that reading `text` fails as a whole, with a message matching `message`. */
function assertUnreadable(text: string, format: 'json' | 'csv', message: RegExp): void {
  assert.throws(
    () => parseCameraList(text, format),
    (error: unknown) => error instanceof CamtroveError && error.code === 'CAMTROVE_ERR_INVALID_CAMERA' && message.test(error.message),
  );
}

describe('camera list import', () => {
  it('reads each CAM2 camera_type from flat JSON', () => {
    const list = [
      { cameraID: 'in-101', camera_type: 'non_ip', snapshot_url: 'https://traffic.example.org/cam101.jpg', description: 'US 52 at Sagamore Pkwy', city: 'West Lafayette', state: 'IN', country: 'USA', latitude: 40.4437, longitude: -86.9123, is_active_image: true, is_active_video: false, legacy_cameraID: 4411, reference_logo: null },
      { cameraID: 'axis-7', camera_type: 'ip', ip: '128.10.29.33', port: '8080', image_path: '/axis-cgi/jpg/image.cgi', video_path: '/axis-cgi/mjpg/video.cgi', brand: 'Axis', resolution_width: 1280, resolution_height: 720 },
      { cameraID: 'harbour-hls', camera_type: 'stream', m3u8_url: 'https://video.example.net/harbour/index.m3u8', frame_rate: 15, timezone_id: 'Europe/Oslo' },
      { cameraID: 'lobby', camera_type: 'stream', video_path: 'http://10.0.0.5/axis-cgi/mjpg/video.cgi?fps=5' },
      { cameraID: 'gate', camera_type: 'stream', rtsp_url: 'rtsp://10.0.0.9:554/stream1' },
    ];
    const { cameras, problems } = parseCameraList(JSON.stringify(list), 'json');
    assert.deepEqual(problems, []);
    assert.deepEqual(cameras, [
      {
        row: 1,
        input: { id: 'in-101', type: 'snapshot', name: 'US 52 at Sagamore Pkwy', snapshot_url: 'https://traffic.example.org/cam101.jpg', city: 'West Lafayette', state: 'IN', country: 'USA', latitude: 40.4437, longitude: -86.9123, is_active_image: true, is_active_video: false },
      },
      { row: 2, input: { id: 'axis-7', type: 'ip', ip: '128.10.29.33', port: 8080, image_path: '/axis-cgi/jpg/image.cgi', video_path: '/axis-cgi/mjpg/video.cgi', resolution: '1280x720' } },
      { row: 3, input: { id: 'harbour-hls', type: 'hls', m3u8_url: 'https://video.example.net/harbour/index.m3u8', frame_rate: 15, timezone: 'Europe/Oslo' } },
      { row: 4, input: { id: 'lobby', type: 'mjpeg', video_path: 'http://10.0.0.5/axis-cgi/mjpg/video.cgi?fps=5', mjpeg_url: 'http://10.0.0.5/axis-cgi/mjpg/video.cgi?fps=5' } },
      { row: 5, input: { id: 'gate', type: 'rtsp', rtsp_url: 'rtsp://10.0.0.9:554/stream1' } },
    ]);
  });

  it("takes camtrove's own type names and field aliases as they are", () => {
    const list = [
      { id: 'porch', type: 'MJPEG', mjpeg_url: 'http://192.168.1.20/video.mjpg', name: 'Porch', lat: '51.5', lng: '-0.12', tags: ['home', 'outdoor'], enabled: 'no', username: 'viewer', password: ' s3cret ', auth: 'Digest' },
      { camera_id: 'yard', type: 'snapshot', snapshot_url: 'http://192.168.1.21/snap.jpg', lon: 10, latitude: 59.9, tags: 'garden; night,  ', archive_interval: '30', retention_days: '7' },
    ];
    const { cameras, problems } = parseCameraList(JSON.stringify(list), 'json');
    assert.deepEqual(problems, []);
    assert.deepEqual(
      cameras.map((camera) => camera.input),
      [
        { id: 'porch', type: 'mjpeg', name: 'Porch', mjpeg_url: 'http://192.168.1.20/video.mjpg', username: 'viewer', password: ' s3cret ', auth: 'digest', latitude: 51.5, longitude: -0.12, tags: ['home', 'outdoor'], enabled: false },
        { id: 'yard', type: 'snapshot', snapshot_url: 'http://192.168.1.21/snap.jpg', latitude: 59.9, longitude: 10, tags: ['garden', 'night'], archive_interval: 30, retention_days: 7 },
      ],
    );
  });

  it('takes type and camera_type together when they name the same kind of camera', () => {
    const list = [
      { cameraID: 'both', type: 'hls', camera_type: 'stream', m3u8_url: 'https://example.com/a.m3u8', rtsp_url: 'rtsp://example.com/a' },
      { cameraID: 'spelled', camera_type: 'Non-IP', snapshot_url: 'https://example.com/b.jpg' },
      { cameraID: 'clash', type: 'snapshot', camera_type: 'ip', snapshot_url: 'https://example.com/c.jpg' },
      { cameraID: 'clash-2', type: 'hls', camera_type: 'rtsp', rtsp_url: 'rtsp://example.com/d' },
    ];
    const { cameras, problems } = parseCameraList(JSON.stringify(list), 'json');
    assert.deepEqual(
      cameras.map(({ input }) => [input.id, input.type]),
      [
        ['both', 'hls'],
        ['spelled', 'snapshot'],
      ],
    );
    assert.deepEqual(problems, [
      { row: 3, id: 'clash', reason: 'type "snapshot" and camera_type "ip" disagree' },
      { row: 4, id: 'clash-2', reason: 'type "hls" and camera_type "rtsp" disagree' },
    ]);
  });

  it('reads the nested form, with the address under retrieval as an object or as JSON text', () => {
    const list = [
      { cameraID: '5ae0ecbd336359291be74c12', type: 'ip', retrieval: { ip: '128.10.29.33', port: 80, brand: null, model: null, image_path: '/axis-cgi/jpg/image.cgi', video_path: null }, country: 'USA', is_active_image: 1 },
      { cameraID: '5ae0ecbd336359291be74c13', type: 'non_ip', retrieval: '{"snapshot_url": "https://images.example.com/live/513.jpg"}' },
      { cameraID: '5ae0ecbd336359291be74c14', type: 'stream', retrieval: { m3u8_url: 'https://streams.example.com/cam14/playlist.m3u8' } },
    ];
    const { cameras, problems } = parseCameraList(JSON.stringify(list), 'json');
    assert.deepEqual(problems, []);
    assert.deepEqual(
      cameras.map((camera) => camera.input),
      [
        { id: '5ae0ecbd336359291be74c12', type: 'ip', ip: '128.10.29.33', port: 80, image_path: '/axis-cgi/jpg/image.cgi', country: 'USA', is_active_image: true },
        { id: '5ae0ecbd336359291be74c13', type: 'snapshot', snapshot_url: 'https://images.example.com/live/513.jpg' },
        { id: '5ae0ecbd336359291be74c14', type: 'hls', m3u8_url: 'https://streams.example.com/cam14/playlist.m3u8' },
      ],
    );
  });

  it('reads a list wrapped in an object under "cameras"', () => {
    const text = JSON.stringify({ source: 'export', count: 1, cameras: [{ cameraID: 'c1', camera_type: 'non_ip', snapshot_url: 'https://example.com/c1.jpg' }] });
    assert.deepEqual(parseCameraList(text, 'json'), { cameras: [{ row: 1, input: { id: 'c1', type: 'snapshot', snapshot_url: 'https://example.com/c1.jpg' } }], problems: [] });
    assert.deepEqual(parseCameraList('[]', 'json'), { cameras: [], problems: [] });
  });

  it('reads CSV with a byte order mark, quoted fields, empty cells and CRLF line ends', () => {
    const text = [
      '\uFEFFcameraID,camera_type,snapshot_url,ip,port,image_path,description,city,latitude,longitude,is_active_image,tags,legacy_cameraID',
      'in-101,non_ip,https://traffic.example.org/cam101.jpg,,,,"US 52, at ""Sagamore"" Pkwy",West Lafayette,40.4437,-86.9123,TRUE,traffic;indiana,4411',
      'axis-7,ip,,128.10.29.33,8080,/axis-cgi/jpg/image.cgi,"Lab roof\ncamera", , , ,No,,',
      '',
    ].join('\r\n');
    const { cameras, problems } = parseCameraList(text, 'csv');
    assert.deepEqual(problems, []);
    assert.deepEqual(cameras, [
      {
        row: 1,
        input: { id: 'in-101', type: 'snapshot', name: 'US 52, at "Sagamore" Pkwy', snapshot_url: 'https://traffic.example.org/cam101.jpg', city: 'West Lafayette', latitude: 40.4437, longitude: -86.9123, is_active_image: true, tags: ['traffic', 'indiana'] },
      },
      { row: 2, input: { id: 'axis-7', type: 'ip', name: 'Lab roof\ncamera', ip: '128.10.29.33', port: 8080, image_path: '/axis-cgi/jpg/image.cgi', is_active_image: false } },
    ]);
  });

  it('reports bad JSON rows by row and field, and still reads the good ones', () => {
    const list = [
      { cameraID: 'ok-1', camera_type: 'non_ip', snapshot_url: 'https://example.com/1.jpg' },
      { cameraID: 'bad-port', camera_type: 'ip', ip: '10.0.0.1', port: 'abc', image_path: '/img.jpg', latitude: 'north', longitude: 3 },
      'https://example.com/not-an-object.jpg',
      { camera_type: 'non_ip', snapshot_url: 'https://example.com/no-id.jpg' },
      { cameraID: 'odd-type', camera_type: 'webcam', snapshot_url: 'https://example.com/4.jpg' },
      { cameraID: 'no-stream', type: 'stream', retrieval: { m3u8_url: null } },
      { cameraID: 'bad-flags', camera_type: 'non_ip', snapshot_url: 'https://example.com/6.jpg', is_active_video: 'maybe', tags: [1, 2], retrieval: 'not json' },
      { cameraID: 'ok-2', camera_type: 'stream', m3u8_url: 'https://example.com/2.m3u8' },
    ];
    const { cameras, problems } = parseCameraList(JSON.stringify(list), 'json');
    assert.deepEqual(cameras.map((camera) => [camera.row, camera.input.id]), [[1, 'ok-1'], [8, 'ok-2']]);
    assert.deepEqual(problems, [
      { row: 2, id: 'bad-port', reason: 'port: "abc" is not a number; latitude: "north" is not a number' },
      { row: 3, id: null, reason: 'a camera must be an object, not a string' },
      { row: 4, id: null, reason: 'cameraID is missing (also read from id or camera_id)' },
      { row: 5, id: 'odd-type', reason: 'camera_type: "webcam" is not one of non_ip, ip, stream, snapshot, mjpeg, hls, rtsp' },
      { row: 6, id: 'no-stream', reason: 'a stream camera needs m3u8_url, mjpeg_url or rtsp_url (or a video_path URL of such a stream)' },
      {
        row: 7,
        id: 'bad-flags',
        reason: 'retrieval: "not json" is not an object of address fields (snapshot_url, ip, port, image_path, video_path, m3u8_url); is_active_video: "maybe" is not true or false (nor 1/0, yes/no); tags: [1,2] is not a list of tags (an array of text, or text separated by ";" or ",")',
      },
    ]);
  });

  it('reports bad CSV rows by their data row number, blank lines included', () => {
    const text = [
      'id,type,snapshot_url,latitude,lat,longitude,port',
      'a1,snapshot,https://example.com/a1.jpg,12.5,,7,',
      'a2,snapshot,https://example.com/a2.jpg,,"41,2",7,',
      '',
      'a3,snapshot,https://example.com/a3.jpg,,,,,extra',
      ',,,,,,',
      'a4,ip,,,,,8080',
      'a5,hls',
    ].join('\n');
    const { cameras, problems } = parseCameraList(text, 'csv');
    assert.deepEqual(cameras, [
      { row: 1, input: { id: 'a1', type: 'snapshot', snapshot_url: 'https://example.com/a1.jpg', latitude: 12.5, longitude: 7 } },
      { row: 6, input: { id: 'a4', type: 'ip', port: 8080 } },
    ]);
    assert.deepEqual(problems, [
      { row: 2, id: 'a2', reason: 'lat: "41,2" is not a number' },
      { row: 4, id: 'a3', reason: 'the row has 8 cells where the header names 7 fields' },
      { row: 7, id: 'a5', reason: 'the row has 2 cells where the header names 7 fields' },
    ]);
  });

  it('throws a clear error for a file that is not a camera list', () => {
    assertUnreadable('[{"cameraID": "a", }]', 'json', /^the camera list is not valid JSON: /);
    assertUnreadable('', 'json', /not valid JSON/);
    assertUnreadable('{"items": []}', 'json', /an array of cameras or an object with an array under "cameras", not an object with only items/);
    assertUnreadable('{"cameras": {"a": {}}}', 'json', /"cameras" in the camera list must be an array of cameras, not an object/);
    assertUnreadable('"cameras.csv"', 'json', /not a string$/);
    assertUnreadable('cameraID,camera_type,description\nc1,non_ip,"never closed\n', 'csv', /^the CSV camera list cannot be read: Quote Not Closed/);
    assertUnreadable('\uFEFF\n\n', 'csv', /the CSV camera list is empty/);
    assertUnreadable('https://example.com/a.jpg\nhttps://example.com/b.jpg\n', 'csv', /the CSV header has no cameraID column/);
    assertUnreadable('cameraID,snapshot_url\nc1,https://example.com/c1.jpg\n', 'csv', /no camera_type \(or type\) column/);
    assertUnreadable('cameraID,camera_type,City,city\n', 'csv', /names the field city more than once/);
  });

  it('gives inputs that register as they are', () => {
    const text = [
      'cameraID,camera_type,snapshot_url,ip,port,image_path,m3u8_url,description,city,state,country,latitude,longitude,timezone_id,is_active_image,is_active_video,reference_url,resolution_width,resolution_height,frame_rate',
      'purdue-1,non_ip,https://cam.example.edu/purdue1.jpg,,,,,Purdue Memorial Union,West Lafayette,IN,USA,40.4243,-86.9111,America/Indiana/Indianapolis,1,0,https://www.example.edu/cams,640,480,',
      'axis-7,ip,,128.10.29.33,80,/axis-cgi/jpg/image.cgi,,Lab roof,,,,,,,yes,no,,,,',
      'harbour,stream,,,,,https://video.example.net/harbour/index.m3u8,Harbour,Bergen,,Norway,60.397,5.324,Europe/Oslo,true,true,,1920,1080,25',
    ].join('\n');
    const { cameras, problems } = parseCameraList(text, 'csv');
    assert.deepEqual(problems, []);
    const registered = cameras.map(({ input }) => validateCamera(input, 0));
    assert.deepEqual(
      registered.map(({ camera }) => [camera.id, camera.type, sourceUrl(camera)]),
      [
        ['purdue-1', 'snapshot', 'https://cam.example.edu/purdue1.jpg'],
        ['axis-7', 'ip', 'http://128.10.29.33/axis-cgi/jpg/image.cgi'],
        ['harbour', 'hls', 'https://video.example.net/harbour/index.m3u8'],
      ],
    );
    const [purdue, axis, harbour] = registered.map(({ camera }) => camera);
    assert.deepEqual(purdue?.location, { city: 'West Lafayette', state: 'IN', country: 'USA', latitude: 40.4243, longitude: -86.9111, timezone: 'America/Indiana/Indianapolis' });
    assert.equal(purdue?.resolution, '640x480');
    assert.equal(purdue?.isActiveVideo, false);
    assert.equal(axis?.port, 80);
    assert.equal(harbour?.frameRate, 25);
    assert.equal(harbour?.createdAt, 0);
    assert.deepEqual(registered.map(({ credentials }) => credentials), [null, null, null]);
  });

  it('passes credentials through for registration to keep apart', () => {
    const text = JSON.stringify([{ cameraID: 'porch', type: 'mjpeg', mjpeg_url: 'http://192.168.1.20/video.mjpg', username: 'viewer', password: 'pa ss', auth: 'DIGEST' }]);
    const [parsed] = parseCameraList(text, 'json').cameras;
    assert.ok(parsed);
    const { camera, credentials } = validateCamera(parsed.input, 0);
    assert.equal(camera.id, 'porch');
    assert.deepEqual(credentials, { username: 'viewer', password: 'pa ss', scheme: 'digest' });
  });
});
