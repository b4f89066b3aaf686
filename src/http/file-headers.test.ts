import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileResponseHeaders, isInlineMedia } from './file-headers.js';

describe('file download headers', () => {
  it('shows plain images, video and audio in place', () => {
    for (const type of ['video/mp4', 'video/quicktime', 'video/x-matroska', 'video/mp2t', 'image/jpeg', 'image/png', 'image/webp', 'image/avif', 'audio/mpeg', 'Video/MP4; codecs="avc1"']) {
      assert.equal(isInlineMedia(type), true, type);
    }
  });
  it('downloads everything that can carry script or markup, SVG included', () => {
    for (const type of ['image/svg+xml', 'IMAGE/SVG+XML', 'text/html', 'application/xhtml+xml', 'text/xml', 'application/xml', 'application/javascript', 'text/javascript', 'application/pdf', 'text/plain', 'application/octet-stream', 'video/vnd.example+xml', 'image/svg', 'image/', 'video', 'multipart/x-mixed-replace', '']) {
      assert.equal(isInlineMedia(type), false, type);
    }
  });
  it('sandboxes every file without script, lets media load only itself, and forbids sniffing', () => {
    const html = fileResponseHeaders({ name: 'page.html', contentType: 'text/html' });
    assert.match(html['content-disposition']!, /^attachment; filename="page\.html"/);
    assert.equal(html['content-security-policy'], "default-src 'none'; sandbox");
    assert.equal(html['x-content-type-options'], 'nosniff');
    const video = fileResponseHeaders({ name: 'clip "1".mp4', contentType: 'video/mp4' });
    assert.equal(video['content-disposition'], 'inline; filename="clip _1_.mp4"; filename*=UTF-8\'\'clip%20%221%22.mp4');
    // Media may load itself (its own document's <video>), still without script.
    assert.equal(video['content-security-policy'], "default-src 'none'; img-src 'self'; media-src 'self'; sandbox allow-same-origin");
    assert.doesNotMatch(video['content-security-policy'], /allow-scripts/);
  });
});
