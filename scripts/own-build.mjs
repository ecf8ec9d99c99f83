// Shared by `npm run bench` and `npm run test:faults`: compile services, libs and one test tree
// into a folder of their own under .run/ (so a rebuild of dist/ by `npm start` or a test run
// cannot pull files from under services they are running), then run that tree's entry point,
// passing Ctrl-C on and exiting with its code.
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * @param {{ name: string, out: string, tree: string, entry: string, nodeFlags: string[] }} run
 *   `out` relative to the repository (e.g. `.run/bench-build`), `tree` the test folder to
 *   compile beside services and libs, `entry` the compiled entry point relative to `out`.
 */
export function buildAndRun(run) {
  const out = join(root, run.out);
  rmSync(out, { recursive: true, force: true });
  const swc = join(root, 'node_modules', '@swc', 'cli', 'bin', 'swc.js');
  const built = spawnSync(
    process.execPath,
    [
      swc,
      'services',
      'libs',
      run.tree,
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
    process.stderr.write(`${run.name}: build failed\n`);
    process.exit(built.status ?? 1);
  }
  const child = spawn(process.execPath, [...run.nodeFlags, join(out, run.entry)], {
    cwd: root,
    stdio: 'inherit',
  });
  // Ctrl-C reaches the child too (same process group); it stops what it started, then exits.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
}
