import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * SHA-256 of a stream, computed on worker threads. Hashing is most of the CPU an upload costs;
 * on the event loop it would stall every other request and cap an upload at one core's hashing
 * speed minus everything else the loop does. Here the loop only copies bytes across.
 *
 * A hash is fed in order through `update` and finished with `digest`. `update` resolves once the
 * bytes waiting on the worker are few enough, so a slow hash slows the stream instead of piling
 * up memory.
 */
export interface StreamHash {
  update(chunk: Buffer): Promise<void>;
  digest(): Promise<string>;
  /** Forgets the hash (the stream failed); safe after digest. */
  discard(): void;
}

/** Bytes copied into one buffer before it goes to the worker: fewer, larger messages. */
const BATCH_BYTES = 256 << 10;
/**
 * Bytes sent but not yet hashed before `update` makes the caller wait. Buffers come back from
 * the worker and are reused, so a hash holds at most this plus one batch, however long the stream.
 * Less than 4 MiB leaves the worker idle between batches (a 512 MiB put: 1 MiB ~600 MiB/s,
 * 2 MiB ~800, 4 MiB ~950).
 */
const MAX_IN_FLIGHT_BYTES = 4 << 20;

// Runs on the worker (as a script or a module, whatever flags the process got): one hash per session id, fed in message order (a port keeps order).
// Each buffer goes back to its sender once hashed, to be filled again.
const WORKER_SOURCE = `
const { parentPort } = process.getBuiltinModule('node:worker_threads');
const { createHash } = process.getBuiltinModule('node:crypto');
const hashes = new Map();
parentPort.on('message', (message) => {
  const { type, id } = message;
  if (type === 'data') {
    let hash = hashes.get(id);
    if (!hash) hashes.set(id, (hash = createHash('sha256')));
    hash.update(new Uint8Array(message.buffer, 0, message.length));
    parentPort.postMessage({ type: 'hashed', id, buffer: message.buffer, length: message.length }, [message.buffer]);
  } else if (type === 'end') {
    const hash = hashes.get(id) ?? createHash('sha256');
    hashes.delete(id);
    parentPort.postMessage({ type: 'digest', id, digest: hash.digest('hex') });
  } else if (type === 'discard') {
    hashes.delete(id);
  }
});
`;

type WorkerMessage = { type: 'hashed'; id: number; buffer: ArrayBuffer; length: number } | { type: 'digest'; id: number; digest: string };

interface Session {
  onHashed(buffer: ArrayBuffer, length: number): void;
  onDigest(digest: string): void;
  onFailure(error: Error): void;
}

/** One worker thread with the hash sessions it serves; it keeps the process alive only while it has some. */
class HashThread {
  private readonly worker: Worker;
  private readonly sessions = new Map<number, Session>();
  failed = false;

  constructor() {
    // No inherited flags: the worker needs no loaders.
    this.worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [] });
    this.worker.unref();
    this.worker.on('message', (message: WorkerMessage) => {
      const session = this.sessions.get(message.id);
      if (message.type === 'hashed') session?.onHashed(message.buffer, message.length);
      else session?.onDigest(message.digest);
    });
    const fail = (error: Error) => {
      this.failed = true;
      for (const session of this.sessions.values()) session.onFailure(error);
      this.sessions.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the hashing thread stopped (exit code ${code})`)));
  }

  get load(): number {
    return this.sessions.size;
  }

  open(id: number, session: Session): void {
    if (this.sessions.size === 0) this.worker.ref();
    this.sessions.set(id, session);
  }

  close(id: number): void {
    if (this.sessions.delete(id) && this.sessions.size === 0) this.worker.unref();
  }

  post(message: { type: 'data'; id: number; buffer: ArrayBuffer; length: number } | { type: 'end' | 'discard'; id: number }): void {
    if ('buffer' in message) this.worker.postMessage(message, [message.buffer]);
    else this.worker.postMessage(message);
  }
}

const threads: HashThread[] = [];
const maxThreads = Math.max(1, Math.min(4, availableParallelism() - 1));
let nextSessionId = 1;

/** The least busy thread, starting another while there is room. */
function pickThread(): HashThread {
  for (let i = threads.length - 1; i >= 0; i -= 1) if (threads[i]?.failed) threads.splice(i, 1);
  const idle = threads.find((thread) => thread.load === 0);
  if (idle) return idle;
  if (threads.length < maxThreads) {
    const thread = new HashThread();
    threads.push(thread);
    return thread;
  }
  return threads.reduce((best, thread) => (thread.load < best.load ? thread : best));
}

export function createStreamHash(): StreamHash {
  const id = nextSessionId++;
  const thread = pickThread();
  const spare: ArrayBuffer[] = [];
  let current: Buffer | null = null;
  let filled = 0;
  let inFlight = 0;
  let failure: Error | null = null;
  let ended = false;
  let resumeWriter: (() => void) | null = null;
  let finish: { resolve: (digest: string) => void; reject: (error: Error) => void } | null = null;

  const currentFailure = (): Error | null => failure;
  const wakeWriter = () => {
    const resume = resumeWriter;
    resumeWriter = null;
    resume?.();
  };
  thread.open(id, {
    onHashed(buffer, length) {
      inFlight -= length;
      spare.push(buffer);
      if (inFlight <= MAX_IN_FLIGHT_BYTES) wakeWriter();
    },
    onDigest(digest) {
      thread.close(id);
      finish?.resolve(digest);
    },
    onFailure(error) {
      failure = error;
      wakeWriter();
      finish?.reject(error);
    },
  });

  const send = () => {
    if (!current || filled === 0) return;
    inFlight += filled;
    thread.post({ type: 'data', id, buffer: current.buffer as ArrayBuffer, length: filled });
    current = null;
    filled = 0;
  };

  return {
    async update(chunk) {
      if (failure) throw failure;
      if (ended) throw new Error('update after digest');
      let offset = 0;
      while (offset < chunk.length) {
        current ??= Buffer.from(spare.pop() ?? new ArrayBuffer(BATCH_BYTES));
        const copied = chunk.copy(current, filled, offset);
        filled += copied;
        offset += copied;
        if (filled < BATCH_BYTES) continue;
        send();
        if (inFlight > MAX_IN_FLIGHT_BYTES) await new Promise<void>((resolve) => (resumeWriter = resolve));
        // The thread may have failed while this waited.
        const failedMeanwhile = currentFailure();
        if (failedMeanwhile) throw failedMeanwhile;
      }
    },
    digest() {
      if (failure) return Promise.reject(failure);
      ended = true;
      send();
      const digest = new Promise<string>((resolve, reject) => (finish = { resolve, reject }));
      thread.post({ type: 'end', id });
      return digest;
    },
    discard() {
      if (finish) return;
      ended = true;
      thread.close(id);
      if (!thread.failed) thread.post({ type: 'discard', id });
    },
  };
}
