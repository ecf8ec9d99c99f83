# Sourced by scripts: puts Node.js 24 LTS on PATH. When the machine's Node is older, a real
# Node 24 binary is installed from the npm registry's `node@24` package into .tools/node24.
harbour_root=${harbour_root:-$(cd "$(dirname "$0")/.." && pwd)}
harbour_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(harbour_node_major)" -lt 24 ]; then
  if [ ! -x "$harbour_root/.tools/node24/node_modules/.bin/node" ]; then
    echo "harbour: Node $(node -v 2>/dev/null || echo 'not found') is older than 24; installing Node 24 into .tools/node24 ..." >&2
    npm install --prefix "$harbour_root/.tools/node24" --no-save --no-audit --no-fund --loglevel=error node@24 >&2
  fi
  PATH="$harbour_root/.tools/node24/node_modules/.bin:$PATH"
  export PATH
fi
if [ "$(harbour_node_major)" -lt 24 ]; then
  echo "harbour: could not put Node 24 on PATH" >&2
  exit 1
fi
