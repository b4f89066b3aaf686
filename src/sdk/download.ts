import { CamtroveApiError } from './errors.js';
import { loadNodeFs } from './node-fs.js';

/** Streams a download to a file (Node only: node:fs, the SDK's one Node module, is loaded when a filename is given). */
export async function saveTo(filename: string, response: Response): Promise<void> {
  const fs = await loadNodeFs();
  if (!fs) throw new CamtroveApiError('CAMTROVE_ERR_CONFIG', 400, `writing the export to "${filename}" needs Node; in a browser leave filename out to get the zip's bytes`);
  if (!response.body) throw new CamtroveApiError('CAMTROVE_ERR_INTERNAL', 500, 'the export download had no body');
  const out = fs.createWriteStream(filename);
  const written: { failure: Error | null } = { failure: null };
  out.on('error', (error) => {
    written.failure = error;
  });
  // Waits for one event of the file, or its error; both listeners go once either comes.
  const next = (event: 'drain' | 'finish') =>
    new Promise<void>((resolve, reject) => {
      const done = () => {
        out.off('error', fail);
        resolve();
      };
      const fail = (error: Error) => {
        out.off(event, done);
        reject(error);
      };
      out.once(event, done);
      out.once('error', fail);
    });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (written.failure) throw written.failure;
      if (done) break;
      if (!out.write(value)) await next('drain');
    }
    const finished = next('finish');
    out.end();
    await finished;
  } catch (error) {
    out.destroy();
    await reader.cancel().catch(() => undefined);
    throw error;
  }
}
