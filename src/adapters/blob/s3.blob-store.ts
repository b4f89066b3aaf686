import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCopyCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { CamtroveError } from '../../domain/errors.js';
import { contentMismatch, type BlobStore, type ListedBlob, type LocalCopy, type PutOptions, type ReceivedBlob, type StagedBlob, type StoredBlob } from './blob-store.js';
import { ByteMeter, fileChanged } from './byte-meter.js';
import { DownloadCache } from './download-cache.js';
import { receiveAndPublish, receivedCopy } from './receive-and-publish.js';
import { explainS3Error, httpStatusOf, isNotFound, s3ErrorName, type S3Place } from './s3-errors.js';

const MiB = 1024 * 1024;
/** Staging objects younger than this may be uploads of another host in progress: init leaves them. */
const STALE_STAGING_MS = 24 * 3_600_000;
/** Parts copied at once by a multipart copy. */
const COPY_CONCURRENCY = 4;

export interface S3BlobStoreOptions {
  client: S3Client;
  bucket: string;
  /** Key prefix without leading or trailing slash; '' for the bucket's root. */
  prefix: string;
  /** Where requests go, for error messages (no credentials). */
  endpoint: string;
  /** The folder of local copies (see DownloadCache) and the most bytes they may hold. */
  cacheDir: string;
  cacheBytes: number;
  /** Upload part size and parts in flight: memory per upload is about their product. */
  partBytes?: number;
  queueSize?: number;
  /** CopyObject's limit (5 GiB on AWS): larger blobs are copied part by part. */
  maxCopyBytes?: number;
  copyPartBytes?: number;
  /** Staging objects older than this are removed by init (default a day). */
  staleStagingMs?: number;
}

/**
 * Blobs as objects `<prefix>/sha256/<hash>` of an S3-compatible bucket. Uploads whose hash is not
 * known yet stream to `<prefix>/staging/<uuid>` (multipart, bounded memory) while they are hashed,
 * and are copied to their final key when published: a reader never sees a partial or unverified
 * blob, and a failed upload leaves no object (its multipart upload is aborted). ffmpeg reads local
 * copies from a cache (see DownloadCache).
 */
export class S3BlobStore implements BlobStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly place: S3Place;
  private readonly cache: DownloadCache;
  private readonly partBytes: number;
  private readonly queueSize: number;
  private readonly maxCopyBytes: number;
  private readonly copyPartBytes: number;
  private readonly staleStagingMs: number;
  /** Publications of one id in this process run one at a time, so exactly one reports it created. */
  private readonly publishing = new Map<string, Promise<unknown>>();

  constructor(options: S3BlobStoreOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    this.prefix = options.prefix;
    this.place = { bucket: options.bucket, endpoint: options.endpoint, location: `s3://${options.bucket}${options.prefix ? `/${options.prefix}` : ''}` };
    this.cache = new DownloadCache(options.cacheDir, options.cacheBytes, (id, path) => this.download(id, path));
    this.partBytes = options.partBytes ?? 8 * MiB;
    this.queueSize = options.queueSize ?? 4;
    this.maxCopyBytes = options.maxCopyBytes ?? 5 * 1024 * MiB;
    this.copyPartBytes = options.copyPartBytes ?? 512 * MiB;
    this.staleStagingMs = options.staleStagingMs ?? STALE_STAGING_MS;
  }

  /** `s3://bucket/prefix`, for messages. */
  get location(): string {
    return this.place.location;
  }

  /**
   * Checks that the bucket can be used, deletes staging objects (and multipart uploads) older than a
   * day, and the local copies of processes that are gone; returns what it removed.
   */
  async init(): Promise<string[]> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      // A HEAD answer has no body: a 404 is the only sign that the bucket is missing.
      throw this.explain(httpStatusOf(error) === 404 ? Object.assign(new Error('no such bucket'), { name: 'NoSuchBucket' }) : error);
    }
    const cutoff = Date.now() - this.staleStagingMs;
    const removed: string[] = [];
    for (const key of await this.stagingKeys(cutoff)) {
      await this.deleteKey(key);
      removed.push(`s3://${this.bucket}/${key}`);
    }
    removed.push(...(await this.abortStaleUploads(cutoff)));
    removed.push(...(await this.cache.init()));
    return removed;
  }

  /** Staging keys, all or those last modified before `before` (ms since the epoch). */
  async stagingKeys(before = Infinity): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.call(() => this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.key('staging', ''), ContinuationToken: token })));
      for (const item of page.Contents ?? []) {
        if (item.Key && (item.LastModified?.getTime() ?? 0) <= before) keys.push(item.Key);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  /** Multipart uploads a killed process left (they cost storage until aborted); stores without the listing are skipped. */
  private async abortStaleUploads(cutoff: number): Promise<string[]> {
    const removed: string[] = [];
    try {
      const listing = await this.client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: this.key('staging', '') }));
      for (const upload of listing.Uploads ?? []) {
        if (!upload.Key || !upload.UploadId || (upload.Initiated?.getTime() ?? Infinity) > cutoff) continue;
        await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: upload.Key, UploadId: upload.UploadId }));
        removed.push(`s3://${this.bucket}/${upload.Key} (unfinished upload)`);
      }
    } catch {
      // Not every S3-compatible store lists multipart uploads; a lifecycle rule covers those.
    }
    return removed;
  }

  /** Destroys the client and deletes this process's local copies. */
  async close(): Promise<void> {
    await this.cache.clear();
    this.client.destroy();
  }

  private key(kind: 'sha256' | 'staging', name: string): string {
    return this.prefix ? `${this.prefix}/${kind}/${name}` : `${kind}/${name}`;
  }

  private explain(error: unknown): unknown {
    return explainS3Error(error, this.place);
  }

  private async call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw this.explain(error);
    }
  }

  put(content: Readable, options: PutOptions = {}): Promise<StoredBlob> {
    return receiveAndPublish(this, content, options);
  }

  async receive(content: Readable, options: PutOptions = {}): Promise<ReceivedBlob> {
    const stagingKey = this.key('staging', randomUUID());
    const expected = options.sha256;
    const meter = new ByteMeter({
      maxBytes: options.maxBytes,
      onProgress: options.onProgress,
      check: (size, actual) => (expected !== undefined && expected !== actual ? contentMismatch(size, actual, expected) : null),
    });
    await this.upload(stagingKey, content, meter);
    return this.staged(stagingKey, meter.sha256, meter.received);
  }

  /** A staging object as a ReceivedBlob: published by a copy to its final key, then deleted. */
  private staged(stagingKey: string, id: string, size: number): ReceivedBlob {
    const publish = () =>
      this.exclusive(id, async () => {
        if (await this.exists(this.key('sha256', id))) return false;
        await this.copy(stagingKey, this.key('sha256', id), size);
        return true;
      });
    return receivedCopy(id, size, publish, () => this.deleteKey(stagingKey));
  }

  async putBytes(bytes: Buffer, sha256?: string): Promise<StoredBlob> {
    const id = sha256 ?? createHash('sha256').update(bytes).digest('hex');
    const created = await this.exclusive(id, async () => {
      const key = this.key('sha256', id);
      if (await this.exists(key)) return false;
      await this.call(() => this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: bytes, ContentLength: bytes.length })));
      return true;
    });
    return { id, size: bytes.length, created };
  }

  async putFile(path: string | Buffer, sha256: string, size: number): Promise<StoredBlob> {
    const key = this.key('sha256', sha256);
    const created = await this.exclusive(sha256, async () => {
      if (await this.exists(key)) return false;
      // Straight to the final key: the meter fails the stream before its end unless the bytes are
      // those hashed, so the upload never completes with other content.
      const meter = new ByteMeter({ passAtMost: size, check: (actualSize, actual) => fileChanged({ size, sha256 }, { size: actualSize, sha256: actual }) });
      await this.upload(key, createReadStream(path), meter);
      return true;
    });
    return { id: sha256, size, created };
  }

  stageFile(path: string | Buffer): StagedBlob {
    const stagingKey = this.key('staging', randomUUID());
    const meter = new ByteMeter();
    const uploaded = this.upload(stagingKey, createReadStream(path), meter);
    // Reported by commit or swallowed by discard; never unhandled.
    uploaded.catch(() => undefined);
    let received: ReceivedBlob | null = null;
    return {
      commit: async (sha256, size) => {
        await uploaded;
        received = this.staged(stagingKey, sha256, size);
        if (await this.exists(this.key('sha256', sha256))) {
          await received.discard();
          return { id: sha256, size, created: false };
        }
        const changed = fileChanged({ size, sha256 }, { size: meter.received, sha256: meter.sha256 });
        if (changed) {
          await received.discard();
          throw changed;
        }
        return { id: sha256, size, created: await received.publish() };
      },
      discard: async () => {
        // After a commit, the commit settled the staging object; after a failed upload there is none.
        if (received || !(await uploaded.then(() => true, () => false))) return;
        await this.deleteKey(stagingKey);
      },
    };
  }

  linkFile(_path: string, _sha256: string): Promise<StoredBlob & { linked: boolean }> {
    return Promise.reject(
      new CamtroveError('CAMTROVE_ERR_INVALID_IMPORT', `import --link needs the local folder storage: the library keeps its files in ${this.place.location}, where a file cannot be referred to where it is; import without --link to copy the files there`),
    );
  }

  async size(id: string): Promise<number | null> {
    const head = await this.head(this.key('sha256', id));
    return head === null ? null : (head.ContentLength ?? 0);
  }

  read(id: string, range?: { start: number; end: number }): Readable {
    const out = new PassThrough();
    void (async () => {
      const body = await this.get(id, range);
      if (!body) throw this.missing(id);
      await pipeline(body, out);
    })().catch((error: Error) => out.destroy(error));
    return out;
  }

  open(id: string, range?: { start: number; end: number }): Promise<Readable | null> {
    return this.get(id, range);
  }

  async list(options: { after?: string; limit: number }): Promise<ListedBlob[]> {
    const prefix = this.key('sha256', '');
    const found: ListedBlob[] = [];
    let token: string | undefined;
    // Pages of the store's own size (1,000 on S3), cut to the limit here: some S3-compatible servers fail a truncated MaxKeys listing.
    do {
      const page = await this.call(() =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : options.after ? { StartAfter: prefix + options.after } : {}) })),
      );
      for (const item of page.Contents ?? []) {
        const id = (item.Key ?? '').slice(prefix.length);
        if (/^[0-9a-f]{64}$/.test(id)) found.push({ id, modifiedAt: item.LastModified?.getTime() ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token && found.length < options.limit);
    return found.slice(0, options.limit);
  }

  async delete(id: string): Promise<void> {
    await this.deleteKey(this.key('sha256', id));
  }

  localCopy(id: string): Promise<LocalCopy> {
    return this.cache.acquire(id);
  }

  /** The bytes of local copies this process holds (for tests and status). */
  get cachedBytes(): number {
    return this.cache.bytes;
  }

  /** Downloads a blob to `path`, verifying its hash; fails (the cache removes the file) on other bytes. */
  private async download(id: string, path: string): Promise<void> {
    const body = await this.get(id);
    if (!body) throw this.missing(id);
    const meter = new ByteMeter({ check: (size, actual) => (actual === id ? null : new Error(`the blob ${id} in ${this.place.location} is damaged: its ${size} bytes have SHA-256 ${actual}`)) });
    await pipeline(body, meter, createWriteStream(path, { flags: 'wx' }));
  }

  /** Like the local store's read of an absent file: an ENOENT error. */
  private missing(id: string): Error {
    return Object.assign(new Error(`ENOENT: no blob ${id} in ${this.place.location}`), { code: 'ENOENT' });
  }

  private async get(id: string, range?: { start: number; end: number }): Promise<Readable | null> {
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key('sha256', id), Range: range ? `bytes=${range.start}-${range.end}` : undefined }));
      const body = answer.Body as Readable;
      if (!range || answer.ContentRange?.startsWith(`bytes ${range.start}-${range.end}/`)) return body;
      // Some stores answer a range request with more (s3rver sends everything for `bytes=0-0`): trim it here.
      const sent = /^bytes (\d+)-/.exec(answer.ContentRange ?? '');
      const offset = sent ? Number(sent[1]) : 0;
      return Readable.from(sliceOf(body, range.start - offset, range.end - offset));
    } catch (error) {
      if (isNotFound(error)) return null;
      // A range starting at or past the end: no bytes, as a file read would give.
      if (s3ErrorName(error) === 'InvalidRange' || httpStatusOf(error) === 416) return Readable.from([]);
      throw this.explain(error);
    }
  }

  private async head(key: string): Promise<{ ContentLength?: number } | null> {
    try {
      return await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      if (isNotFound(error)) return null;
      throw this.explain(error);
    }
  }

  private async exists(key: string): Promise<boolean> {
    return (await this.head(key)) !== null;
  }

  private async deleteKey(key: string): Promise<void> {
    await this.call(() => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })));
  }

  /** Runs `work` after any other of the same id in this process has finished. */
  private async exclusive<T>(id: string, work: () => Promise<T>): Promise<T> {
    const before = this.publishing.get(id) ?? Promise.resolve();
    const mine = before.catch(() => undefined).then(work);
    this.publishing.set(id, mine);
    try {
      return await mine;
    } finally {
      if (this.publishing.get(id) === mine) this.publishing.delete(id);
    }
  }

  /**
   * Streams `source` through `meter` to `key`. Either the object is complete, or the upload is
   * aborted (multipart parts included) and the error thrown is the source's or the meter's when
   * they failed first, else the store's.
   */
  private async upload(key: string, source: Readable, meter: ByteMeter): Promise<void> {
    let sourceFailure: unknown = null;
    let uploadFailed = false;
    const onFailure = (error: unknown) => {
      if (!uploadFailed) sourceFailure ??= error;
    };
    source.on('error', onFailure);
    meter.on('error', onFailure);
    const piping = pipeline(source, meter);
    const upload = new Upload({ client: this.client, params: { Bucket: this.bucket, Key: key, Body: meter }, partSize: this.partBytes, queueSize: this.queueSize, leavePartsOnError: false });
    const done = upload.done().catch((error: unknown) => {
      uploadFailed = true;
      // Nobody reads the meter any more: stop the source.
      meter.destroy();
      throw error;
    });
    const [piped, uploaded] = await Promise.allSettled([piping, done]);
    if (piped.status === 'fulfilled' && uploaded.status === 'fulfilled') return;
    throw sourceFailure ?? (uploaded.status === 'rejected' ? this.explain(uploaded.reason) : (piped as PromiseRejectedResult).reason);
  }

  /** Server-side copy; above CopyObject's limit, part by part (UploadPartCopy). */
  private async copy(from: string, to: string, size: number): Promise<void> {
    const source = `${this.bucket}/${from.split('/').map(encodeURIComponent).join('/')}`;
    if (size <= this.maxCopyBytes) {
      await this.call(() => this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: to, CopySource: source })));
      return;
    }
    const { UploadId } = await this.call(() => this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: to })));
    try {
      const count = Math.ceil(size / this.copyPartBytes);
      const parts: CompletedPart[] = new Array<CompletedPart>(count);
      let next = 0;
      const copyParts = async () => {
        for (let index = next++; index < count; index = next++) {
          const start = index * this.copyPartBytes;
          const end = Math.min(size, start + this.copyPartBytes) - 1;
          const answer = await this.client.send(new UploadPartCopyCommand({ Bucket: this.bucket, Key: to, UploadId, PartNumber: index + 1, CopySource: source, CopySourceRange: `bytes=${start}-${end}` }));
          parts[index] = { PartNumber: index + 1, ETag: answer.CopyPartResult?.ETag };
        }
      };
      await Promise.all(Array.from({ length: Math.min(COPY_CONCURRENCY, count) }, copyParts));
      await this.client.send(new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: to, UploadId, MultipartUpload: { Parts: parts } }));
    } catch (error) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: to, UploadId })).catch(() => undefined);
      throw this.explain(error);
    }
  }
}

/** The inclusive byte range [start, end] of a stream. */
async function* sliceOf(body: Readable, start: number, end: number): AsyncGenerator<Buffer> {
  let at = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    const from = Math.max(start - at, 0);
    const to = Math.min(end + 1 - at, chunk.length);
    if (to > from) yield chunk.subarray(from, to);
    at += chunk.length;
    if (at > end) return;
  }
}
