import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { parentDeathSupported } from '../../src/adapters/media/parent-death.js';
import { runProcess } from '../../src/adapters/media/process-runner.js';
import { waitUntil } from '../helpers/cli.js';
import { alive, childrenOf } from '../helpers/proc.js';
import { locateBinary, SystemMediaTools } from '../../src/adapters/media/ffmpeg.js';

describe('process runner', () => {
  it('returns exit code, stdout and the tail of stderr', async () => {
    const result = await runProcess('sh', ['-c', 'echo out; for i in 1 2 3 4 5; do echo "line $i" >&2; done; exit 3'], { captureStdout: true, stderrTailLines: 2 });
    assert.equal(result.exitCode, 3);
    assert.equal(result.stdout, 'out\n');
    assert.deepEqual(result.stderrTail, ['line 4', 'line 5']);
  });

  it('passes arguments without a shell', async () => {
    const result = await runProcess('echo', ['$HOME; rm -rf /'], { captureStdout: true });
    assert.equal(result.stdout, '$HOME; rm -rf /\n');
  });

  it('stops a process with SIGTERM at once on abort, and rejects with the abort reason', async () => {
    const controller = new AbortController();
    const running = runProcess('sleep', ['30'], { signal: controller.signal, graceMs: 10_000 });
    let abortedAt = 0;
    setTimeout(() => {
      abortedAt = Date.now();
      controller.abort(new Error('cancelled by test'));
    }, 100);
    await assert.rejects(running, /cancelled by test/);
    // Well before the SIGKILL grace: SIGTERM did it.
    assert.ok(Date.now() - abortedAt < 2000, `stopped ${Date.now() - abortedAt} ms after abort`);
  });

  it('escalates to SIGKILL when SIGTERM is ignored', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const running = runProcess('sh', ['-c', 'trap "" TERM; while :; do sleep 0.05; done'], { signal: controller.signal, graceMs: 200 });
    setTimeout(() => controller.abort(new Error('stop')), 100);
    await assert.rejects(running, /stop/);
    assert.ok(Date.now() - started < 5000);
  });
});

describe('ffmpeg location', () => {
  it('finds ffmpeg on PATH', () => {
    assert.match(locateBinary('ffmpeg', ''), /ffmpeg$/);
  });
  it('says how to install ffmpeg when it is missing', () => {
    assert.throws(() => locateBinary('ffmpeg', '/nonexistent/ffmpeg'), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'CAMTROVE_ERR_FFMPEG_MISSING');
      assert.match(error.message, /\/nonexistent\/ffmpeg \(CAMTROVE_FFMPEG\)/);
      assert.match(error.message, /apt-get install ffmpeg/);
      return true;
    });
    assert.throws(() => locateBinary('ffprobe', '', '/nonexistent-dir'), /ffprobe was not found on PATH/);
  });
  it('reports a non-media input as unreadable, in ffprobe\'s words', async () => {
    const media = new SystemMediaTools({ ffmpeg: '', ffprobe: '' });
    await assert.rejects(media.probe('/dev/null'), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'CAMTROVE_ERR_MEDIA_UNREADABLE');
      assert.match(error.message, /not a readable video or image/);
      return true;
    });
  });
});

describe('item 9: kill -9 leaves no program behind', () => {
  it('a program the runner started dies within seconds when its camtrove process is killed -9', { skip: process.platform !== 'linux' && 'Linux only (setpriv --pdeathsig)' }, async () => {
    // CI runs on Linux with util-linux: without setpriv this must fail there, not pass unprotected.
    assert.ok(parentDeathSupported(), 'setpriv with --pdeathsig is installed (util-linux)');
    const runner = pathToFileURL(join(import.meta.dirname, '..', '..', 'dist', 'adapters', 'media', 'process-runner.js')).href;
    const parent = spawn(process.execPath, ['--input-type=module', '-e', `import { runProcess } from ${JSON.stringify(runner)}; await runProcess('sleep', ['60']);`], { stdio: 'ignore' });
    try {
      const sleeper = await waitUntil('the runner to start sleep', () => childrenOf(parent.pid!).find((p) => p.comm === 'sleep'), 10_000);
      parent.kill('SIGKILL');
      await waitUntil(`sleep (pid ${sleeper.pid}) to die with its parent`, () => !alive(sleeper.pid), 3000);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
