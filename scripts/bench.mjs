// `npm run bench`: compiles services, libs and tests/perf/bench into .run/bench-build (its own
// tree, so a rebuild of dist/ by `npm start` or a test run cannot remove files from under the
// services or the floor while the benchmark runs), then runs the benchmark (tests/perf/bench).
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, '.run', 'bench-build');
rmSync(out, { recursive: true, force: true });
const swc = join(root, 'node_modules', '@swc', 'cli', 'bin', 'swc.js');
const built = spawnSync(
  process.execPath,
  [
    swc,
    'services',
    'libs',
    'tests/perf/bench',
    '-d',
    out,
    '--copy-files',
    '--quiet',
    '--ignore',
    '**/*.spec.ts,**/*.int-spec.ts,**/test-support/**,services/console/web/**',
  ],
  { cwd: root, stdio: 'inherit' },
);
if (built.status !== 0) {
  process.stderr.write('bench: build failed\n');
  process.exit(built.status ?? 1);
}
const bench = spawn(
  process.execPath,
  // kafkajs sets negative timeouts; Node warns, harmlessly.
  ['--disable-warning=TimeoutNegativeWarning', join(out, 'tests', 'perf', 'bench', 'bench.js')],
  { cwd: root, stdio: 'inherit' },
);
// Ctrl-C reaches the benchmark too (same process group); it stops what it started, then exits.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => bench.kill(signal));
bench.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
