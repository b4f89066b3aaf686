// The README's SDK example runs as printed (against the built package), on a served library.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { servedLibrary } from '../helpers/http.js';
import { makeVideo } from '../helpers/media.js';
import { dialectName } from '../helpers/test-library.js';
import { readZip } from '../helpers/zip.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');

describe(`the README's SDK example (${dialectName})`, () => {
  const served = servedLibrary();

  it('creates a project, adds clip.mp4, prints its frames, labels it, exports the labels, and reports the duplicate as an ImportValidationError', async () => {
    served.library.startWorkers();
    const readme = await readFile(join(root, 'README.md'), 'utf8');
    const section = readme.split('## Labeling projects with the SDK')[1]!;
    const code = /```ts\n([\s\S]*?)```/.exec(section)![1]!;
    assert.match(code, /from 'camtrove\/sdk'/);
    const dir = served.library.env.dir;
    await makeVideo(join(dir, 'clip.mp4'), { seconds: 1, fps: 10 });
    const script = join(dir, 'label.mts');
    const sdk = pathToFileURL(join(root, 'dist', 'sdk', 'index.js')).href;
    await writeFile(script, code.replace("'camtrove/sdk'", `'${sdk}'`).replace("'http://127.0.0.1:8080'", `'${served.server.url}'`));
    const { NODE_TEST_CONTEXT: _ignored, ...env } = process.env;
    const { stdout } = await run(process.execPath, ['--import', import.meta.resolve('tsx'), script], { cwd: dir, env, timeout: 120_000 });
    const lines = stdout.trim().split('\n');
    assert.equal(lines[0], '10 { width: 320, height: 240 }');
    assert.equal(lines[1], '10 frames, 2 drawn');
    assert.match(lines[2]!, /^CAMTROVE_ERR_INVALID_ASSETS .*no assets to import.*clip/);
    const cvat = (await readZip(join(dir, 'clip-cvat.zip'))).get('annotations.xml')!;
    assert.match(cvat, /<box frame="5" [^>]*keyframe="0"/, 'the exported track has the frames between the keys');
  });
});
