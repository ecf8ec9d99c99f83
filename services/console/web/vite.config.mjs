// Builds the console's web app into dist/services/console/web (run by scripts/build.mjs).
// The London map's boundaries are converted here, at build time, from the vega-datasets topojson
// into SVG paths the app imports as `virtual:london-boroughs`: the browser gets no topology code.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { LONDON_AUTHORITIES } from '../../../libs/london/src/london-authorities.ts';
import { boroughShapes } from '../src/map/borough-shapes.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const VIRTUAL = 'virtual:london-boroughs';

function londonBoroughs() {
  return {
    name: 'harbour-london-boroughs',
    resolveId(id) {
      return id === VIRTUAL ? `\0${VIRTUAL}` : undefined;
    },
    load(id) {
      if (id !== `\0${VIRTUAL}`) return undefined;
      const read = (...path) => JSON.parse(readFileSync(join(root, ...path), 'utf8'));
      const topology = read('node_modules', 'vega-datasets', 'data', 'londonBoroughs.json');
      const { centroids } = read('libs', 'london', 'src', 'generated', 'centroids.json');
      return `export default ${JSON.stringify(boroughShapes(topology, LONDON_AUTHORITIES, centroids))};`;
    },
  };
}

export default defineConfig({
  root: here,
  base: '/',
  plugins: [react(), londonBoroughs()],
  logLevel: 'warn',
  build: {
    outDir: join(root, 'dist', 'services', 'console', 'web'),
    emptyOutDir: true,
    // No inline scripts or styles: the console's CSP allows only its own files.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
});
