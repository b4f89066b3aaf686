/**
 * The video-import walkthrough of camtrove's SDK, against a running `camtrove serve`:
 * a project; a local video; a video by URL; a video split into frames; a list of images played as
 * one video; a custom sampling rate; a metadata update; Kili's duplicate rule; cleanup.
 *
 *   npx tsx examples/labeling/video-import.ts [VIDEO] [URL]
 *
 * VIDEO: a local video file (default: a 4 s test clip made with ffmpeg). URL: an http(s) video URL
 * the server can fetch (default: VIDEO, served by this script on 127.0.0.1). The server is
 * CAMTROVE_API_ENDPOINT (default http://127.0.0.1:8080), its token CAMTROVE_API_KEY. `--keep`
 * leaves the project in place instead of deleting it at the end.
 */
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Camtrove, ImportValidationError, type Asset } from 'camtrove/sdk';

const run = promisify(execFile);
const keep = process.argv.includes('--keep');
const [videoArg, urlArg] = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));

const work = await mkdtemp(join(tmpdir(), 'camtrove-walkthrough-'));
const loopback: { server?: Server } = {};
try {
  const video = videoArg ?? (await testClip(join(work, 'clip.mp4')));
  const images = await testImages(work, 3);
  const url = urlArg ?? (await serveOnLoopback(video));

  const camtrove = new Camtrove(); // CAMTROVE_API_ENDPOINT, CAMTROVE_API_KEY
  console.log(`server: ${camtrove.apiEndpoint}`);

  // 1. A project: what labelers will see (an object detection job with boxes, a classification).
  const { id: projectId } = await camtrove.createProject({
    title: 'Gate camera, walkthrough',
    description: 'Vehicles and people at the north gate',
    inputType: 'VIDEO',
    jsonInterface: {
      jobs: {
        OBJECTS: { mlTask: 'OBJECT_DETECTION', instruction: 'Box every vehicle and person', required: 1, tools: ['rectangle'], content: { input: 'radio', categories: { CAR: { name: 'Car' }, PERSON: { name: 'Person' } } } },
        WEATHER: { mlTask: 'CLASSIFICATION', instruction: 'Weather', required: 0, content: { input: 'radio', categories: { SUN: { name: 'Sun' }, RAIN: { name: 'Rain' } } } },
      },
    },
  });
  console.log(`project created: ${projectId}`);

  // 2. A local video: streamed to the server, stored once by content, then probed and indexed.
  await camtrove.appendManyToDataset({
    projectId,
    contentArray: [video],
    externalIdArray: ['clip'],
    jsonMetadataArray: [{ camera: 'gate-north', shift: 'night' }],
    onProgress: ({ bytesUploaded, totalBytes }) => bytesUploaded === totalBytes && console.log(`uploaded ${totalBytes} bytes`),
  });
  await show(camtrove, projectId, 'clip', 'local file');

  // 3. A video by URL: the server fetches it.
  await camtrove.appendManyToDataset({ projectId, contentArray: [url], externalIdArray: ['from-url'] });
  await show(camtrove, projectId, 'from-url', 'URL');

  // 4. The same video split into frames, labelled as images.
  await camtrove.appendManyToDataset({ projectId, contentArray: [video], externalIdArray: ['split'], jsonMetadataArray: [{ processingParameters: { shouldUseNativeVideo: false } }] });
  await show(camtrove, projectId, 'split', 'split into frames');

  // 5. Images played as one video, one frame each.
  await camtrove.appendManyToDataset({ projectId, jsonContentArray: [images], externalIdArray: ['image-list'] });
  await show(camtrove, projectId, 'image-list', 'image list');

  // 6. A custom sampling rate: 2 frames a second instead of the native rate.
  await camtrove.appendManyToDataset({ projectId, contentArray: [video], externalIdArray: ['sampled'], jsonMetadataArray: [{ processingParameters: { framesPlayedPerSecond: 2, shouldKeepNativeFrameRate: false } }] });
  await show(camtrove, projectId, 'sampled', 'sampled at 2 fps');

  // 7. Metadata: replacing keeps processingParameters when the update leaves it out; addMetadata merges.
  await camtrove.updatePropertiesInAssets({ projectId, externalIds: ['sampled'], jsonMetadatas: [{ reviewed: false }] });
  await camtrove.addMetadata({ projectId, externalIds: ['sampled'], jsonMetadatas: [{ priority: 2 }] });
  const [sampled] = await camtrove.assets({ projectId, externalIdStrictlyIn: ['sampled'], fields: ['externalId', 'jsonMetadata'] });
  console.log(`metadata of sampled: ${JSON.stringify(sampled?.jsonMetadata)}`);
  const night = await camtrove.countAssets({ projectId, metadataWhere: { shift: 'night' } });
  console.log(`assets with shift=night: ${night}`);

  // 8. Kili's rule: an externalId already in the project is skipped; when all are, the call fails.
  try {
    await camtrove.appendManyToDataset({ projectId, contentArray: [url], externalIdArray: ['clip'] });
  } catch (error) {
    if (!(error instanceof ImportValidationError)) throw error;
    console.log(`re-adding clip refused: ${error.code}: ${error.message}`);
  }

  // Every asset, page after page, without holding them all.
  const names: string[] = [];
  for await (const asset of camtrove.assets({ projectId, fields: ['externalId'], asGenerator: true })) names.push(asset.externalId);
  console.log(`assets: ${names.join(', ')} (${await camtrove.countAssets({ projectId })} in the project)`);

  // 9. Cleanup.
  if (keep) console.log(`kept project ${projectId}`);
  else {
    const removed = await camtrove.deleteManyFromDataset({ projectId, externalIds: ['from-url'] });
    console.log(`deleted ${removed.deleted} asset`);
    const deleted = await camtrove.deleteProject(projectId);
    console.log(`project deleted: ${deleted.id} (with ${deleted.deletedAssets} assets)`);
  }
} finally {
  loopback.server?.close();
  await rm(work, { recursive: true, force: true });
}

async function show(camtrove: Camtrove, projectId: string, externalId: string, what: string): Promise<Asset> {
  const [asset] = await camtrove.assets({ projectId, externalIdStrictlyIn: [externalId] });
  if (!asset) throw new Error(`asset ${externalId} is not in project ${projectId}`);
  const size = asset.resolution ? `${asset.resolution.width}x${asset.resolution.height}` : 'no size';
  console.log(`${what}: asset ${asset.externalId} ${asset.processing.state}, ${asset.numberOfFrames} frames, ${size}, ${asset.frameRate ?? '-'} fps, ${asset.codec ?? '-'}`);
  return asset;
}

/** A 4 s, 10 fps test clip. */
async function testClip(path: string): Promise<string> {
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=10:duration=4', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path]);
  return path;
}

/** `count` JPEG test images. */
async function testImages(dir: string, count: number): Promise<string[]> {
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=320x240:rate=1:duration=${count}`, '-q:v', '2', join(dir, 'image-%d.jpg')]);
  return Array.from({ length: count }, (_, i) => join(dir, `image-${i + 1}.jpg`));
}

/** Serves the file on a free 127.0.0.1 port; returns its URL. */
async function serveOnLoopback(path: string): Promise<string> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'video/mp4' });
    createReadStream(path).pipe(response);
  });
  loopback.server = server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/clip.mp4`;
}
