import yauzl from 'yauzl';

/** Every file of a zip, by name, read with an independent reader. */
export function readZipBytes(path: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const files = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (openError, stream) => {
          if (openError) return reject(openError);
          const parts: Buffer[] = [];
          stream.on('data', (b: Buffer) => parts.push(b)).on('error', reject).on('end', () => {
            files.set(entry.fileName, Buffer.concat(parts));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(files)).on('error', reject);
      zip.readEntry();
    });
  });
}

/** Every file of a zip as text, by name. */
export async function readZip(path: string): Promise<Map<string, string>> {
  return new Map([...(await readZipBytes(path))].map(([name, bytes]) => [name, bytes.toString('utf8')]));
}

/** How a zip holds each file: its compression method (0 stored, 8 deflated) and sizes, by name. */
export function zipEntryMethods(path: string): Promise<Map<string, { method: number; size: number; compressedSize: number }>> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const found = new Map<string, { method: number; size: number; compressedSize: number }>();
      zip.on('entry', (entry: yauzl.Entry) => {
        found.set(entry.fileName, { method: entry.compressionMethod, size: entry.uncompressedSize, compressedSize: entry.compressedSize });
        zip.readEntry();
      });
      zip.on('end', () => resolve(found)).on('error', reject);
      zip.readEntry();
    });
  });
}
