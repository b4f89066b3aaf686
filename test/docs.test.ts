import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { configKeys } from '../src/config/config.js';
import { errorCatalogue } from '../src/domain/errors.js';

const docs = join(import.meta.dirname, '..', 'docs');

describe('documentation stays complete', () => {
  it('docs/errors.md documents every error code with its status, and no code that does not exist', async () => {
    const text = await readFile(join(docs, 'errors.md'), 'utf8');
    for (const [code, entry] of Object.entries(errorCatalogue)) {
      assert.match(text, new RegExp(`\\| \`${code}\` \\| ${entry.status} \\|`), `${code} (${entry.status}) is not documented`);
    }
    for (const [code] of text.matchAll(/CAMTROVE_ERR_[A-Z_]+/g)) assert.ok(code in errorCatalogue, `docs name ${code}, which is not in the catalogue`);
  });
  it('docs/configuration.md lists every key with its environment variable', async () => {
    const text = await readFile(join(docs, 'configuration.md'), 'utf8');
    for (const [key, spec] of Object.entries(configKeys)) {
      assert.match(text, new RegExp(`\\| \`${key}\` \\| \`${spec.env}\` \\|`), `${key} (${spec.env}) is not documented`);
    }
  });
});
