import { writeFileSync } from 'node:fs';
import { defineConfig } from 'vite';

// The build empties dist/; its committed .gitkeep (which lets web.go's
// //go:embed compile before any build) is put back afterwards.
const keepGitkeep = {
  name: 'keep-gitkeep',
  closeBundle() {
    writeFileSync(new URL('./dist/.gitkeep', import.meta.url), '');
  },
};

// `npm run dev` proxies the API to a running server (BEAMLINE_URL, default
// the `beamline up` address).
const target = process.env.BEAMLINE_URL || 'http://127.0.0.1:5000';

export default defineConfig({
  plugins: [keepGitkeep],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The server's CSP allows only 'self': no data: URLs, every asset a file.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
  server: {
    proxy: { '/api': target, '/metrics': target, '/healthz': target },
  },
});
