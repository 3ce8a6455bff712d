import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const api = 'http://localhost:3000';

export default defineConfig({
  plugins: [vue()],
  resolve: {
    // Point at the libraries' sources so the web never depends on their build output.
    alias: {
      '@genbox/contracts': fileURLToPath(new URL('../../libs/contracts/src/index.ts', import.meta.url)),
      '@genbox/client': fileURLToPath(new URL('../../libs/client/src/index.ts', import.meta.url)),
    },
  },
  server: {
    proxy: {
      '/api': { target: api, changeOrigin: true },
      // the server admits sockets from its own origin only: the dev page's (:5173) is rewritten to it
      '/socket.io': { target: api, ws: true, changeOrigin: true, configure: (proxy) => proxy.on('proxyReqWs', (req) => req.setHeader('origin', api)) },
    },
  },
  build: { outDir: 'dist', emptyOutDir: true },
});
