import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Processes } from '../helpers/cli.js';
import { makeVideo } from '../helpers/media.js';
import { startS3rver, type S3Server } from '../helpers/s3-server.js';
import { createTestEnv, dialectName, type TestEnv } from '../helpers/test-library.js';

interface MigrateJson {
  to: string;
  total: number;
  copied: number;
  skipped: number;
  missing: string[];
  failed: unknown[];
  stopped: boolean;
  set: string | null;
  source_kept: boolean;
}

describe(`camtrove storage migrate (${dialectName})`, () => {
  let env: TestEnv;
  let s3: S3Server;
  const processes = new Processes();
  const files: { path: string; data: Buffer; id?: string }[] = [];
  const local = () => ({ ...env.env(), ...s3.env });
  const onS3 = () => ({ ...local(), CAMTROVE_STORAGE: 's3://footage/library' });
  const run = async (args: string[], environment: NodeJS.ProcessEnv, code = 0) => {
    const result = await processes.run(args, environment, { timeoutMs: 60_000 });
    assert.equal(result.code, code, `camtrove ${args.join(' ')}: ${result.stderr}`);
    return result;
  };

  before(async () => {
    env = await createTestEnv();
    s3 = await startS3rver();
    await s3.createBucket('footage');
    // Small files and one above the 8 MiB part size (a multipart upload).
    for (const [name, size] of [['a.mp4', 1000], ['b.mp4', 300_000], ['c.mp4', 9 * 1024 * 1024 + 5]] as const) {
      const path = join(env.dir, name);
      const data = randomBytes(size);
      await writeFile(path, data);
      files.push({ path, data });
    }
  });
  after(async () => {
    await processes.killAll();
    await s3.stop();
    await env.cleanup();
  });

  it('copies every blob to the bucket, then the library works from there; a rerun copies nothing', async () => {
    const added = JSON.parse((await run(['files', 'add', ...files.map((f) => f.path), '--json'], local())).stdout) as { files: { file_id: string; path: string }[] };
    for (const file of files) file.id = added.files.find((f) => f.path === file.path)!.file_id;

    const first = JSON.parse((await run(['storage', 'migrate', '--to', 's3://footage/library/', '--json'], local())).stdout) as MigrateJson;
    assert.deepEqual(
      { to: first.to, total: first.total, copied: first.copied, skipped: first.skipped, missing: first.missing, failed: first.failed, stopped: first.stopped, set: first.set, source_kept: first.source_kept },
      { to: 's3://footage/library', total: 3, copied: 3, skipped: 0, missing: [], failed: [], stopped: false, set: 'CAMTROVE_STORAGE=s3://footage/library', source_kept: true },
    );

    const listed = JSON.parse((await run(['files', 'ls', '--json'], onS3())).stdout) as { files: { file_id: string }[] };
    assert.deepEqual(listed.files.map((f) => f.file_id).sort(), files.map((f) => f.id).sort());
    for (const file of files) {
      const out = join(env.dir, `${file.id}.out`);
      await run(['files', 'get', file.id!, '-o', out], onS3());
      assert.deepEqual(await readFile(out), file.data, `the bytes of ${file.path}`);
    }

    const again = await run(['storage', 'migrate', '--to', 's3://footage/library'], local());
    assert.match(again.stdout, /copied 0 of 3 files \(0 B\) to s3:\/\/footage\/library; 3 were there already/);
    assert.match(again.stdout, /Set CAMTROVE_STORAGE=s3:\/\/footage\/library .*The current storage was not deleted/s);

    // New files go straight to the bucket.
    const extra = join(env.dir, 'd.mp4');
    const data = randomBytes(50_000);
    await writeFile(extra, data);
    const { files: [stored] } = JSON.parse((await run(['files', 'add', extra, '--json'], onS3())).stdout) as { files: { file_id: string }[] };
    await run(['files', 'get', stored!.file_id, '-o', `${extra}.out`], onS3());
    assert.deepEqual(await readFile(`${extra}.out`), data);

    // ffmpeg reads a local copy of the blob; what the analysis stores lands in the bucket.
    const clip = await makeVideo(join(env.dir, 'clip.mp4'), { seconds: 1, width: 160, height: 90 });
    const analysis = JSON.parse((await run(['analyze', clip, 'thumbnail', '--wait', '--json'], onS3())).stdout) as { state: string; result: { file_id: string } };
    assert.equal(analysis.state, 'SUCCESS');
    const thumbnail = join(env.dir, 'thumbnail.jpg');
    await run(['files', 'get', analysis.result.file_id, '-o', thumbnail], onS3());
    assert.deepEqual([...(await readFile(thumbnail)).subarray(0, 2)], [0xff, 0xd8], 'a JPEG');
  });

  it('refuses a target that is not s3://bucket/prefix, and names a bucket that does not exist', async () => {
    for (const bad of ['/srv/blobs', 's3://Footage', 'footage']) {
      const result = await run(['storage', 'migrate', '--to', bad], local(), 2);
      assert.match(result.stderr, /--to .*expected s3:\/\/bucket or s3:\/\/bucket\/prefix/, bad);
    }
    const missing = await run(['storage', 'migrate', '--to', 's3://no-such-bucket'], local(), 1);
    assert.match(missing.stderr, new RegExp(`error: bucket no-such-bucket does not exist at ${s3.endpoint}: create it.*\\(CAMTROVE_ERR_STORAGE_REFUSED\\)`));
    const start = await run(['files', 'ls'], { ...local(), CAMTROVE_STORAGE: 's3://no-such-bucket/x' }, 1);
    assert.match(start.stderr, /^error: bucket no-such-bucket does not exist at .*\(CAMTROVE_ERR_STORAGE_REFUSED\)\n$/, 'a library on a missing bucket does not start');
    const same = await run(['storage', 'migrate', '--to', 's3://footage/library'], onS3(), 1);
    assert.match(same.stderr, /already stored in s3:\/\/footage\/library/);
  });
});
