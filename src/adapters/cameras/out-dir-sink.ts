import { appendFile, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { archiveFileName, isoMicros } from '../../domain/cameras/archive-name.js';
import type { FrameSink, KeptFrame } from '../../services/archiver.js';

/**
 * The folder tree archivers have always written: DIR/<cameraID>/<cameraID>_<UTC stamp>.<ext>, the
 * original bytes, and one line of metadata per frame in DIR/<cameraID>/frames.jsonl. A frame is
 * written under a temporary name and renamed, so a crash never leaves half an image under a real
 * name; its line is appended after.
 */
export class OutDirFrameSink implements FrameSink {
  private readonly made = new Set<string>();

  constructor(private readonly dir: string) {}

  async save(frame: KeptFrame): Promise<void> {
    const folder = join(this.dir, frame.cameraId);
    if (!this.made.has(folder)) {
      await mkdir(folder, { recursive: true });
      this.made.add(folder);
    }
    const name = archiveFileName(frame.cameraId, frame.capturedAtMicros, frame.contentType);
    const path = join(folder, name);
    await writeFile(`${path}.part`, frame.bytes);
    await rename(`${path}.part`, path);
    const line = {
      camera_id: frame.cameraId,
      captured_at: isoMicros(frame.capturedAtMicros),
      file: name,
      size: frame.bytes.length,
      width: frame.width,
      height: frame.height,
      change_score: frame.changeScore,
      content_type: frame.contentType,
    };
    await appendFile(join(folder, 'frames.jsonl'), `${JSON.stringify(line)}\n`);
  }
}
