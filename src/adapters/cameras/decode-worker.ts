// A decode thread of DecodePool: small grey pictures of frames, off the event loop.
import { parentPort } from 'node:worker_threads';
import { isCamtroveError } from '../../domain/errors.js';
import { decodeSmallGray } from './image-decoder.js';

interface DecodeRequest {
  id: number;
  bytes: Uint8Array;
}

parentPort!.on('message', (request: DecodeRequest) => {
  decodeSmallGray(Buffer.from(request.bytes.buffer, request.bytes.byteOffset, request.bytes.byteLength)).then(
    (image) => parentPort!.postMessage({ id: request.id, image }, [image.pixels.buffer as ArrayBuffer]),
    (error: unknown) => parentPort!.postMessage({ id: request.id, error: { code: isCamtroveError(error) ? error.code : null, message: error instanceof Error ? error.message : String(error) } }),
  );
});

// Loaded and listening: the pool may start handing out work.
parentPort!.postMessage({ ready: true });
