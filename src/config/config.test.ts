import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { configKeys, parseConcurrency, resolveConfig } from './config.js';
import { loadConfig } from './load-config.js';

describe('configuration', () => {
  it('uses the defaults when nothing is set', () => {
    const config = resolveConfig({ env: {} });
    for (const [key, spec] of Object.entries(configKeys)) assert.deepEqual(config[key as keyof typeof config], spec.default, key);
    assert.ok(Object.isFrozen(config));
  });
  it('gives flags precedence over env over the file', () => {
    const config = resolveConfig({ file: { port: 1001, host: '127.0.0.2', logLevel: 'debug' }, env: { CAMTROVE_PORT: '1002', CAMTROVE_HOST: '127.0.0.3' }, flags: { port: '1003' } });
    assert.equal(config.port, 1003);
    assert.equal(config.host, '127.0.0.3');
    assert.equal(config.logLevel, 'debug');
  });
  it('parses sizes, durations, booleans and per-analysis concurrency', () => {
    const config = resolveConfig({ env: { CAMTROVE_MAX_UPLOAD_BYTES: '2GiB', CAMTROVE_LEASE: '45s', CAMTROVE_WORKERS: 'no', CAMTROVE_CONCURRENCY: '4,transcode=1' } });
    assert.equal(config.maxUploadBytes, 2 * 2 ** 30);
    assert.equal(config.leaseMs, 45_000);
    assert.equal(config.workers, false);
    assert.deepEqual(config.concurrency, { default: 4, byAnalysis: { transcode: 1 } });
    assert.equal(parseConcurrency('2,bad name=1'), null);
  });
  it('names the bad key, its source and what was expected', () => {
    assert.throws(() => resolveConfig({ env: { CAMTROVE_PORT: 'abc' } }), /environment variable CAMTROVE_PORT is "abc"; expected a port number/);
    assert.throws(() => resolveConfig({ env: { CAMTROVE_PORT: '65536' } }), /CAMTROVE_PORT is "65536"; expected a port number 0-65535/);
    assert.equal(resolveConfig({ flags: { port: '0' } }).port, 0, 'port 0 asks for any free port');
    assert.throws(() => resolveConfig({ flags: { maxAttempts: '0' } }), /--maxAttempts flag is "0"; expected an integer 1-100/);
    assert.throws(() => resolveConfig({ env: { CAMTROVE_DATABASE_URL: 'mysql://x' } }), /CAMTROVE_DATABASE_URL .* expected empty or a postgres:\/\/ URL/);
    assert.throws(() => resolveConfig({ env: { CAMTROVE_DATABASE_URL: 'mysql://app:hunter2@db/x' } }), (error: Error) => error.message.includes('mysql://app:***@db/x') && !error.message.includes('hunter2'), 'the password is not repeated');
    assert.throws(() => resolveConfig({ file: { lease: '5s' }, fileName: 'c.json' }), /unknown key "lease" in config file c.json/);
  });
  it('reads a JSON config file and reports one that is not JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'camtrove-config-'));
    const good = join(dir, 'good.json');
    await writeFile(good, JSON.stringify({ port: 9090, concurrency: '3' }));
    assert.equal(loadConfig({ config: good }, {}).port, 9090);
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{ port: 9090 ');
    assert.throws(() => loadConfig({ config: bad }, {}), /config file .*bad\.json is not valid/);
    assert.throws(() => loadConfig({}, { CAMTROVE_CONFIG: join(dir, 'missing.json') }), /cannot read config file/);
  });
});
