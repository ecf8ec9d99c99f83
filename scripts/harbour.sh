#!/bin/sh
# Entry point of `npm start` and `npm test`: Node 24, dependencies and a build, then the real work.
set -eu
harbour_root=$(cd "$(dirname "$0")/.." && pwd)
cd "$harbour_root"
. "$harbour_root/scripts/node-env.sh"

# Install dependencies on a fresh clone, or when the lockfile changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "harbour: installing npm dependencies (npm ci) ..." >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
node scripts/build.mjs >&2

command=${1:-}
[ $# -gt 0 ] && shift
case "$command" in
  start) exec node scripts/stack.mjs "$@" ;;
  test) exec node scripts/test.mjs "$@" ;;
  *) echo "usage: scripts/harbour.sh start|test" >&2; exit 2 ;;
esac
