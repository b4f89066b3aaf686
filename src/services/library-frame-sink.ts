import { Readable } from 'node:stream';
import type { Clock } from '../adapters/clock.js';
import type { FrameRepository } from '../adapters/db/frame.repository.js';
import { archiveFileName } from '../domain/cameras/archive-name.js';
import { newFrameId } from '../domain/ids.js';
import type { FileService } from './file.service.js';
import type { FrameSink, KeptFrame } from './archiver.js';

/** Keeps frames in the library: the original bytes as a file, and a frame record pointing at it. */
export class LibraryFrameSink implements FrameSink {
  constructor(
    private readonly files: FileService,
    private readonly frames: FrameRepository,
    private readonly clock: Clock,
  ) {}

  async save(frame: KeptFrame): Promise<void> {
    const { file } = await this.files.add(Readable.from([frame.bytes]), { name: archiveFileName(frame.cameraId, frame.capturedAtMicros, frame.contentType), contentType: frame.contentType });
    await this.frames.insert({
      id: newFrameId(),
      cameraId: frame.cameraId,
      capturedAtMicros: frame.capturedAtMicros,
      fileId: file.id,
      size: frame.bytes.length,
      width: frame.width,
      height: frame.height,
      changeScore: frame.changeScore,
      contentType: frame.contentType,
      createdAt: this.clock.now(),
    });
  }
}
