import { useEffect, useState } from 'react';
import { filePath, type CamtroveClient } from './api/client.js';
import { useSession } from './session.js';

/** Blob URLs kept per token: enough for a time line's neighbourhood and a grid of thumbnails. */
const KEPT = 300;

/**
 * Stored files as URLs an <img> or <video> can load. While the server needs no token that is the
 * API's own path (the browser streams, ranges and caches it); with one, an element cannot send it,
 * so the bytes are fetched with the token and shown from a blob URL, the latest few hundred kept.
 */
class BlobUrls {
  private readonly urls = new Map<string, Promise<string>>();

  constructor(private readonly client: CamtroveClient) {}

  get(fileId: string): Promise<string> {
    const known = this.urls.get(fileId);
    if (known) {
      // Most recently used last.
      this.urls.delete(fileId);
      this.urls.set(fileId, known);
      return known;
    }
    const url = this.client.fileBlob(fileId).then((blob) => URL.createObjectURL(blob));
    url.catch(() => this.urls.delete(fileId));
    this.urls.set(fileId, url);
    for (const [oldest, old] of this.urls) {
      if (this.urls.size <= KEPT) break;
      this.urls.delete(oldest);
      // Late enough that an element still showing it has moved on.
      void old.then((gone) => setTimeout(() => URL.revokeObjectURL(gone), 10_000), () => undefined);
    }
    return url;
  }
}

const byClient = new WeakMap<CamtroveClient, BlobUrls>();

function blobUrls(client: CamtroveClient): BlobUrls {
  let urls = byClient.get(client);
  if (!urls) {
    urls = new BlobUrls(client);
    byClient.set(client, urls);
  }
  return urls;
}

/** The URL to show a stored file from (null while it is being fetched, or without a file). */
export function useFileUrl(fileId: string | null): string | null {
  const { client, call } = useSession();
  const [fetched, setFetched] = useState<{ fileId: string; url: string } | null>(null);
  useEffect(() => {
    if (!fileId || !client.token) return;
    let live = true;
    call(() => blobUrls(client).get(fileId)).then(
      (url) => live && setFetched({ fileId, url }),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [call, client, fileId]);
  if (!fileId) return null;
  if (!client.token) return filePath(fileId);
  return fetched?.fileId === fileId ? fetched.url : null;
}

/** Starts loading files the page will show next (a time line's neighbours), so stepping to them is instant. */
export function usePrefetch(fileIds: readonly string[]): void {
  const { client } = useSession();
  const key = fileIds.join(',');
  useEffect(() => {
    for (const fileId of key ? key.split(',') : []) {
      if (client.token) void blobUrls(client).get(fileId).catch(() => undefined);
      else new Image().src = filePath(fileId);
    }
  }, [client, key]);
}
