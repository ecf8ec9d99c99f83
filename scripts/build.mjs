// Compiles services and libs to dist/ with swc (path aliases rewritten, decorator metadata kept).
// Type checking is separate (`npm run typecheck`): this is the fast path every start and test takes.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();
rmSync(join(root, 'dist'), { recursive: true, force: true });
const swc = join(root, 'node_modules', '@swc', 'cli', 'bin', 'swc.js');
const result = spawnSync(
  process.execPath,
  [
    swc,
    'services',
    'libs',
    '-d',
    'dist',
    '--copy-files',
    '--quiet',
    '--ignore',
    '**/*.spec.ts,**/*.int-spec.ts,**/test-support/**,services/console/web/**',
  ],
  { cwd: root, stdio: 'inherit' },
);
if (result.status !== 0) {
  process.stderr.write('harbour: build failed\n');
  process.exit(result.status ?? 1);
}
// The console's web app: React, bundled by Vite into dist/services/console/web.
const web = spawnSync(
  process.execPath,
  [
    join(root, 'node_modules', 'vite', 'bin', 'vite.js'),
    'build',
    '--config',
    join(root, 'services', 'console', 'web', 'vite.config.mjs'),
  ],
  // Its config imports TypeScript (the map's conversion), which the bundling config loader handles.
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
  },
);
if (web.status !== 0) {
  process.stderr.write('harbour: building the console web app failed\n');
  process.exit(web.status ?? 1);
}
process.stderr.write(`harbour: built dist/ in ${Date.now() - started} ms\n`);
