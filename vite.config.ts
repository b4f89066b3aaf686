// The web app (web/): `vite` serves it in development, proxying the API to a running
// `camtrove serve` (CAMTROVE_DEV_SERVER, default http://127.0.0.1:8080); `vite build` writes it to
// dist/web, which `camtrove serve` serves at /.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const server = process.env.CAMTROVE_DEV_SERVER ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: 'web',
  plugins: [react()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    // Every file as a file of its own: the server's CSP loads images from 'self', not data: URLs.
    assetsInlineLimit: 0,
  },
  server: {
    proxy: {
      '/api': {
        target: server,
        // A server without tokens refuses changes from another origin: the page's origin here is
        // Vite's, so the proxy forwards requests as the server's own.
        configure: (proxy) => proxy.on('proxyReq', (request) => request.removeHeader('origin')),
      },
    },
  },
});
