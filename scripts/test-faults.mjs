// `npm run test:faults`: compiles services, libs and tests/faults into .run/faults-build (its own
// tree, so a rebuild of dist/ by `npm start` or another test run cannot pull files from under a
// service the suite is restarting), then runs the fault-injection suite (tests/faults).
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, '.run', 'faults-build');
rmSync(out, { recursive: true, force: true });
const swc = join(root, 'node_modules', '@swc', 'cli', 'bin', 'swc.js');
const built = spawnSync(
  process.execPath,
  [
    swc,
    'services',
    'libs',
    'tests/faults',
    '-d',
    out,
    '--copy-files',
    '--quiet',
    '--ignore',
    '**/*.spec.ts,**/*.int-spec.ts,**/test-support/**',
  ],
  { cwd: root, stdio: 'inherit' },
);
if (built.status !== 0) {
  process.stderr.write('faults: build failed\n');
  process.exit(built.status ?? 1);
}
const suite = spawn(
  process.execPath,
  // kafkajs (the poison scenario's producer) sets negative timeouts; Node warns, harmlessly.
  [
    '--enable-source-maps',
    '--disable-warning=TimeoutNegativeWarning',
    join(out, 'tests', 'faults', 'run-faults.js'),
  ],
  { cwd: root, stdio: 'inherit' },
);
// Ctrl-C reaches the suite too (same process group); it stops what it started, then exits.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => suite.kill(signal));
suite.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
