import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { chooseDataFolder, platformDataFolder } from './data-folder.js';
import { loadSettings } from './load-config.js';

describe('choosing the data folder', () => {
  const platform = () => '/home/ann/.local/share/camtrove';
  it('takes --data, then CAMTROVE_DATA, then the config file, then ./camtrove-data, then the per-user folder', () => {
    const all = { flag: '/f', env: '/e', file: '/c', legacy: '/cwd/camtrove-data', platform };
    assert.deepEqual(chooseDataFolder(all), { path: '/f', source: 'flag' });
    assert.deepEqual(chooseDataFolder({ ...all, flag: undefined }), { path: '/e', source: 'environment' });
    assert.deepEqual(chooseDataFolder({ ...all, flag: undefined, env: '' }), { path: '/c', source: 'config file' }, 'an empty variable is unset');
    assert.deepEqual(chooseDataFolder({ legacy: '/cwd/camtrove-data', platform }), { path: '/cwd/camtrove-data', source: 'current folder' });
    assert.deepEqual(chooseDataFolder({ legacy: null, platform }), { path: '/home/ann/.local/share/camtrove', source: 'default' });
  });

  it('reads the platform folder from XDG_DATA_HOME, and is ~/.local/share/camtrove without it', { skip: process.platform !== 'linux' ? 'XDG folders are Linux\'s' : false }, () => {
    const saved = process.env.XDG_DATA_HOME;
    try {
      process.env.XDG_DATA_HOME = '/srv/xdg';
      assert.equal(platformDataFolder(), '/srv/xdg/camtrove');
      delete process.env.XDG_DATA_HOME;
      assert.equal(platformDataFolder(), join(homedir(), '.local', 'share', 'camtrove'));
    } finally {
      if (saved === undefined) delete process.env.XDG_DATA_HOME;
      else process.env.XDG_DATA_HOME = saved;
    }
  });

  it('resolves the configuration the same wherever the command runs, unless ./camtrove-data is there', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'camtrove-cwd-'));
    const env = { XDG_DATA_HOME: process.env.XDG_DATA_HOME };
    const fresh = loadSettings({}, env, cwd);
    assert.equal(fresh.dataFolder.source, 'default');
    assert.equal(fresh.config.dataDir, platformDataFolder());
    await mkdir(join(cwd, 'camtrove-data'));
    const legacy = loadSettings({}, env, cwd);
    assert.deepEqual(legacy.dataFolder, { path: join(cwd, 'camtrove-data'), source: 'current folder' });
    assert.equal(legacy.config.dataDir, join(cwd, 'camtrove-data'));
    assert.equal(loadSettings({ dataDir: '/x' }, { CAMTROVE_DATA: '/y' }, cwd).config.dataDir, '/x');
    assert.deepEqual(loadSettings({}, { CAMTROVE_DATA: '/y' }, cwd).dataFolder, { path: '/y', source: 'environment' });
    assert.throws(() => loadSettings({ dataDir: '' }, {}, cwd), /--dataDir flag is ""; expected a folder path/, 'an empty --data is not the current folder');
    const file = join(cwd, 'camtrove.json');
    await writeFile(file, JSON.stringify({ dataDir: 7 }));
    assert.throws(() => loadSettings({ config: file }, {}, cwd), /key "dataDir" in config file .* is 7; expected a folder path/, 'a bad value in the file is named, not replaced by a default');
  });
});
