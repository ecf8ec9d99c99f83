import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../../../..');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The `harbour` CLI compiled from the current sources (swc, as `npm run build` does, into a
 * directory of its own so a running stack's dist/ is left alone) and run as a real process: the
 * exit code is the one a shell would see. Call `remove()` when done.
 */
export function compileCli(): {
  run(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliRun>;
  remove(): void;
} {
  const out = mkdtempSync(join(tmpdir(), 'harbour-cli-build-'));
  const built = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules', '@swc', 'cli', 'bin', 'swc.js'),
      'services/notification/src',
      'libs',
      '-d',
      out,
      '--copy-files',
      '--quiet',
      '--ignore',
      '**/*.spec.ts,**/*.int-spec.ts,**/test-support/**',
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (built.status !== 0) throw new Error(`could not compile the CLI: ${built.stderr}`);
  const main = join(out, 'services', 'notification', 'src', 'cli', 'main.js');
  return {
    run: (args, env) =>
      new Promise((done, fail) => {
        const child = spawn(process.execPath, [main, ...args], {
          cwd: ROOT,
          // Compiled outside the repository: its packages are found through NODE_PATH.
          env: { ...env, NODE_PATH: join(ROOT, 'node_modules') },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
        child.on('error', fail);
        child.on('close', (code) => {
          done({ code: code ?? 1, stdout, stderr });
        });
      }),
    remove: () => {
      rmSync(out, { recursive: true, force: true });
    },
  };
}
