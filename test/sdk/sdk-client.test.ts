// The SDK on its own: the rules it checks before sending anything, its errors, its authentication,
// its streamed uploads (POST /api/files of a real served library), and its packaging (the export,
// the published files, a browser bundle that holds no server code).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import { Camtrove, CamtroveConnectionError, ImportValidationError, MimeTypeError, MissingArgumentError, AuthError, type UploadProgress } from '../../src/sdk/index.js';
import { Connection } from '../../src/sdk/connection.js';
import { uploadLocal } from '../../src/sdk/upload.js';
import { servedLibrary } from '../helpers/http.js';
import { makeVideo } from '../helpers/media.js';
import { dialectName } from '../helpers/test-library.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');

/** A fetch that counts the requests it sends. */
function countingFetch(): { fetch: typeof fetch; calls: string[] } {
  const calls: string[] = [];
  return { calls, fetch: (input, init) => (calls.push(`${init?.method ?? 'GET'} ${input instanceof Request ? input.url : input.toString()}`), fetch(input, init)) };
}

/** An address on loopback where nothing listens. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe(`the SDK refuses before sending (${dialectName})`, () => {
  const served = servedLibrary();

  it('refuses what the rules forbid without a single request', async (t) => {
    const { fetch: counted, calls } = countingFetch();
    const camtrove = new Camtrove({ apiEndpoint: served.server.url, fetch: counted });
    const projectId = 'a'.repeat(32);
    const video = await makeVideo(join(served.library.env.dir, 'clip.mp4'), { seconds: 1 });
    const cases: [string, () => Promise<unknown>, new (...args: never[]) => Error, RegExp][] = [
      ['local file and URL', () => camtrove.appendManyToDataset({ projectId, contentArray: [video, 'http://127.0.0.1:9/clip.mp4'] }), ImportValidationError, /local files and URLs/],
      ['not a video', () => camtrove.appendManyToDataset({ projectId, contentArray: [join(root, 'README.md')], externalIdArray: ['readme'] }), MimeTypeError, /asset "readme": ".*README\.md" is not a video file; accepted types: mp4, mkv, 3gp, avi, m4v, mov, webm/],
      ['a missing local file', () => camtrove.appendManyToDataset({ projectId, contentArray: [video, join(served.library.env.dir, 'gone.mp4')], externalIdArray: ['here', 'gone'] }), ImportValidationError, /asset "gone": the local file ".*gone\.mp4" does not exist/],
      ['a folder', () => camtrove.appendManyToDataset({ projectId, contentArray: [`${served.library.env.dir}.mp4`.replace(/\.mp4$/, '')].map((p) => `${p}/`) }), MimeTypeError, /is not a video file/],
      ['NaN metadata', () => camtrove.appendManyToDataset({ projectId, contentArray: ['camtrove:file/abcdef'], externalIdArray: ['n'], jsonMetadataArray: [{ score: NaN }] }), ImportValidationError, /asset "n": jsonMetadata\.score is not a finite number/],
      ['native true and false', () => camtrove.appendManyToDataset({ projectId, contentArray: ['camtrove:file/abcdef', 'camtrove:file/abcdee'], jsonMetadataArray: [{ processingParameters: { shouldUseNativeVideo: false } }, {}] }), ImportValidationError, /shouldUseNativeVideo/],
      ['NaN in an update', () => camtrove.updatePropertiesInAssets({ projectId, externalIds: ['x'], jsonMetadatas: [{ speed: Infinity }] }), ImportValidationError, /asset "x": jsonMetadata\.speed/],
      ['both id kinds', () => camtrove.addMetadata({ projectId, assetIds: ['a'], externalIds: ['b'], jsonMetadatas: [{}] } as never), MissingArgumentError, /assetIds or externalIds, not both/],
      ['neither id kind', () => camtrove.deleteManyFromDataset({ projectId } as never), MissingArgumentError, /needs assetIds or externalIds/],
      ['no input type', () => camtrove.createProject({ title: 't', jsonInterface: { jobs: {} } } as never), MissingArgumentError, /createProject needs inputType/],
      ['no project', () => camtrove.countAssets({} as never), MissingArgumentError, /countAssets needs projectId/],
    ];
    for (const [what, call, type, message] of cases) {
      await t.test(what, async () => {
        await assert.rejects(call(), (error: Error) => {
          assert.ok(error instanceof type, `${what}: ${error.name} ${error.message}`);
          assert.match(error.message, message);
          return true;
        });
      });
    }
    assert.deepEqual(calls, [], 'nothing was sent');
  });

  it('an empty array sends nothing and adds nothing', async () => {
    const { fetch: counted, calls } = countingFetch();
    const camtrove = new Camtrove({ apiEndpoint: served.server.url, fetch: counted });
    assert.deepEqual(await camtrove.appendManyToDataset({ projectId: 'p1', contentArray: [] }), { id: 'p1', assetIds: [], warnings: [], skipped: [], batchId: null });
    assert.deepEqual(await camtrove.appendManyToDataset({ projectId: 'p1', jsonContentArray: [], externalIdArray: [] }), { id: 'p1', assetIds: [], warnings: [], skipped: [], batchId: null });
    assert.deepEqual(calls, []);
  });

  it('streams a local file to POST /api/files chunk by chunk, and it arrives whole', async () => {
    const path = join(served.library.env.dir, 'big.mp4');
    const bytes = Buffer.concat([await readFile(await makeVideo(join(served.library.env.dir, 'base.mp4'), { seconds: 2 })), Buffer.alloc(5 << 20, 7)]);
    await writeFile(path, bytes);
    const progress: UploadProgress[] = [];
    const reference = await uploadLocal(new Connection(served.server.url, null, fetch), path, 'asset "big"', (p) => progress.push(p));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    assert.equal(reference, `camtrove:file/${sha256}`);
    assert.ok(progress.length >= 5, `progress reported ${progress.length} times for ${bytes.length} bytes`);
    assert.deepEqual(progress.at(-1), { file: path, bytesUploaded: bytes.length, totalBytes: bytes.length });
    const stored = await fetch(`${served.server.url}/api/files/${sha256}`);
    assert.equal(stored.status, 200);
    assert.ok(Buffer.from(await stored.arrayBuffer()).equals(bytes), 'the stored file has the bytes sent');
  });
});

describe(`the SDK's errors and authentication (${dialectName})`, () => {
  const served = servedLibrary();
  let token = '';
  before(async () => {
    token = (await served.library.tokens.create('sdk')).token;
  });

  it('without a key, or with a wrong one, a server with tokens answers AuthError; the key is never in a message', async () => {
    const video = await makeVideo(join(served.library.env.dir, 'clip.mp4'), { seconds: 1 });
    for (const apiKey of [undefined, 'ctk_wrong-key-kept-secret']) {
      const camtrove = new Camtrove({ apiEndpoint: served.server.url, ...(apiKey ? { apiKey } : {}) });
      await assert.rejects(camtrove.appendManyToDataset({ projectId: 'p', contentArray: [video], waitUntilAvailability: false }), (error: Error) => {
        assert.ok(error instanceof AuthError, `${error.name}: ${error.message}`);
        assert.equal(error.code, 'CAMTROVE_ERR_UNAUTHORIZED');
        assert.equal(error.status, 401);
        assert.ok(!error.message.includes('kept-secret'));
        return true;
      });
    }
    const reference = await uploadLocal(new Connection(served.server.url, token, fetch), video, 'asset "clip"');
    assert.match(reference, /^camtrove:file\/[0-9a-f]{64}$/, 'the right key is sent as a bearer token');
  });

  it('a server that is not there: CamtroveConnectionError naming the endpoint, without its credentials or the key', async () => {
    const port = await closedPort();
    const camtrove = new Camtrove({ apiEndpoint: `http://user:hunter2@127.0.0.1:${port}/`, apiKey: 'ctk_never-shown' });
    assert.equal(camtrove.apiEndpoint, `http://127.0.0.1:${port}`);
    await assert.rejects(camtrove.countProjects(), (error: Error) => {
      assert.ok(error instanceof CamtroveConnectionError, error.name);
      assert.equal((error).code, 'CAMTROVE_ERR_SERVER_UNREACHABLE');
      assert.match(error.message, new RegExp(`the camtrove server at http://127\\.0\\.0\\.1:${port} could not be reached \\(GET /api/projects/count\\): ECONNREFUSED`));
      assert.ok(!/hunter2|never-shown/.test(error.message + String((error.cause as Error).message)));
      return true;
    });
  });

  it('a server that answers something other than camtrove: CamtroveConnectionError', async () => {
    const proxy = createServer((_request, response) => response.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>'));
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    after(() => proxy.close());
    const camtrove = new Camtrove({ apiEndpoint: `http://127.0.0.1:${(proxy.address() as { port: number }).port}` });
    await assert.rejects(camtrove.projects(), { name: 'CamtroveConnectionError', message: /answered GET \/api\/projects with HTTP 502 and no camtrove error: is it a camtrove server\?/ });
  });

  it('defaults to CAMTROVE_API_ENDPOINT, else http://127.0.0.1:8080', () => {
    const saved = process.env.CAMTROVE_API_ENDPOINT;
    try {
      delete process.env.CAMTROVE_API_ENDPOINT;
      assert.equal(new Camtrove().apiEndpoint, 'http://127.0.0.1:8080');
      process.env.CAMTROVE_API_ENDPOINT = 'http://10.1.2.3:9000/';
      assert.equal(new Camtrove().apiEndpoint, 'http://10.1.2.3:9000');
      assert.equal(new Camtrove({ apiEndpoint: 'http://127.0.0.1:1' }).apiEndpoint, 'http://127.0.0.1:1');
      assert.throws(() => new Camtrove({ apiEndpoint: 'not a url' }), /the API endpoint "not a url" is not a URL/);
    } finally {
      if (saved === undefined) delete process.env.CAMTROVE_API_ENDPOINT;
      else process.env.CAMTROVE_API_ENDPOINT = saved;
    }
  });
});

describe('the SDK as a package', () => {
  it("is exported as camtrove/sdk, with its types, and published", async () => {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', "const m = await import('camtrove/sdk'); console.log(Object.keys(m).sort().join(','))"], { cwd: root });
    assert.equal(stdout.trim(), 'AuthError,BatchImportError,Camtrove,CamtroveApiError,CamtroveConnectionError,ImportValidationError,LabelValidationError,MimeTypeError,MissingArgumentError,NotFoundError,VIDEO_EXTENSIONS');
    const packed = JSON.parse((await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, maxBuffer: 64 << 20 })).stdout) as { files: { path: string }[] }[];
    const files = new Set(packed[0]!.files.map((f) => f.path));
    for (const path of ['dist/sdk/index.js', 'dist/sdk/index.d.ts', 'dist/sdk/camtrove.d.ts', 'dist/sdk/types.d.ts', 'bin/camtrove.js']) assert.ok(files.has(path), `${path} is not in the package`);
    const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { exports: Record<string, { types: string; import: string }> };
    assert.deepEqual(manifest.exports['./sdk'], { types: './dist/sdk/index.d.ts', import: './dist/sdk/index.js' });
  });

  it('bundles for a browser from src/sdk alone, reading local files with node:fs only through a dynamic import', async () => {
    const result = await build({ entryPoints: [join(root, 'src', 'sdk', 'index.ts')], bundle: true, platform: 'browser', format: 'esm', write: false, metafile: true, external: ['node:fs'], logLevel: 'silent' });
    const inputs = Object.keys(result.metafile.inputs);
    assert.deepEqual(inputs.filter((input) => !input.startsWith('src/sdk/')), [], 'the SDK imports nothing outside src/sdk');
    const code = result.outputFiles[0]!.text;
    assert.deepEqual([...code.matchAll(/(\S+\s*)\(?["']node:[a-z_/]+["']/g)].map((m) => m[0]), ['import("node:fs"'], 'no other mention of a node: module');
  });
});
