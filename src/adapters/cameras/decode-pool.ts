import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { GrayImage } from '../../domain/cameras/frame-change.js';
import { CamtroveError, type ErrorCode } from '../../domain/errors.js';

type DecodeReply = { id: number; image: GrayImage } | { id: number; error: { code: ErrorCode | null; message: string } } | { ready: true };

interface Thread {
  worker: Worker;
  pending: number;
  started: Promise<void>;
}

/**
 * Decodes frames for change detection on worker threads (one per core but the event loop's,
 * at least one): a thousand cameras a second spend most of their CPU there, and on the event loop
 * it would hold up every fetch and write. Each request goes to the thread with the fewest pending.
 * A thread that dies fails its own pending decodes and is replaced.
 */
export class DecodePool {
  private readonly threads: Thread[] = [];
  private readonly waiting = new Map<number, { resolve(image: GrayImage): void; reject(error: Error): void; thread: Thread }>();
  private nextId = 0;
  private closing = false;

  /** Threads start with the first decode (a process that never archives starts none), or with ready(). */
  constructor(private readonly size = Math.max(1, Math.min(4, availableParallelism() - 1))) {}

  /** Starts the threads and resolves once each has loaded its code: a run that waits for it does not start with a backlog. */
  ready(): Promise<void> {
    this.start();
    return Promise.all(this.threads.map((t) => t.started)).then(() => undefined);
  }

  decode(bytes: Buffer): Promise<GrayImage> {
    if (this.closing) return Promise.reject(new Error('the decode pool was closed'));
    this.start();
    const thread = this.threads.reduce((a, b) => (b.pending < a.pending ? b : a));
    const id = (this.nextId += 1);
    thread.pending += 1;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, thread });
      thread.worker.postMessage({ id, bytes });
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
    for (const waiter of this.waiting.values()) waiter.reject(new Error('the decode pool was closed'));
    this.waiting.clear();
  }

  private start(): void {
    while (this.threads.length < this.size) this.threads.push(this.spawn());
  }

  private spawn(): Thread {
    // The worker is TypeScript when this module is (tests and benchmarks run the sources through
    // tsx, whose loader Node 20 does not carry into worker threads: the worker registers it itself).
    const typescript = import.meta.url.endsWith('.ts');
    const file = new URL(typescript ? './decode-worker.ts' : './decode-worker.js', import.meta.url);
    const worker = typescript ? new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(file.href)}); })`, { eval: true }) : new Worker(file);
    // Idle threads do not keep the process alive; a pending decode has a fetch's socket or timer to keep it up.
    worker.unref();
    let started!: () => void;
    let failed!: (error: Error) => void;
    const thread: Thread = { worker, pending: 0, started: new Promise((resolve, reject) => ((started = resolve), (failed = reject))) };
    // A thread that fails to start is replaced; this only keeps the rejection from being unhandled.
    thread.started.catch(() => undefined);
    worker.on('message', (reply: DecodeReply) => ('ready' in reply ? started() : this.settle(reply)));
    worker.once('error', (error) => failed(error));
    worker.once('exit', (code) => {
      if (this.closing) return;
      const reason = new Error(`a decode thread stopped (exit code ${code})`);
      failed(reason);
      for (const [id, waiter] of this.waiting) {
        if (waiter.thread !== thread) continue;
        this.waiting.delete(id);
        waiter.reject(reason);
      }
      this.threads[this.threads.indexOf(thread)] = this.spawn();
    });
    return thread;
  }

  private settle(reply: Exclude<DecodeReply, { ready: true }>): void {
    const waiter = this.waiting.get(reply.id);
    if (!waiter) return;
    this.waiting.delete(reply.id);
    waiter.thread.pending -= 1;
    if ('image' in reply) waiter.resolve(reply.image);
    else waiter.reject(reply.error.code ? new CamtroveError(reply.error.code, reply.error.message) : new Error(reply.error.message));
  }
}
