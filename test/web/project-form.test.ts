// The new-project form's interface editor in a real browser (Debian's chromium through
// playwright-core) against a real `camtrove serve` on loopback: jobs of several kinds made from the
// form, its problems named before anything is sent, and an interface pasted as JSON created as written.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Processes, type Server } from '../helpers/cli.js';
import { createTestEnv, type TestEnv } from '../helpers/test-library.js';

const CHROMIUM = '/usr/bin/chromium';
const WEB_ROOT = join(import.meta.dirname, '..', '..', 'dist', 'web');
const SCREENSHOTS = process.env.CAMTROVE_UPDATE_SCREENSHOTS === '1' ? join(import.meta.dirname, '..', '..', 'docs', 'screenshots') : null;

interface StoredInterface {
  jobs: Record<string, { mlTask: string; isChild: boolean; tools?: string[]; content: { input?: string; categories?: Record<string, { name: string; children?: string[]; color?: string }> } }>;
}

async function storedInterface(server: Server, projectId: string): Promise<StoredInterface> {
  const response = await fetch(`${server.url}/api/projects/${projectId}`);
  assert.equal(response.status, 200);
  return ((await response.json()) as { jsonInterface: StoredInterface }).jsonInterface;
}

const skip = existsSync(CHROMIUM) ? false : `needs Debian's chromium at ${CHROMIUM} (apt-get install chromium)`;

describe('the project form in a browser', { skip }, () => {
  const processes = new Processes();
  let env: TestEnv;
  let browser: Browser;
  let server: Server;
  let page: Page;
  const errors: string[] = [];

  before(async () => {
    assert.ok(existsSync(join(WEB_ROOT, 'index.html')), 'the web app is built (npm run build)');
    env = await createTestEnv();
    [server, browser] = await Promise.all([
      processes.serve(env.env()),
      chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] }),
    ]);
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  });
  after(async () => {
    await browser?.close();
    await processes.killAll();
    await env?.cleanup();
  });

  it('makes jobs of objects with their tools, a child classification, a per-frame classification and a transcription', async () => {
    await page.goto(`${server.url}/projects`);
    await page.getByLabel('Title').fill('Camera traps');
    const first = page.getByRole('group', { name: 'Job 1' });
    await first.getByLabel('Job name').fill('Animals');
    await first.getByLabel('Points').check();
    await first.getByLabel('Polygons').check();
    await first.getByLabel('Categories (one per line)').fill('Deer\nFox\nBadger');

    await page.getByRole('button', { name: 'Add a classification' }).click();
    const second = page.getByRole('group', { name: 'Job 2' });
    await second.getByLabel('Job name').fill('Age');
    await second.getByLabel('Categories (one per line)').fill('Adult\nYoung');
    await second.getByLabel('Asked for').selectOption({ label: 'each object of ANIMALS' });

    await page.getByRole('button', { name: 'Add a classification' }).click();
    const third = page.getByRole('group', { name: 'Job 3' });
    await third.getByLabel('Job name').fill('Weather');
    await third.getByLabel('Categories (one per line)').fill('Dry\nRain\nSnow');
    await third.getByLabel('Several categories may be chosen').check();

    // A name already taken is named, and nothing can be created until it is changed.
    await page.getByRole('button', { name: 'Add a transcription' }).click();
    const fourth = page.getByRole('group', { name: 'Job 4' });
    await fourth.getByLabel('Job name').fill('weather');
    await page.getByRole('list', { name: 'Problems with the interface' }).getByText('jobs "Weather" and "weather" have the same name (WEATHER)').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Create project' }).isDisabled(), true);
    await fourth.getByLabel('Job name').fill('Notes');
    assert.equal(await page.getByRole('list', { name: 'Problems with the interface' }).count(), 0);

    if (SCREENSHOTS) {
      await mkdir(SCREENSHOTS, { recursive: true });
      await page.getByRole('heading', { name: 'New project' }).scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SCREENSHOTS, 'project-form.png'), fullPage: true });
    }
    const shown = JSON.parse(await page.getByLabel('Interface JSON').innerText()) as StoredInterface;
    assert.deepEqual(Object.keys(shown.jobs), ['ANIMALS', 'AGE', 'WEATHER', 'NOTES']);
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('heading', { level: 1, name: 'Camera traps' }).waitFor();
    const projectId = new URL(page.url()).pathname.split('/')[2]!;

    const stored = await storedInterface(server, projectId);
    assert.deepEqual(stored.jobs.ANIMALS!.tools, ['rectangle', 'polygon', 'marker']);
    assert.deepEqual(Object.values(stored.jobs.ANIMALS!.content.categories!).map((c) => [c.name, c.children]), [['Deer', ['AGE']], ['Fox', ['AGE']], ['Badger', ['AGE']]]);
    assert.equal(stored.jobs.AGE!.isChild, true);
    assert.equal(stored.jobs.WEATHER!.isChild, false);
    assert.equal(stored.jobs.WEATHER!.content.input, 'checkbox');
    assert.equal(stored.jobs.NOTES!.mlTask, 'TRANSCRIPTION');
  });

  it('creates an interface pasted as JSON as written, and names what the server would refuse', async () => {
    await page.goto(`${server.url}/projects`);
    await page.getByLabel('Title').fill('Pasted');
    await page.getByRole('button', { name: 'Edit as JSON' }).click();
    const text = page.getByLabel('Interface JSON (editable)');
    await text.fill(JSON.stringify({ jobs: { BIRDS: { mlTask: 'OBJECT_DETECTION', tools: ['polygon'], content: { input: 'radio', categories: { HERON: { name: 'Heron', color: '#1f77b4' } } } } } }));
    // Colours are not in the form: it stays JSON.
    assert.equal(await page.getByRole('button', { name: 'Back to the form' }).isDisabled(), true);
    await text.fill('{"jobs": {"BIRDS": {"mlTask": "OBJECT_DETECTION", "content": {"categories": {"HERON": {"name": "Heron"}}}}}}');
    await page.getByText('job BIRDS: OBJECT_DETECTION needs tools (one or more of rectangle, polygon, marker, polyline, semantic)').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Create project' }).isDisabled(), true);
    await text.fill(JSON.stringify({ jobs: { BIRDS: { mlTask: 'OBJECT_DETECTION', tools: ['polygon'], content: { input: 'radio', categories: { HERON: { name: 'Heron', color: '#1f77b4' } } } } } }));
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('heading', { level: 1, name: 'Pasted' }).waitFor();
    const stored = await storedInterface(server, new URL(page.url()).pathname.split('/')[2]!);
    assert.equal(stored.jobs.BIRDS!.content.categories!.HERON!.color, '#1f77b4');
    assert.deepEqual(errors, []);
  });
});
