import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import { constants, deflateRaw } from 'node:zlib';

const deflateRawAsync = promisify(deflateRaw);

/** Input bytes deflated as one block: large enough that starting each without history costs < 1 % of size. */
const BLOCK_BYTES = 1024 * 1024;

/**
 * Raw deflate of `source`, compressed a block at a time on the thread pool, several blocks at once,
 * and given back in order (the way pigz does it). Each block but the last ends with a sync flush,
 * which byte-aligns it, so the blocks' outputs joined are one valid deflate stream.
 *
 * Why not a zlib stream: it compresses 16 KiB at a time and needs the event loop between each, which
 * a producer that never waits on I/O (label JSON generated from rows already read) does not give it
 * until it stops; producing and compressing then take turns instead of overlapping. Here each block
 * goes to the thread pool as soon as it is full and comes back in one piece.
 */
export async function* deflateInBlocks(source: AsyncIterable<Buffer>, level: number, inFlight = Math.max(2, availableParallelism())): AsyncGenerator<Buffer> {
  const running: Promise<Buffer>[] = [];
  let block: Buffer[] = [];
  let blockBytes = 0;
  const start = (flush: number): void => {
    const input = block.length === 1 ? block[0]! : Buffer.concat(block, blockBytes);
    // One output buffer as large as the block, so a block is compressed in one trip to the pool.
    const output = deflateRawAsync(input, { level, finishFlush: flush, chunkSize: Math.max(BLOCK_BYTES, 64 * 1024) });
    // Failures surface when the block's turn comes; until then they are not unhandled.
    output.catch(() => undefined);
    running.push(output);
    block = [];
    blockBytes = 0;
  };
  for await (const chunk of source) {
    block.push(chunk);
    blockBytes += chunk.length;
    if (blockBytes < BLOCK_BYTES) continue;
    start(constants.Z_SYNC_FLUSH);
    if (running.length >= inFlight) yield await running.shift()!;
  }
  start(constants.Z_FINISH);
  while (running.length > 0) yield await running.shift()!;
}
