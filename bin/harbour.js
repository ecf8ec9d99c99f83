#!/usr/bin/env node
'use strict';
// Launches the Harbour admin CLI (built from services/notification/src/cli).
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const major = Number(process.versions.node.split('.')[0]);
const bundledNode = path.join(root, '.tools', 'node24', 'node_modules', '.bin', 'node');

// Harbour needs Node 24; use the project's own copy when the shell's Node is older.
if (major < 24 && existsSync(bundledNode) && !process.env.HARBOUR_CLI_REEXEC) {
  const result = spawnSync(bundledNode, [__filename, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, HARBOUR_CLI_REEXEC: '1' },
  });
  if (result.error) {
    process.stderr.write(`harbour: could not start Node 24: ${result.error.message}\n`);
    process.exit(1);
  }
  process.exit(result.status === null ? 1 : result.status);
}
if (major < 24) {
  process.stderr.write(`harbour: Node 24 or newer is required (this is ${process.version}).\n`);
  process.exit(1);
}

const cli = path.join(root, 'dist', 'services', 'notification', 'src', 'cli', 'main.js');
if (!existsSync(cli)) {
  process.stderr.write('harbour: the CLI is not built yet. Run `npm run build` first.\n');
  process.exit(1);
}
require(cli);
