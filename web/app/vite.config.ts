// Browser bundle for Settle. Two independent pages:
//  - admin.html: merchant dashboard (React + Polaris), served for /admin and /admin/*
//  - pay.html:   shopper checkout (plain TS, no framework) served for /pay/:paymentId and /pay/:paymentId/embed
//  - embed.js:   the script store pages load to frame the payment page (served at /embed.js)
// The Express server serves dist/ at /app/, so every asset URL is absolute under
// /app/ — that keeps them resolving from deep paths like /pay/pay_123 or /admin/x/y.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/app/',
  plugins: [react()],
  // Nothing in web/app/public; stop Vite from looking at the repo root for one.
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // Source maps would ship the card-form code readable anyway, but they double
    // build time and size for no runtime benefit here.
    sourcemap: false,
    rolldownOptions: {
      input: {
        admin: fileURLToPath(new URL('./admin.html', import.meta.url)),
        pay: fileURLToPath(new URL('./pay.html', import.meta.url)),
        // Served at /embed.js under a fixed name: store plugins reference it, so no hash.
        embed: fileURLToPath(new URL('./src/embed/embed.ts', import.meta.url)),
      },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'embed' ? 'embed.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
});
