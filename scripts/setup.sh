#!/usr/bin/env bash
# Sets up a fresh machine for unroll: pnpm (pinned), Debian's chromium (its SwiftShader
# Vulkan driver runs the WebGPU tests without a GPU; it also runs the browser tests),
# and the workspace's dependencies. Safe to run again: each step is skipped when done.
#
#   bash scripts/setup.sh               everything
#   bash scripts/setup.sh --no-browser  skip chromium (enough for `pnpm demo`)
set -euo pipefail
cd "$(dirname "$0")/.."

want_pnpm=$(node -p "require('./package.json').packageManager.split('@')[1]")
with_browser=1
for arg in "$@"; do
  case "$arg" in
    --no-browser) with_browser=0 ;;
    *) echo "setup.sh: unknown option '$arg' (known: --no-browser)" >&2; exit 2 ;;
  esac
done

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "setup.sh: unroll needs Node 20.16 or newer (found $(node --version))." >&2
  exit 1
fi

if [ "$(pnpm --version 2>/dev/null || true)" != "$want_pnpm" ]; then
  echo "setup: installing pnpm@$want_pnpm"
  # Node 20's bundled corepack fails pnpm's signature check, so install it with npm.
  npm install -g "pnpm@$want_pnpm" --no-fund --no-audit --loglevel=error
fi

if [ "$with_browser" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Debian's chromium (browser and SwiftShader tests)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends chromium >/dev/null
  else
    echo "setup: chromium not found and cannot be installed here (needs root and apt-get); browser/WebGPU tests will report it." >&2
  fi
fi

pnpm install --frozen-lockfile --reporter=append-only
