import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { dialectName, openTestLibrary } from '../helpers/test-library.js';

describe(`blobs no file refers to are swept away (${dialectName})`, () => {
  let library: Awaited<ReturnType<typeof openTestLibrary>>;
  before(async () => {
    library = await openTestLibrary();
  });
  after(() => library.dispose());

  it('deletes the bytes a process stored without their row, once past the grace period, and nothing a file uses', async () => {
    const { file } = await library.files.add(Readable.from([randomBytes(5000)]), { name: 'kept.bin' });
    // As a process killed between storing a frame's bytes and committing its row leaves them.
    const orphan = await library.files.storeBytes(randomBytes(3000));
    const young = await library.files.sweepOrphans({ olderThanMs: 3_600_000 });
    assert.deepEqual(young.orphans, [], 'a blob written a moment ago may be a write on its way to its row');
    assert.equal(young.checked, 2);

    const dry = await library.files.sweepOrphans({ olderThanMs: 0, dryRun: true });
    assert.deepEqual(dry.orphans, [orphan.id]);
    assert.notEqual(await library.blobs.size(orphan.id), null, 'a dry run deletes nothing');

    await new Promise((resolve) => setTimeout(resolve, 5));
    const swept = await library.files.sweepOrphans({ olderThanMs: 0 });
    assert.deepEqual(swept.orphans, [orphan.id]);
    assert.equal(await library.blobs.size(orphan.id), null);
    assert.equal(await library.blobs.size(file.id), 5000, 'the file keeps its bytes');
    assert.equal((await library.files.resolve(file.id)).size, 5000);
  });
});
